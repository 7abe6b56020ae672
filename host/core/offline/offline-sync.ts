/**
 * The thin I/O shell around decideOfflineTap, for a station uploading its queue: decode the
 * whole batch first (one malformed event and nothing at all is written), then for each event
 * read the store, decide, and apply the effect as one atomic store step, deciding again on fresh
 * data when another tap or upload changed the evidence meanwhile (as submitTap does).
 */
import { toHex } from "../../../shared/hex";
import { ok, Result } from "../../../shared/result";
import { Store, StoreBusyError } from "../../store/store";
import { can } from "../access/permissions";
import { Principal } from "../access/principal";
import { CoreError, failure, forbidden } from "../core-error";
import { Shop, Verifier } from "../model";
import { visibleVerifier } from "../registry";
import { Verdict } from "../verdict";
import { decodeOfflineEvents, OfflineEvent, OfflineEventText } from "./offline-event";
import { decideOfflineTap, OfflineOutcome, OfflineTapDecision } from "./offline-tap-decision";

/** The host's answer on one uploaded event: once answered, the station may drop it from its queue. */
export interface OfflineTapResult {
  nonce: string;
  outcome: OfflineOutcome;
  verdict: Verdict;
}

async function apply(store: Store, decision: OfflineTapDecision, now: number): Promise<"done" | "retry"> {
  const effect = decision.effect;
  if (effect.kind === "nothing") return "done";
  if (effect.kind === "alert") {
    await store.addAlert(effect.alert, effect.audit);
    return "done";
  }
  return (await store.commitTap({ challenge: undefined, now: now, ...effect.changes })) === "committed" ? "done" : "retry";
}

async function syncOne(store: Store, place: { verifier: Verifier; shop: Shop }, event: OfflineEvent, now: number): Promise<OfflineTapResult> {
  const stampId = toHex(event.response.stampId);
  // Two rounds settle a race: after a lost one the fresh evidence shows the repeat or the fork.
  for (let attempt = 0; attempt < 3; attempt++) {
    const context = { ...place, event: event, now: now, stamp: await store.getStamp(stampId), sameCounter: await store.findSignedCounters(stampId, event.response.counter) };
    const decision = decideOfflineTap(context);
    if ((await apply(store, decision, now)) === "done") return { nonce: event.nonce, outcome: decision.outcome, verdict: decision.verdict };
  }
  // Never an answer for a decision that was not written: the station would drop the event. A
  // busy answer (503) keeps it queued for the next sync.
  throw new StoreBusyError("the stamp's evidence kept changing while this event was decided: try again");
}

export async function syncOfflineTaps(store: Store, principal: Principal, texts: readonly OfflineEventText[], now: number): Promise<Result<OfflineTapResult[], CoreError>> {
  if (!can(principal, "offline-tap.upload") || principal.role !== "counter-station") return forbidden("upload offline taps: only a counter station can");
  const events = decodeOfflineEvents(texts);
  if (!events.ok) return failure("INVALID_INPUT", `events[${events.error.index}]: ${events.error.detail}`);
  const place = await visibleVerifier(store, principal, principal.verifierId);
  if (!place.ok) return place;
  const results: OfflineTapResult[] = [];
  for (const event of events.value) results.push(await syncOne(store, place.value, event, now));
  return ok(results);
}
