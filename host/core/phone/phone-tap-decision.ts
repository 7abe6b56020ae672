import { toHex } from "../../../shared/hex";
import { phoneSignedMessage, PhoneToken } from "../../../shared/phone-url";
import { FLAG_USER_PRESENT, Purpose } from "../../../shared/protocol-constants";
import { Reason } from "../../../shared/reason-codes";
import { publicKeyObject, verifyStrict } from "../../crypto/ed25519-strict";
import { TapCommit } from "../../store/store";
import { auditEntry } from "../audit-entry";
import { AlertKind, NewAlert, Shop, SignedCounter, StampRecord } from "../model";
import { verdict, Verdict } from "../verdict";
import { ClockChange, LoyaltyProgram, Worker } from "./card-model";
import { acceptedCardChanges, endedRequest, voucherRefusal } from "./card-press";
import { Voucher } from "./voucher-model";

/**
 * A shift open longer than this is a clock-out someone forgot: the next press starts a new shift
 * (the old one stays without a clock-out and counts no hours) instead of ending a shift of a day
 * and a night.
 */
export const MAX_SHIFT_MS = 16 * 3600_000;

/** A customer's card at the stamp's merchant, as read before deciding. */
export interface CustomerCard {
  kind: "customer";
  program: Omit<LoyaltyProgram, "merchantId">;
  /** The stamps on the card before this press. */
  stamps: number;
  /** The highest reward number issued on the card (0: none yet). */
  rewardsIssued: number;
  /** The voucher the holder asked, on their card page, to redeem with this press; undefined when no request is open. */
  redeem: Voucher | undefined;
}

/** What the card that opened the URL is at the stamp's merchant: it decides what the press is for. */
export type CardRole = CustomerCard | { kind: "worker"; worker: Worker };


/** Everything known about one opened phone URL, read from the store before deciding. */
export interface PhoneTapContext {
  /** This host's public base URL: the only one its tokens may be signed for. */
  baseUrl: string;
  token: PhoneToken;
  /** The 78 token bytes, hex: kept as the evidence. */
  tokenHex: string;
  holderId: string;
  stamp: StampRecord | undefined;
  /** The stamp's first shop, where its phone taps are recorded. */
  shop: Shop | undefined;
  /** Validly signed responses already kept for this stamp and counter. */
  sameCounter: SignedCounter[];
  card: CardRole;
  now: number;
}

export type PhoneTapEffect = { kind: "nothing" } | { kind: "commit"; commit: TapCommit };

export interface PhoneTapDecision {
  verdict: Verdict;
  effect: PhoneTapEffect;
  /** What the press is (or would have been) for; undefined when no genuine stamp signed it. */
  purpose: Purpose | undefined;
  quantity: number | undefined;
}

/** What a press is worth on this card, and the clock change it makes if accepted. */
interface PressValue {
  purpose: Purpose;
  quantity: number;
  clock: ClockChange | undefined;
  /** The voucher a redeeming press uses. */
  redeem: Voucher | undefined;
}

/**
 * The id a phone tap's evidence is kept under (the signed counter's and the ledger's nonce).
 * Ed25519 signatures are deterministic: one message has one signature, so one URL has one id,
 * and two different ids with one counter are two different messages signed with that counter,
 * which only a second device holding the key makes.
 */
export function phoneEvidenceId(token: PhoneToken): string {
  return "url:" + toHex(token.signature);
}

/**
 * A customer's press counts the merchant's stamps per press; a worker's press clocks in, or out
 * when a shift is open (and not left open for longer than MAX_SHIFT_MS).
 */
export function pressValue(card: CardRole, now: number): PressValue {
  if (card.kind === "customer") {
    if (card.redeem !== undefined) return { purpose: Purpose.REDEEM, quantity: 1, clock: undefined, redeem: card.redeem };
    return { purpose: Purpose.STAMP, quantity: card.program.stampsPerPress, clock: undefined, redeem: undefined };
  }
  const since = card.worker.clockedInSince;
  const onShift = since !== undefined && now - since < MAX_SHIFT_MS;
  const to = onShift ? undefined : now;
  return { purpose: onShift ? Purpose.CLOCK_OUT : Purpose.CLOCK_IN, quantity: 1, clock: { workerId: card.worker.id, from: since, to: to }, redeem: undefined };
}

const NOTHING: PhoneTapEffect = { kind: "nothing" };

function nothing(v: Verdict, value: PressValue | undefined): PhoneTapDecision {
  return { verdict: v, effect: NOTHING, purpose: value?.purpose, quantity: value?.quantity };
}

function signedCounter(context: PhoneTapContext, stamp: StampRecord, value: PressValue): SignedCounter {
  return {
    stampId: stamp.id,
    counter: context.token.counter,
    nonce: phoneEvidenceId(context.token),
    verifierId: "",
    challengeIssuedAt: 0,
    purpose: value.purpose,
    quantity: value.quantity,
    response: context.tokenHex,
    at: context.now,
  };
}

function alertFor(context: PhoneTapContext, stamp: StampRecord, kind: AlertKind, v: Verdict, detail: string): NewAlert {
  return { at: context.now, kind: kind, merchantId: stamp.merchantId, stampId: stamp.id, verifierId: "", shopId: context.shop?.id ?? "", reason: v.reason, detail: detail, stationId: "" };
}

/** A validly signed but refused phone tap: evidence kept (which also makes the URL used), optionally more. */
function refusal(context: PhoneTapContext, stamp: StampRecord, value: PressValue, v: Verdict, more: Partial<TapCommit>): PhoneTapDecision {
  const commit: TapCommit = {
    challenge: undefined,
    now: context.now,
    signed: signedCounter(context, stamp, value),
    raiseCounterTo: undefined,
    ledger: undefined,
    quarantine: false,
    alert: undefined,
    audit: [],
    clock: undefined,
    card: undefined,
    ...more,
  };
  const alert = commit.alert;
  if (alert !== undefined) {
    commit.audit = [...commit.audit, auditEntry("system", context.now, alert.merchantId, "alert." + alert.kind, alert.stampId, { reason: alert.reason, detail: alert.detail, transport: "phone" })];
  }
  return { verdict: v, effect: { kind: "commit", commit: commit }, purpose: value.purpose, quantity: value.quantity };
}

/** A refused phone tap under a valid signature still spends its counter, as a refused station tap does. */
function spendCounter(context: PhoneTapContext, stamp: StampRecord, why: string): Partial<TapCommit> {
  const counter = context.token.counter;
  return {
    raiseCounterTo: counter,
    audit: [auditEntry("system", context.now, stamp.merchantId, "stamp.counter", stamp.id, { from: stamp.lastCounter, to: counter, why: why, transport: "phone" })],
  };
}

/**
 * The decision for one opened phone URL: pure, given what the store holds. The order follows the
 * station tap's (tap-decision.ts), without the challenge checks (a phone answers no challenge):
 * stamp known, then the signature, so that nothing unauthenticated writes anything; then the
 * stamp's status; then whether this very URL was used; then the counter; then presence and place.
 *
 * A URL whose signature does not verify writes nothing at all, not even an alert, unlike a
 * station tap with a bad signature: a station is an enrolled device whose forged answer is news,
 * while anyone on the internet can type an edited URL, and an alert per typed URL would let
 * strangers flood a merchant's alerts (the route is rate-limited per address as well).
 *
 * A revoked or quarantined stamp's URL raises one alert, at its first opening: reloading the
 * page finds its evidence kept and writes nothing again.
 */
export function decidePhoneTap(context: PhoneTapContext): PhoneTapDecision {
  const { token, stamp, shop, now } = context;
  const stampId = toHex(token.stampId);
  if (stamp === undefined) return nothing(verdict(Reason.UNKNOWN_STAMP, "stamp " + stampId + " is not registered"), undefined);
  const message = phoneSignedMessage(context.baseUrl, token.stampId, token.counter, token.flags, token.pressRandom);
  if (!verifyStrict(publicKeyObject(stamp.publicKey), message, token.signature)) {
    return nothing(verdict(Reason.BAD_SIGNATURE, "the link's signature does not verify: edited, forged, or made for another host"), undefined);
  }

  const details = { stampId: stamp.id, stampLabel: stamp.label, counter: token.counter, shopId: shop?.id };
  const value = pressValue(context.card, now);
  const evidenceId = phoneEvidenceId(token);
  const alreadyKept = context.sameCounter.some((kept) => kept.nonce === evidenceId);
  const where = shop === undefined ? "on a phone" : `on a phone at ${shop.name}`;
  if (stamp.status === "revoked") {
    const v = verdict(Reason.STAMP_REVOKED, "stamp " + stamp.label + " is revoked", details);
    return alreadyKept ? nothing(v, value) : refusal(context, stamp, value, v, { alert: alertFor(context, stamp, "REVOKED_STAMP_USED", v, "revoked stamp used " + where) });
  }
  if (stamp.status === "quarantined") {
    const v = verdict(Reason.STAMP_QUARANTINED, "stamp " + stamp.label + " is quarantined (suspected clone)", details);
    return alreadyKept ? nothing(v, value) : refusal(context, stamp, value, v, { alert: alertFor(context, stamp, "QUARANTINED_STAMP_USED", v, "quarantined stamp used " + where) });
  }
  if (alreadyKept) return nothing(verdict(Reason.URL_ALREADY_USED, `this link (counter ${token.counter}) was already used`, details), value);
  const fork = context.sameCounter.find((kept) => kept.nonce !== evidenceId);
  if (fork !== undefined) {
    const v = verdict(Reason.COUNTER_FORK, `counter ${token.counter} was already signed for another message: a second device holds this key, stamp quarantined`, details);
    const detail = `two valid signatures with counter ${token.counter} (${fork.nonce} and ${evidenceId}) ${where}: a clone is proven`;
    return refusal(context, stamp, value, v, {
      quarantine: true,
      alert: alertFor(context, stamp, "CLONE_PROVEN", v, detail),
      audit: [auditEntry("system", now, stamp.merchantId, "stamp.quarantine", stamp.id, { counter: token.counter, nonces: [fork.nonce, evidenceId] })],
    });
  }
  if (token.counter <= stamp.lastCounter) {
    const v = verdict(Reason.COUNTER_REGRESSION, `counter ${token.counter} is not above ${stamp.lastCounter}: an old link, refused`, details);
    const detail = `counter ${token.counter} after ${stamp.lastCounter} ${where}: a link kept back and opened late, or a clone (not quarantined without proof)`;
    return refusal(context, stamp, value, v, { alert: alertFor(context, stamp, "LATE_COUNTER", v, detail) });
  }
  if ((token.flags & FLAG_USER_PRESENT) === 0) {
    const v = verdict(Reason.PRESENCE_REQUIRED, "press the stamp: a phone link needs the button", details);
    return refusal(context, stamp, value, v, spendCounter(context, stamp, v.reason));
  }
  if (shop === undefined) {
    const v = verdict(Reason.OUTSIDE_SHOP, `stamp ${stamp.label} is bound to no shop of its merchant`, details);
    return refusal(context, stamp, value, v, { ...spendCounter(context, stamp, v.reason), alert: alertFor(context, stamp, "STAMP_OUTSIDE_SHOP", v, `stamp bound to no shop used ${where}`) });
  }
  const redeem = value.redeem;
  const refused = redeem === undefined ? undefined : voucherRefusal(redeem, now, details);
  if (refused !== undefined) return refusal(context, stamp, value, refused, { ...spendCounter(context, stamp, refused.reason), card: endedRequest(context.holderId, stamp.merchantId) });
  const press = { merchantId: stamp.merchantId, holderId: context.holderId, quantity: value.quantity, now: now, evidence: evidenceId };
  const card = context.card.kind === "customer" ? acceptedCardChanges(context.card, press) : undefined;
  const what = redeem === undefined ? "" : ` (${redeem.kind} "${redeem.label}" redeemed)`;
  return {
    verdict: verdict(Reason.ACCEPTED, `accepted: ${stamp.label} ${where}${what}`, details),
    purpose: value.purpose,
    quantity: value.quantity,
    effect: {
      kind: "commit",
      commit: {
        challenge: undefined,
        now: now,
        signed: signedCounter(context, stamp, value),
        raiseCounterTo: token.counter,
        quarantine: false,
        alert: undefined,
        audit: [],
        clock: value.clock,
        card: card,
        ledger: {
          stampId: stamp.id,
          counter: token.counter,
          verifierId: "",
          shopId: shop.id,
          merchantId: stamp.merchantId,
          purpose: value.purpose,
          quantity: value.quantity,
          nonce: evidenceId,
          challengeIssuedAt: 0,
          acceptedAt: now,
          response: context.tokenHex,
          transport: "phone",
          origin: context.baseUrl,
          cardId: context.holderId,
          receipt: undefined,
        },
      },
    },
  };
}
