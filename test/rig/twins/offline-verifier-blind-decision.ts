/**
 * The offline-verifier-blind twin's decision: the real module's exports, with decideOfflineTap
 * judging each uploaded tap at the verifier its challenge names (kept at the uploading station's
 * shop) instead of the station's own: a station may then upload another verifier's taps. Loaded
 * only through offline-verifier-blind-hooks.mjs, in the twin's own process.
 */
import { toHex } from "../../../shared/hex";
import { decideOfflineTap as decideAtStation, OfflineTapContext, OfflineTapDecision } from "../../../host/core/offline/offline-tap-decision";

export * from "../../../host/core/offline/offline-tap-decision";

export function decideOfflineTap(context: OfflineTapContext): OfflineTapDecision {
  return decideAtStation({ ...context, verifier: { ...context.verifier, id: toHex(context.event.challenge.verifierId) } });
}
