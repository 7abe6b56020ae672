import { toHex } from "../../shared/hex";
import { FLAG_USER_PRESENT } from "../../shared/protocol-constants";
import { Reason } from "../../shared/reason-codes";
import { tapSignedMessage } from "../../shared/signed-message";
import { TapResponse } from "../../shared/tap-response";
import { publicKeyObject, verifyStrict } from "../crypto/ed25519-strict";
import { auditEntry } from "./audit-entry";
import { challengeNonceOf } from "./offline/offline-evidence-id";
import { wireChallenge } from "./challenge-issuer";
import { AlertKind, IssuedChallenge, LastAcceptedTap, NewAlert, NewAuditEntry, Shop, SignedCounter, StampRecord, Verifier } from "./model";
import { describeTravel, impossibleTravel } from "./travel-rule";
import { REPLY_DEADLINE_MS, slowReply } from "./relay-rule";
import { TapCommit } from "../store/store";
import { verdict, Verdict } from "./verdict";
import { acceptedCardChanges, endedRequest, voucherRefusal } from "./phone/card-press";
import { CustomerCard } from "./phone/phone-tap-decision";

/** Everything known about one submitted tap, read from the store before deciding. */
export interface TapContext {
  verifier: Verifier;
  shop: Shop;
  challenge: IssuedChallenge | undefined;
  stamp: StampRecord | undefined;
  /** Validly signed responses already kept for this stamp and counter. */
  sameCounter: SignedCounter[];
  response: TapResponse;
  responseHex: string;
  now: number;
  /** The customer's card the challenge names (a counter station scanned its code), as read; undefined for none. */
  card: CustomerCard | undefined;
  /** The stamp's latest accepted tap in the ledger, for the travel rule; undefined for none. */
  lastTap: LastAcceptedTap | undefined;
}

/** What a validly signed tap changes: one transaction (Store.commitTap, which adds the challenge and the time). */
export type TapChanges = Omit<TapCommit, "challenge" | "now">;

/** What the decision asks the store to do. */
export type TapEffect = { kind: "nothing" } | { kind: "alert"; alert: NewAlert; audit: NewAuditEntry } | { kind: "commit"; changes: TapChanges };

export interface TapDecision {
  verdict: Verdict;
  effect: TapEffect;
}

const NOTHING: TapEffect = { kind: "nothing" };

function alertFor(context: TapContext, stamp: StampRecord, kind: AlertKind, v: Verdict, detail: string): NewAlert {
  return {
    at: context.now,
    kind: kind,
    merchantId: stamp.merchantId,
    stampId: stamp.id,
    verifierId: context.verifier.id,
    shopId: context.shop.id,
    reason: v.reason,
    detail: detail,
    stationId: "",
  };
}

/** The audit chain's entry for an alert raised at this verifier. */
function alertAudit(context: TapContext, alert: NewAlert): NewAuditEntry {
  return auditEntry("system", context.now, alert.merchantId, "alert." + alert.kind, alert.stampId, { reason: alert.reason, detail: alert.detail, verifierId: context.verifier.id });
}

/** Whether the stamp may be pressed at this verifier: one of its shops, and its verifiers if it names any (also an offline station's rule). */
export function isAtPlace(stamp: Pick<StampRecord, "shopIds" | "verifierIds">, verifier: Pick<Verifier, "id" | "shopId">): boolean {
  return stamp.shopIds.includes(verifier.shopId) && (stamp.verifierIds.length === 0 || stamp.verifierIds.includes(verifier.id));
}

function signedCounter(context: TapContext, challenge: IssuedChallenge, stamp: StampRecord): SignedCounter {
  return {
    stampId: stamp.id,
    counter: context.response.counter,
    nonce: challenge.nonce,
    verifierId: challenge.verifierId,
    challengeIssuedAt: challenge.issuedAt,
    purpose: challenge.purpose,
    quantity: challenge.quantity,
    response: context.responseHex,
    at: context.now,
  };
}

/** A validly signed but refused tap: evidence kept, challenge spent, optionally more. */
function refusal(context: TapContext, challenge: IssuedChallenge, stamp: StampRecord, v: Verdict, more: Partial<TapChanges>): TapDecision {
  const changes: TapChanges = { signed: signedCounter(context, challenge, stamp), raiseCounterTo: undefined, ledger: undefined, quarantine: false, alert: undefined, audit: [], clock: undefined, card: undefined, ...more };
  if (changes.alert !== undefined) changes.audit = [...changes.audit, alertAudit(context, changes.alert)];
  return { verdict: v, effect: { kind: "commit", changes: changes } };
}

/** A refused tap under a valid signature still spends its counter: a clone showing that value later is caught. */
function spendCounter(context: TapContext, stamp: StampRecord, why: string): Partial<TapChanges> {
  const counter = context.response.counter;
  return {
    raiseCounterTo: counter,
    audit: [auditEntry("system", context.now, stamp.merchantId, "stamp.counter", stamp.id, { from: stamp.lastCounter, to: counter, why: why, verifierId: context.verifier.id })],
  };
}

/**
 * A genuine stamp of another merchant: its own merchant hears of it (alert, counter spent, both
 * in its audit chain) without learning which merchant or counter; this one learns nothing.
 */
function foreignStamp(context: TapContext, challenge: IssuedChallenge, stamp: StampRecord, unknown: Verdict): TapDecision {
  const counter = context.response.counter;
  const detail = "pressed at a counter of another merchant: a stamp taken out of its shops";
  const alert: NewAlert = { at: context.now, kind: "STAMP_OUTSIDE_SHOP", merchantId: stamp.merchantId, stampId: stamp.id, verifierId: "", shopId: "", reason: unknown.reason, detail: detail, stationId: "" };
  const spend = counter > stamp.lastCounter && stamp.status === "active";
  const audit = [auditEntry("system", context.now, stamp.merchantId, "alert.STAMP_OUTSIDE_SHOP", stamp.id, { detail: detail })];
  if (spend) audit.push(auditEntry("system", context.now, stamp.merchantId, "stamp.counter", stamp.id, { from: stamp.lastCounter, to: counter, why: "OUTSIDE_MERCHANT" }));
  const changes: TapChanges = { signed: signedCounter(context, challenge, stamp), raiseCounterTo: spend ? counter : undefined, ledger: undefined, quarantine: false, alert: alert, audit: audit, clock: undefined, card: undefined };
  return { verdict: unknown, effect: { kind: "commit", changes: changes } };
}

/**
 * The verifier's decision for one tap: pure, given what the store holds. The order matters:
 * cheap checks on the challenge first; then the signature, so that nothing unauthenticated can
 * spend a challenge, quarantine a stamp or move its counter; then the stamp's status; then the
 * counter; then place (the stamp's shops, then the travel rule), the reply's age (the relay
 * rule) and presence.
 *
 * Quarantine needs proof, not an order of arrival: two valid signatures over different
 * challenges with the same counter can only come from two devices holding the key. A lower
 * counter arriving after a higher one is what a single genuine stamp produces when its replies
 * to two challenges are relayed out of order, so it is refused (COUNTER_REGRESSION) and
 * reported, and never quarantines by itself (docs/security.md, "Quarantine policy").
 */
export function decideTap(context: TapContext): TapDecision {
  const { challenge, response, stamp, verifier, shop, now } = context;
  const stampId = toHex(response.stampId);
  if (challenge === undefined) return { verdict: verdict(Reason.UNKNOWN_CHALLENGE, "no such challenge was issued"), effect: NOTHING };
  if (challenge.verifierId !== verifier.id) return { verdict: verdict(Reason.WRONG_VERIFIER, "the challenge was issued by another verifier"), effect: NOTHING };
  if (challenge.usedAt !== undefined) return { verdict: verdict(Reason.CHALLENGE_REUSED, "this challenge was already used: replay refused"), effect: NOTHING };
  if (now > challenge.expiresAt) return { verdict: verdict(Reason.CHALLENGE_EXPIRED, "the challenge expired"), effect: NOTHING };
  const unknown = verdict(Reason.UNKNOWN_STAMP, "stamp " + stampId + " is not registered");
  if (stamp === undefined) return { verdict: unknown, effect: NOTHING };

  const details = { stampId: stamp.id, stampLabel: stamp.label, counter: response.counter, shopId: shop.id };
  const message = tapSignedMessage(wireChallenge(challenge), response.stampId, response.counter, response.flags);
  const validSignature = verifyStrict(publicKeyObject(stamp.publicKey), message, response.signature);
  // Another merchant's stamp is answered exactly like one that does not exist: its label and
  // existence stay hidden from this merchant's stations. Only a genuine signature tells its own
  // merchant that it was pressed elsewhere; junk naming it writes nothing anywhere.
  if (stamp.merchantId !== shop.merchantId) return validSignature ? foreignStamp(context, challenge, stamp, unknown) : { verdict: unknown, effect: NOTHING };
  if (!validSignature) {
    const v = verdict(Reason.BAD_SIGNATURE, "the signature does not verify: forged or corrupted", details);
    const alert = alertFor(context, stamp, "FORGED_SIGNATURE", v, "invalid signature for stamp " + stamp.label + " at " + shop.name);
    return { verdict: v, effect: { kind: "alert", alert: alert, audit: alertAudit(context, alert) } };
  }
  if (stamp.status === "revoked") {
    const v = verdict(Reason.STAMP_REVOKED, "stamp " + stamp.label + " is revoked", details);
    return refusal(context, challenge, stamp, v, { alert: alertFor(context, stamp, "REVOKED_STAMP_USED", v, "revoked stamp used at " + shop.name) });
  }
  if (stamp.status === "quarantined") {
    const v = verdict(Reason.STAMP_QUARANTINED, "stamp " + stamp.label + " is quarantined (suspected clone)", details);
    return refusal(context, challenge, stamp, v, { alert: alertFor(context, stamp, "QUARANTINED_STAMP_USED", v, "quarantined stamp used at " + shop.name) });
  }
  // Compared by the challenge answered: the same reply also uploaded as an offline event is one tap, not two devices.
  const fork = context.sameCounter.find((kept) => challengeNonceOf(kept.nonce) !== challenge.nonce);
  if (fork !== undefined) {
    const v = verdict(Reason.COUNTER_FORK, `counter ${response.counter} was already signed for another challenge: a second device holds this key, stamp quarantined`, details);
    const detail = `two valid signatures with counter ${response.counter} (challenges ${fork.nonce} and ${challenge.nonce}) at ${shop.name}: a clone is proven`;
    return refusal(context, challenge, stamp, v, {
      quarantine: true,
      alert: alertFor(context, stamp, "CLONE_PROVEN", v, detail),
      audit: [auditEntry("system", now, stamp.merchantId, "stamp.quarantine", stamp.id, { counter: response.counter, nonces: [fork.nonce, challenge.nonce] })],
    });
  }
  if (response.counter <= stamp.lastCounter) {
    const v = verdict(Reason.COUNTER_REGRESSION, `counter ${response.counter} is not above ${stamp.lastCounter}: a late or relayed reply, refused`, details);
    const detail = `counter ${response.counter} after ${stamp.lastCounter} at ${shop.name}: a reply held back and relayed, or a clone (not quarantined without proof)`;
    return refusal(context, challenge, stamp, v, { alert: alertFor(context, stamp, "LATE_COUNTER", v, detail) });
  }
  if (!isAtPlace(stamp, verifier)) {
    const v = verdict(Reason.OUTSIDE_SHOP, `stamp ${stamp.label} belongs elsewhere: used at ${shop.name}`, details);
    const detail = `stolen stamp used at ${shop.name} (${shop.id}); it belongs to ${stamp.shopIds.join(", ")}`;
    return refusal(context, challenge, stamp, v, { ...spendCounter(context, stamp, v.reason), alert: alertFor(context, stamp, "STAMP_OUTSIDE_SHOP", v, detail) });
  }
  // Refused, not accepted-and-flagged: the tap cannot be honest (one stamp, two places), and
  // counting it would pay out on a clone. Not quarantined: a relay of the genuine stamp's
  // replies produces the same picture, and a shop's location is data its merchant typed, so
  // there is no proof of a second device (R4's rule: no quarantine without proof).
  const travel = impossibleTravel(context.lastTap, shop, now);
  if (travel !== undefined) {
    const v = verdict(Reason.IMPOSSIBLE_TRAVEL, `stamp ${stamp.label} was just used elsewhere: ${describeTravel(travel)}`, details);
    const detail = `used at ${shop.name} (${shop.id}) ${describeTravel(travel)}: a clone or a relay (not quarantined without proof)`;
    return refusal(context, challenge, stamp, v, { ...spendCounter(context, stamp, v.reason), alert: alertFor(context, stamp, "IMPOSSIBLE_TRAVEL", v, detail) });
  }
  // Refused rather than accepted-and-flagged: no genuine exchange is this slow, and the stamp
  // at the counter can simply be pressed again. Not quarantined: a relay of the genuine stamp
  // proves no second device, and quarantining on it would let a relay take the stamp away.
  const slow = slowReply(challenge, now);
  if (slow !== undefined) {
    const seconds = (slow / 1000).toFixed(1);
    const v = verdict(Reason.POSSIBLE_RELAY, `the reply took at least ${seconds} s; no genuine tap takes over ${REPLY_DEADLINE_MS / 1000} s: possibly relayed, refused`, details);
    const detail = `reply to a challenge of ${verifier.label} at ${shop.name} arrived at least ${seconds} s after it was issued (deadline ${REPLY_DEADLINE_MS / 1000} s): a relay or a held reply (not quarantined without proof)`;
    return refusal(context, challenge, stamp, v, { ...spendCounter(context, stamp, v.reason), alert: alertFor(context, stamp, "POSSIBLE_RELAY", v, detail) });
  }
  if (verifier.requirePresence && (response.flags & FLAG_USER_PRESENT) === 0) {
    const v = verdict(Reason.PRESENCE_REQUIRED, "press the stamp: this counter needs the button", details);
    return refusal(context, challenge, stamp, v, spendCounter(context, stamp, v.reason));
  }
  const card = challenge.cardId === "" ? undefined : context.card;
  // A REDEEM challenge names its voucher; a card that no longer holds it (not this card's) redeems nothing.
  const redeem = challenge.voucherId === undefined ? undefined : card?.redeem;
  if (challenge.voucherId !== undefined && redeem === undefined) {
    const v = verdict(Reason.VOUCHER_USED, "the reward or coupon this tap was to redeem is not on the card", details);
    return refusal(context, challenge, stamp, v, spendCounter(context, stamp, v.reason));
  }
  const refused = redeem === undefined ? undefined : voucherRefusal(redeem, now, details);
  if (refused !== undefined) {
    return refusal(context, challenge, stamp, refused, { ...spendCounter(context, stamp, refused.reason), card: endedRequest(challenge.cardId, stamp.merchantId) });
  }
  const press = { merchantId: stamp.merchantId, holderId: challenge.cardId, quantity: challenge.quantity, now: now, evidence: challenge.nonce };
  const what = redeem === undefined ? "" : ` (${redeem.kind} "${redeem.label}" redeemed)`;
  return {
    verdict: verdict(Reason.ACCEPTED, `accepted: ${stamp.label} at ${shop.name}${what}`, details),
    effect: {
      kind: "commit",
      changes: {
        signed: signedCounter(context, challenge, stamp),
        raiseCounterTo: response.counter,
        quarantine: false,
        alert: undefined,
        audit: [],
        clock: undefined,
        card: card === undefined ? undefined : acceptedCardChanges(card, press),
        ledger: {
          stampId: stamp.id,
          counter: response.counter,
          verifierId: verifier.id,
          shopId: shop.id,
          merchantId: stamp.merchantId,
          purpose: challenge.purpose,
          quantity: challenge.quantity,
          nonce: challenge.nonce,
          challengeIssuedAt: challenge.issuedAt,
          acceptedAt: now,
          response: context.responseHex,
          transport: "station",
          origin: "",
          cardId: challenge.cardId,
          receipt: challenge.receipt,
        },
      },
    },
  };
}
