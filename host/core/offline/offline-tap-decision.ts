/**
 * The host's decision, at sync, on one tap an offline station judged: pure, given what the store
 * holds. The station's own "accepted" was a promise made on a registry copy; here the tap meets
 * the live registry and every signature kept, so what the station could not see is caught now:
 * a second device (two valid signatures with one counter over different challenges: the same
 * proof as online, so the stamp is quarantined), and a stamp revoked or quarantined since the
 * station's copy (refused with an alert, never credited). A counter below the stamp's is NOT a
 * regression here: online taps went on while the station was cut off, so the event is credited
 * once (its evidence id is kept once) and the counter is raised only if higher.
 */
import { toHex } from "../../../shared/hex";
import { FLAG_USER_PRESENT } from "../../../shared/protocol-constants";
import { Reason } from "../../../shared/reason-codes";
import { tapSignedMessage } from "../../../shared/signed-message";
import { publicKeyObject, verifyStrict } from "../../crypto/ed25519-strict";
import { auditEntry } from "../audit-entry";
import { AlertKind, NewAlert, NewAuditEntry, Shop, SignedCounter, StampRecord, Verifier } from "../model";
import { isAtPlace, TapChanges, TapDecision, TapEffect } from "../tap-decision";
import { verdict, Verdict } from "../verdict";
import { OfflineEvent } from "./offline-event";
import { challengeNonceOf, offlineEvidenceId } from "./offline-evidence-id";

/**
 * How old an offline tap may be when it syncs. The time is the one the station put in its
 * challenge and the stamp signed: the station's claim, bounded so that a station cannot keep
 * taps back (or date them) beyond a week. A station whose registry copy is older refuses taps.
 */
export const MAX_OFFLINE_AGE_MS = 7 * 24 * 3600_000;
/** How far ahead of the host's clock a station's clock may run. */
export const MAX_STATION_CLOCK_AHEAD_MS = 5 * 60_000;

export interface OfflineTapContext {
  /** The uploading station's verifier (the authenticated principal's) and its shop. */
  verifier: Verifier;
  shop: Shop;
  event: OfflineEvent;
  stamp: StampRecord | undefined;
  /** Validly signed responses already kept for this stamp and counter. */
  sameCounter: SignedCounter[];
  now: number;
}

/** "already-recorded": this very event was kept before (a repeated upload after a lost answer). */
export type OfflineOutcome = "judged" | "already-recorded";

export interface OfflineTapDecision extends TapDecision {
  outcome: OfflineOutcome;
}

const NOTHING: TapEffect = { kind: "nothing" };

function judged(v: Verdict, effect: TapEffect = NOTHING): OfflineTapDecision {
  return { outcome: "judged", verdict: v, effect: effect };
}

function timeText(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

function alertOf(context: OfflineTapContext, stamp: StampRecord, kind: AlertKind, v: Verdict, detail: string): { alert: NewAlert; audit: NewAuditEntry } {
  const alert: NewAlert = { at: context.now, kind: kind, merchantId: stamp.merchantId, stampId: stamp.id, verifierId: context.verifier.id, shopId: context.shop.id, reason: v.reason, detail: detail, stationId: "" };
  const audit = auditEntry("system", context.now, stamp.merchantId, "alert." + kind, stamp.id, { reason: v.reason, detail: detail, verifierId: context.verifier.id, offline: true });
  return { alert: alert, audit: audit };
}

function signedCounter(context: OfflineTapContext, stamp: StampRecord): SignedCounter {
  const { challenge, response } = context.event;
  return {
    stampId: stamp.id,
    counter: response.counter,
    nonce: offlineEvidenceId(context.event.nonce),
    verifierId: context.verifier.id,
    challengeIssuedAt: challenge.issuedAt,
    purpose: challenge.purpose,
    quantity: challenge.quantity,
    response: context.event.responseHex,
    at: context.now,
  };
}

/** A validly signed offline tap not credited: its evidence kept (a clone showing its counter later is caught), an alert when given. */
function refusal(context: OfflineTapContext, stamp: StampRecord, v: Verdict, raised: { alert: NewAlert; audit: NewAuditEntry } | undefined, more: Partial<TapChanges> = {}): OfflineTapDecision {
  const audit = [...(more.audit ?? []), ...(raised === undefined ? [] : [raised.audit])];
  const changes: TapChanges = { signed: signedCounter(context, stamp), raiseCounterTo: undefined, ledger: undefined, quarantine: false, alert: raised?.alert, clock: undefined, card: undefined, ...more, audit: audit };
  return judged(v, { kind: "commit", changes: changes });
}

/** Why the event cannot be judged at all (nothing is written), or undefined. */
function unjudgeable(context: OfflineTapContext): Verdict | undefined {
  const { event, verifier, now } = context;
  const at = event.challenge.issuedAt * 1000;
  if (toHex(event.challenge.verifierId) !== verifier.id) return verdict(Reason.WRONG_VERIFIER, "the offline challenge names another verifier than this station's");
  if (at > now + MAX_STATION_CLOCK_AHEAD_MS) return verdict(Reason.CHALLENGE_EXPIRED, `the offline challenge is dated ${timeText(at)}, ahead of the host's clock`);
  if (at < now - MAX_OFFLINE_AGE_MS) return verdict(Reason.CHALLENGE_EXPIRED, `the offline tap of ${timeText(at)} is older than the ${MAX_OFFLINE_AGE_MS / 86_400_000} days an offline tap may wait`);
  // What a tap is worth is the verifier's configuration: a station cannot make its taps worth more.
  if (event.challenge.purpose !== verifier.purpose || event.challenge.quantity !== verifier.quantity) {
    return verdict(Reason.UNKNOWN_CHALLENGE, "the offline challenge's purpose or quantity is not this verifier's configuration");
  }
  return undefined;
}

/** The order follows decideTap's: ids and times, the signature, the status, the fork, place and presence. */
export function decideOfflineTap(context: OfflineTapContext): OfflineTapDecision {
  const refused = unjudgeable(context);
  if (refused !== undefined) return judged(refused);
  const { event, stamp, shop, now } = context;
  const { response, challenge } = event;
  if (context.sameCounter.some((kept) => challengeNonceOf(kept.nonce) === event.nonce)) {
    return { outcome: "already-recorded", verdict: verdict(Reason.CHALLENGE_REUSED, "this offline tap was already recorded"), effect: NOTHING };
  }
  const stampId = toHex(response.stampId);
  // Another merchant's stamp was never in this station's copy: answered as unknown, nothing learnt or written.
  if (stamp === undefined || stamp.merchantId !== shop.merchantId) return judged(verdict(Reason.UNKNOWN_STAMP, `stamp ${stampId} is not registered`));
  const details = { stampId: stamp.id, stampLabel: stamp.label, counter: response.counter, shopId: shop.id };
  const where = `offline at ${shop.name} on ${timeText(challenge.issuedAt * 1000)}`;
  const message = tapSignedMessage(challenge, response.stampId, response.counter, response.flags);
  if (!verifyStrict(publicKeyObject(stamp.publicKey), message, response.signature)) {
    const v = verdict(Reason.BAD_SIGNATURE, "the signature does not verify: forged or corrupted", details);
    const raised = alertOf(context, stamp, "FORGED_SIGNATURE", v, `invalid signature for stamp ${stamp.label} uploaded by the station ${where}`);
    return judged(v, { kind: "alert", alert: raised.alert, audit: raised.audit });
  }
  if (stamp.status === "revoked") {
    const v = verdict(Reason.STAMP_REVOKED, `stamp ${stamp.label} is revoked: its offline tap is not credited`, details);
    return refusal(context, stamp, v, alertOf(context, stamp, "REVOKED_STAMP_USED", v, `revoked stamp accepted ${where} on the station's older registry copy; not credited`));
  }
  if (stamp.status === "quarantined") {
    const v = verdict(Reason.STAMP_QUARANTINED, `stamp ${stamp.label} is quarantined (suspected clone): its offline tap is not credited`, details);
    return refusal(context, stamp, v, alertOf(context, stamp, "QUARANTINED_STAMP_USED", v, `quarantined stamp accepted ${where} on the station's older registry copy; not credited`));
  }
  const fork = context.sameCounter.find((kept) => challengeNonceOf(kept.nonce) !== event.nonce);
  if (fork !== undefined) {
    const v = verdict(Reason.COUNTER_FORK, `counter ${response.counter} was already signed for another challenge: a second device holds this key, stamp quarantined`, details);
    const detail = `two valid signatures with counter ${response.counter} (challenges ${fork.nonce} and ${offlineEvidenceId(event.nonce)}), one ${where}: a clone is proven`;
    const quarantine = auditEntry("system", now, stamp.merchantId, "stamp.quarantine", stamp.id, { counter: response.counter, nonces: [fork.nonce, offlineEvidenceId(event.nonce)] });
    return refusal(context, stamp, v, alertOf(context, stamp, "CLONE_PROVEN", v, detail), { quarantine: true, audit: [quarantine] });
  }
  if (!isAtPlace(stamp, context.verifier)) {
    const v = verdict(Reason.OUTSIDE_SHOP, `stamp ${stamp.label} belongs elsewhere: used ${where}`, details);
    return refusal(context, stamp, v, alertOf(context, stamp, "STAMP_OUTSIDE_SHOP", v, `stamp used ${where}; it belongs to ${stamp.shopIds.join(", ")}`));
  }
  if (context.verifier.requirePresence && (response.flags & FLAG_USER_PRESENT) === 0) {
    return refusal(context, stamp, verdict(Reason.PRESENCE_REQUIRED, "the stamp's button was not pressed: this counter needs it", details), undefined);
  }
  const signed = signedCounter(context, stamp);
  return judged(verdict(Reason.ACCEPTED, `accepted ${where}: ${stamp.label}`, details), {
    kind: "commit",
    changes: {
      signed: signed,
      raiseCounterTo: undefined,
      lateCounter: response.counter,
      quarantine: false,
      alert: undefined,
      audit: [],
      clock: undefined,
      card: undefined,
      ledger: {
        stampId: stamp.id,
        counter: response.counter,
        verifierId: context.verifier.id,
        shopId: shop.id,
        merchantId: stamp.merchantId,
        purpose: challenge.purpose,
        quantity: challenge.quantity,
        nonce: signed.nonce,
        challengeIssuedAt: challenge.issuedAt,
        // When the tap happened, as the station dated its challenge (bounded above); the host learnt of it at sync.
        acceptedAt: challenge.issuedAt * 1000,
        response: event.responseHex,
        transport: "station",
        origin: "",
        cardId: "",
        receipt: undefined,
      },
    },
  });
}
