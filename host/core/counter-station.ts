import { Purpose } from "../../shared/protocol-constants";
import { Reason } from "../../shared/reason-codes";
import { Store } from "../store/store";
import { issueChallenge } from "./challenge-service";
import { MAX_CHALLENGE_TTL_MS } from "./challenge-issuer";
import { judgeStampReply, JudgedReply } from "./judge-stamp-reply";
import { verdict } from "./verdict";

/** Carries a challenge to a stamp and brings back its raw reply (NFC mailbox, BLE, ...). */
export type StampExchange = (challenge: Uint8Array) => Promise<Uint8Array>;

export interface TapOrder {
  verifierId: string;
  purpose: Purpose;
  quantity: number;
}

/**
 * What a counter station does for one tap, whatever the transport: issue a challenge, let the
 * transport carry it, judge the reply through the same core as the HTTP path.
 */
export async function runStationTap(store: Store, order: TapOrder, exchange: StampExchange, clock: () => number): Promise<JudgedReply> {
  const issued = await issueChallenge(store, { ...order, ttlMs: MAX_CHALLENGE_TTL_MS }, clock());
  if (!issued.ok) return { verdict: verdict(Reason.UNKNOWN_VERIFIER, issued.error), response: undefined };
  return judgeStampReply(store, order.verifierId, await exchange(issued.value.bytes), clock());
}
