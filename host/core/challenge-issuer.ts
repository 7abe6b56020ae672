import { randomBytes } from "node:crypto";
import { Challenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { NONCE_LENGTH, Purpose } from "../../shared/protocol-constants";
import { IssuedChallenge, Receipt } from "./model";

/** The longest a challenge may live (R3). */
export const MAX_CHALLENGE_TTL_MS = 30_000;

export interface ChallengeRequest {
  verifierId: string;
  /** From the verifier's configuration, never from the client. */
  purpose: Purpose;
  quantity: number;
  ttlMs: number;
  /** The card the station identified ("" for none), the voucher it redeems, the till's receipt. */
  cardId: string;
  voucherId: string | undefined;
  receipt: Receipt | undefined;
  /** The counter station asking (its credential id); "" for a challenge a station makes offline for itself. */
  stationId: string;
}

/** A fresh challenge: a 128-bit nonce from the OS CSPRNG, bound to the issuing verifier. */
export function newChallenge(request: ChallengeRequest, now: number): IssuedChallenge {
  const ttl = Math.min(Math.max(request.ttlMs, 1), MAX_CHALLENGE_TTL_MS);
  return {
    nonce: toHex(randomBytes(NONCE_LENGTH)),
    verifierId: request.verifierId,
    issuedAt: Math.floor(now / 1000),
    expiresAt: now + ttl,
    purpose: request.purpose,
    quantity: request.quantity,
    usedAt: undefined,
    cardId: request.cardId,
    voucherId: request.voucherId,
    receipt: request.receipt,
    stationId: request.stationId,
  };
}

/** The challenge as the protocol carries it (ids were validated when stored). */
export function wireChallenge(issued: IssuedChallenge): Challenge {
  const verifierId = fromHex(issued.verifierId);
  const nonce = fromHex(issued.nonce);
  if (!verifierId.ok || !nonce.ok) throw new Error("stored challenge has malformed ids");
  return { verifierId: verifierId.value, issuedAt: issued.issuedAt, nonce: nonce.value, purpose: issued.purpose, quantity: issued.quantity };
}
