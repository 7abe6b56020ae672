import { Reason } from "../../shared/reason-codes";
import { decodeStampReply, STAMP_STATUS_NAMES, StampStatus } from "../../shared/stamp-reply";
import { Store } from "../store/store";
import { submitTap } from "./tap-verifier";
import { verdict, Verdict } from "./verdict";

export interface JudgedReply {
  verdict: Verdict;
  /** The stamp's tap response, when it gave one (for audits and attack rigs). */
  response: Uint8Array | undefined;
}

/** Judges the raw bytes a stamp put on the air: a refusal, garbage, or a tap to verify. */
export async function judgeStampReply(store: Store, verifierId: string, replyBytes: Uint8Array, now: number): Promise<JudgedReply> {
  const reply = decodeStampReply(replyBytes);
  if (!reply.ok) return { verdict: verdict(Reason.MALFORMED_RESPONSE, `malformed stamp reply: ${reply.error.detail}`), response: undefined };
  if (reply.value.status !== StampStatus.OK) {
    return { verdict: verdict(Reason.STAMP_REFUSED, `the stamp refused: ${STAMP_STATUS_NAMES[reply.value.status]}`), response: undefined };
  }
  const response = reply.value.response;
  return { verdict: await submitTap(store, verifierId, response, now), response: response };
}
