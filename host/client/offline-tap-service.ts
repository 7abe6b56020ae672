/**
 * A counter station that keeps working when the host is unreachable. Online, every tap goes to
 * the host as usual (apiTapService). When the host cannot be reached (connection refused or
 * reset, a timeout, a 5xx answer; never on a refusal, which is the host's word), the station
 * makes its own challenge, judges the stamp's reply on its registry copy (decideLocally),
 * shows the copy's age beside the verdict, and queues every tap it accepted in its own file.
 * sync() uploads the queue (an event leaves it only once the host answered it) and refreshes
 * the copy; it runs when the host answers again, and on a timer (startPeriodicSync).
 */
import { encodeChallenge } from "../../shared/challenge";
import { toHex } from "../../shared/hex";
import { Reason } from "../../shared/reason-codes";
import { err, ok } from "../../shared/result";
import { decodeTapResponse, TapResponse } from "../../shared/tap-response";
import { MAX_CHALLENGE_TTL_MS, newChallenge, wireChallenge } from "../core/challenge-issuer";
import { ChallengeOrder } from "../core/challenge-service";
import { TapService } from "../core/counter-station";
import { IssuedChallenge } from "../core/model";
import { MAX_OFFLINE_EVENTS_PER_UPLOAD } from "../core/offline/offline-event";
import { decideLocally, LocalRegistry, registryAgeText } from "../core/offline/offline-station-decision";
import { MAX_OFFLINE_AGE_MS } from "../core/offline/offline-tap-decision";
import { MAX_SNAPSHOT_PAGE } from "../core/offline/registry-snapshot";
import { verdict, Verdict } from "../core/verdict";
import { ApiClient } from "./api-client";
import { apiTapService, HostAnswerError } from "./api-tap-service";
import { decodeRegistryPage, RegistryPage, registryPageErrorText } from "./offline-registry-page";
import { OfflineQueue } from "./offline-queue";
import { TransportError } from "./transports";

export interface SyncReport {
  /** Events the host answered (and the station dropped from its queue). */
  uploaded: number;
  /** Of those, the ones the host refused (its verdicts went to the log). */
  refused: number;
  remaining: number;
  registryAsOf: number;
}

export interface OfflineCapableTapService extends TapService {
  /** Uploads the queue and refreshes the registry copy; throws when the host cannot be reached. */
  sync(): Promise<SyncReport>;
}

export interface OfflineOptions {
  clock?: () => number;
  /** Lines for the station's log: sync results, the host's refusals of queued taps. */
  log?: (line: string) => void;
}

/** The host cannot be reached or cannot answer now: the station may decide on its own. A 4xx refusal is never this. */
export function isHostUnreachable(error: unknown): boolean {
  if (error instanceof TransportError) return error.kind === "unreachable" || error.kind === "timeout" || error.kind === "bad-response";
  return error instanceof HostAnswerError && error.status >= 500;
}

/** The host's answers to one upload, decoded: each event's nonce and whether the host credited it. */
function answeredNonces(body: unknown, sent: ReadonlySet<string>): { nonce: string; accepted: boolean; message: string }[] {
  const results: unknown = typeof body === "object" && body !== null && "results" in body ? body.results : undefined;
  if (!Array.isArray(results)) throw new Error("the host's answer to the upload has no results");
  return results.flatMap((item: unknown) => {
    if (typeof item !== "object" || item === null || !("nonce" in item) || typeof item.nonce !== "string" || !sent.has(item.nonce)) return [];
    const judged: object = "verdict" in item && typeof item.verdict === "object" && item.verdict !== null ? item.verdict : {};
    const accepted = ("accepted" in judged && judged.accepted === true) || ("outcome" in item && item.outcome === "already-recorded");
    return [{ nonce: item.nonce, accepted: accepted, message: "message" in judged && typeof judged.message === "string" ? judged.message : "" }];
  });
}

async function uploadQueue(client: ApiClient, queue: OfflineQueue, log: (line: string) => void): Promise<{ uploaded: number; refused: number }> {
  let uploaded = 0;
  let refused = 0;
  for (;;) {
    const batch = queue.pending(MAX_OFFLINE_EVENTS_PER_UPLOAD);
    if (batch.length === 0) return { uploaded, refused };
    const response = await client.request("POST", "/v1/stations/offline-taps", { events: batch.map((event) => ({ challenge: event.challenge, response: event.response })) });
    if (response.status !== 200) throw new HostAnswerError(response.status, `the host did not take the offline taps: status ${response.status}`);
    const answered = answeredNonces(response.body, new Set(batch.map((event) => event.nonce)));
    if (answered.length === 0) throw new Error("the host answered none of the uploaded offline taps");
    // Dropped only once answered: a lost answer means the same events go again, and the host keeps each once.
    queue.acknowledge(answered.map((answer) => answer.nonce));
    for (const answer of answered.filter((a) => !a.accepted)) log(`offline tap ${answer.nonce} refused at sync: ${answer.message}`);
    uploaded += answered.length;
    refused += answered.filter((answer) => !answer.accepted).length;
  }
}

async function fetchRegistry(client: ApiClient): Promise<RegistryPage> {
  let merged: RegistryPage | undefined;
  let after: string | undefined;
  do {
    const query = `?limit=${MAX_SNAPSHOT_PAGE}` + (after === undefined ? "" : `&after=${after}`);
    const response = await client.request("GET", "/v1/stations/registry" + query);
    if (response.status !== 200) throw new HostAnswerError(response.status, `the host did not give the registry copy: status ${response.status}`);
    const page = decodeRegistryPage(response.body);
    if (!page.ok) throw new Error(`the host's registry copy is malformed: ${registryPageErrorText(page.error)}`);
    // The copy is as old as its first page: what it says of any stamp is at least that fresh.
    merged = merged === undefined ? page.value : { ...merged, stamps: [...merged.stamps, ...page.value.stamps] };
    after = page.value.next;
  } while (after !== undefined);
  return merged;
}

/** Why the station cannot work offline now on its copy, or undefined. */
function offlineRefusal(registry: LocalRegistry, order: ChallengeOrder | undefined, now: number): Verdict | undefined {
  if (now - registry.asOf > MAX_OFFLINE_AGE_MS) return verdict(Reason.UNKNOWN_VERIFIER, `the host is unreachable and the registry copy is too old to use (${registryAgeText(registry.asOf)})`);
  // A card's rewards and a redemption live on the host: offline, only plain taps.
  if (order !== undefined && (order.card !== undefined || order.receipt !== undefined)) return verdict(Reason.UNKNOWN_CHALLENGE, "the host is unreachable: a tap for a card or an order must wait for it");
  return undefined;
}

export function offlineCapableTapService(client: ApiClient, queue: OfflineQueue, options: OfflineOptions = {}): OfflineCapableTapService {
  const clock = options.clock ?? Date.now;
  const log = options.log ?? (() => undefined);
  const online = apiTapService(client);
  /** Challenges this station made itself, open until used or expired. */
  const open = new Map<string, IssuedChallenge>();
  let running: Promise<SyncReport> | undefined;

  const sync = (): Promise<SyncReport> => {
    running ??= (async () => {
      try {
        const { uploaded, refused } = await uploadQueue(client, queue, log);
        const registry = await fetchRegistry(client);
        queue.replaceRegistry(registry);
        return { uploaded: uploaded, refused: refused, remaining: queue.count(), registryAsOf: registry.asOf };
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const offlineChallenge = (order: ChallengeOrder | undefined) => {
    const now = clock();
    for (const [nonce, challenge] of open) if (challenge.expiresAt < now) open.delete(nonce);
    const registry = queue.registry();
    if (registry === undefined) return err(verdict(Reason.UNKNOWN_VERIFIER, "the host is unreachable and this counter has no registry copy yet"));
    const refusal = offlineRefusal(registry, order, now);
    if (refusal !== undefined) return err(refusal);
    const { id, purpose, quantity } = registry.verifier;
    const issued = newChallenge({ verifierId: id, purpose: purpose, quantity: quantity, ttlMs: MAX_CHALLENGE_TTL_MS, cardId: "", voucherId: undefined, receipt: undefined, stationId: "" }, now);
    open.set(issued.nonce, issued);
    return ok(encodeChallenge(wireChallenge(issued)));
  };

  const judgeOffline = (registry: LocalRegistry, challenge: IssuedChallenge, response: TapResponse, responseBytes: Uint8Array): Verdict => {
    // Single use: the challenge is gone before anything else, whatever the verdict.
    open.delete(challenge.nonce);
    const stampId = toHex(response.stampId);
    const now = clock();
    const judged = decideLocally({ registry: registry, challenge: challenge, response: response, seenCounter: queue.seenCounter(stampId), now: now });
    if (judged.accepted) {
      queue.queueAccepted({ nonce: challenge.nonce, challenge: toHex(encodeChallenge(wireChallenge(challenge))), response: toHex(responseBytes), at: now }, stampId, response.counter);
    }
    return judged;
  };

  return {
    sync: sync,
    async challenge(order) {
      try {
        const issued = await online.challenge(order);
        // The host answers again: what was queued meanwhile goes up now, beside the tap.
        if (queue.count() > 0) sync().catch((error: unknown) => log(`offline sync failed: ${error instanceof Error ? error.message : String(error)}`));
        return issued;
      } catch (error) {
        if (!isHostUnreachable(error)) throw error;
        return offlineChallenge(order);
      }
    },
    async submit(responseBytes) {
      const decoded = decodeTapResponse(responseBytes);
      const mine = decoded.ok ? open.get(toHex(decoded.value.nonce)) : undefined;
      const registry = queue.registry();
      if (decoded.ok && mine !== undefined && registry !== undefined) return judgeOffline(registry, mine, decoded.value, responseBytes);
      try {
        return await online.submit(responseBytes);
      } catch (error) {
        // A reply to none of this station's own challenges, and no host to ask: nothing to credit it
        // against (a replayed reply, or the host fell away mid-tap: the customer presses again).
        if (!isHostUnreachable(error) || !decoded.ok || registry === undefined) throw error;
        return decideLocally({ registry: registry, challenge: undefined, response: decoded.value, seenCounter: 0, now: clock() });
      }
    },
  };
}

/** Syncs every `everyMs` while the station runs (failures only logged: the next round tries again). */
export function startPeriodicSync(service: OfflineCapableTapService, everyMs: number, log: (line: string) => void): () => void {
  const timer = setInterval(() => {
    service.sync().then(
      (report) => {
        if (report.uploaded > 0) log(`offline taps synced: ${report.uploaded} answered (${report.refused} refused), ${report.remaining} still queued`);
      },
      (error: unknown) => log(`offline sync failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
