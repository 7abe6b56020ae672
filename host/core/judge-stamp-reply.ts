import { Reason } from "../../shared/reason-codes";
import { decodeStampReply, STAMP_STATUS_NAMES, StampStatus } from "../../shared/stamp-reply";
import { decodeTapResponse } from "../../shared/tap-response";
import { verdict, Verdict } from "./verdict";

/** A stamp's raw reply: a refusal or garbage judged at once, or the tap response to submit. */
export type ReadReply = { kind: "verdict"; verdict: Verdict } | { kind: "tap"; response: Uint8Array };

/** Reads the raw bytes a stamp put on the air (NFC mailbox, BLE). */
export function readStampReply(replyBytes: Uint8Array): ReadReply {
  const reply = decodeStampReply(replyBytes);
  if (!reply.ok) return { kind: "verdict", verdict: verdict(Reason.MALFORMED_RESPONSE, `malformed stamp reply: ${reply.error.detail}`) };
  if (reply.value.status !== StampStatus.OK) {
    return { kind: "verdict", verdict: verdict(Reason.STAMP_REFUSED, `the stamp refused: ${STAMP_STATUS_NAMES[reply.value.status]}`) };
  }
  // Decoded here too: garbage is judged at the station, without a round trip to the host.
  const tap = decodeTapResponse(reply.value.response);
  if (!tap.ok) return { kind: "verdict", verdict: verdict(Reason.MALFORMED_RESPONSE, `malformed response: ${tap.error.detail}`) };
  return { kind: "tap", response: reply.value.response };
}
