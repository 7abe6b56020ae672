import { toHex } from "../../shared/hex";
import { FLAG_USER_PRESENT } from "../../shared/protocol-constants";
import { Reason } from "../../shared/reason-codes";
import { tapSignedMessage } from "../../shared/signed-message";
import { TapResponse } from "../../shared/tap-response";
import { publicKeyObject, verifyStrict } from "../crypto/ed25519-strict";
import { wireChallenge } from "./challenge-issuer";
import { AlertKind, IssuedChallenge, NewAlert, Shop, StampRecord, Verifier } from "./model";
import { LedgerEntry } from "../store/store";
import { verdict, Verdict } from "./verdict";

/** Everything known about one submitted tap, read from the store before deciding. */
export interface TapContext {
  verifier: Verifier;
  shop: Shop;
  challenge: IssuedChallenge;
  /** False when an earlier tap already referred to this challenge. */
  firstUse: boolean;
  stamp: StampRecord | undefined;
  response: TapResponse;
  responseHex: string;
  now: number;
}

/** What the decision asks the store to do; each is one atomic store step. */
export type TapEffect =
  | { kind: "nothing" }
  | { kind: "alert"; alert: NewAlert }
  | { kind: "quarantine"; alert: NewAlert }
  /** A valid signature that is still refused: its counter is spent all the same. */
  | { kind: "advance-counter"; stampId: string; counter: number; alert: NewAlert | undefined }
  | { kind: "record"; entry: LedgerEntry };

export interface TapDecision {
  verdict: Verdict;
  effect: TapEffect;
}

function alertFor(context: TapContext, kind: AlertKind, v: Verdict, detail: string): NewAlert {
  return {
    at: context.now,
    kind: kind,
    stampId: toHex(context.response.stampId),
    verifierId: context.verifier.id,
    shopId: context.shop.id,
    reason: v.reason,
    detail: detail,
  };
}

function isAtPlace(stamp: StampRecord, verifier: Verifier): boolean {
  return stamp.shopIds.includes(verifier.shopId) && (stamp.verifierIds.length === 0 || stamp.verifierIds.includes(verifier.id));
}

/**
 * The verifier's decision for one tap: pure, given what the store holds. The order matters:
 * cheap checks on the challenge first; then the signature, so that nothing unauthenticated can
 * quarantine a stamp or move its counter; then the stamp's status; then the counter (a
 * regression under a valid signature means a second device holds the key); then place and presence.
 */
export function decideTap(context: TapContext): TapDecision {
  const { challenge, response, stamp, verifier, shop, now } = context;
  const stampId = toHex(response.stampId);
  const none: TapEffect = { kind: "nothing" };
  if (!context.firstUse) return { verdict: verdict(Reason.CHALLENGE_REUSED, "this challenge was already used: replay refused"), effect: none };
  if (challenge.verifierId !== verifier.id) {
    return { verdict: verdict(Reason.WRONG_VERIFIER, "the challenge was issued by another verifier"), effect: none };
  }
  if (now > challenge.expiresAt) return { verdict: verdict(Reason.CHALLENGE_EXPIRED, "the challenge expired"), effect: none };
  if (stamp === undefined) return { verdict: verdict(Reason.UNKNOWN_STAMP, "stamp " + stampId + " is not registered"), effect: none };

  const details = { stampId: stamp.id, stampLabel: stamp.label, counter: response.counter, shopId: shop.id };
  const message = tapSignedMessage(wireChallenge(challenge), response.stampId, response.counter, response.flags);
  if (!verifyStrict(publicKeyObject(stamp.publicKey), message, response.signature)) {
    const v = verdict(Reason.BAD_SIGNATURE, "the signature does not verify: forged or corrupted", details);
    return { verdict: v, effect: { kind: "alert", alert: alertFor(context, "FORGED_SIGNATURE", v, "invalid signature for stamp " + stamp.id) } };
  }
  if (stamp.status === "revoked") {
    const v = verdict(Reason.STAMP_REVOKED, "stamp " + stamp.label + " is revoked", details);
    return { verdict: v, effect: { kind: "alert", alert: alertFor(context, "REVOKED_STAMP_USED", v, "revoked stamp used at " + shop.name) } };
  }
  if (stamp.status === "quarantined") {
    const v = verdict(Reason.STAMP_QUARANTINED, "stamp " + stamp.label + " is quarantined (suspected clone)", details);
    return { verdict: v, effect: { kind: "alert", alert: alertFor(context, "QUARANTINED_STAMP_USED", v, "quarantined stamp used at " + shop.name) } };
  }
  if (response.counter <= stamp.lastCounter) {
    const v = verdict(Reason.COUNTER_REGRESSION, `counter ${response.counter} is not above ${stamp.lastCounter}: suspected clone, stamp quarantined`, details);
    const detail = `counter ${response.counter} after ${stamp.lastCounter} at ${shop.name}: a second device holds this key`;
    return { verdict: v, effect: { kind: "quarantine", alert: alertFor(context, "CLONE_SUSPECTED", v, detail) } };
  }
  if (!isAtPlace(stamp, verifier)) {
    const v = verdict(Reason.OUTSIDE_SHOP, `stamp ${stamp.label} belongs elsewhere: used at ${shop.name}`, details);
    const detail = `stolen stamp used at ${shop.name} (${shop.id}); it belongs to ${stamp.shopIds.join(", ")}`;
    return { verdict: v, effect: { kind: "advance-counter", stampId: stamp.id, counter: response.counter, alert: alertFor(context, "STAMP_OUTSIDE_SHOP", v, detail) } };
  }
  if (verifier.requirePresence && (response.flags & FLAG_USER_PRESENT) === 0) {
    const v = verdict(Reason.PRESENCE_REQUIRED, "press the stamp: this counter needs the button", details);
    return { verdict: v, effect: { kind: "advance-counter", stampId: stamp.id, counter: response.counter, alert: undefined } };
  }
  return {
    verdict: verdict(Reason.ACCEPTED, `accepted: ${stamp.label} at ${shop.name}`, details),
    effect: {
      kind: "record",
      entry: {
        stampId: stamp.id,
        counter: response.counter,
        verifierId: verifier.id,
        shopId: shop.id,
        merchantId: stamp.merchantId,
        purpose: challenge.purpose,
        quantity: challenge.quantity,
        nonce: challenge.nonce,
        acceptedAt: now,
        response: context.responseHex,
      },
    },
  };
}
