import { encodeChallenge } from "../../shared/challenge";
import { Purpose } from "../../shared/protocol-constants";
import { ok, Result } from "../../shared/result";
import { Store } from "../store/store";
import { can } from "./access/permissions";
import { Principal } from "./access/principal";
import { MAX_CHALLENGE_TTL_MS, newChallenge, wireChallenge } from "./challenge-issuer";
import { CoreError, failure, forbidden } from "./core-error";
import { IssuedChallenge, Receipt, Verifier } from "./model";
import { COUNTER_CODE_TTL_MS, cardOfCounterCode } from "./phone/counter-codes";
import { voucherState } from "./phone/voucher-model";
import { displayText, visibleVerifier } from "./registry";

/**
 * How many unexpired, unused challenges one counter station may hold at its verifier. A station
 * needs one per tap in flight; expired ones are deleted as new ones are issued. The cap counts
 * per station, not per verifier: a verifier shared by several stations (a till and a kiosk) would
 * otherwise let one enrolled station, stolen or broken, hold every open challenge and starve the
 * others. A verifier's open challenges are therefore bounded by 16 per enrolled station, and
 * stations are enrolled only with an owner's or manager's one-time code.
 *
 * A station at its share is not refused: its oldest open challenge is retired (deleted) and the
 * new one issued. Refusing let anyone who can make a station ask, such as a junk card touched to
 * an NFC counter 16 times, lock genuine taps out of that counter for 30 s. A counter handles one
 * contact at a time, so the newest challenge is the one a genuine press answers. Superseding is
 * safe: a retired challenge's reply finds no challenge and is refused as UNKNOWN_CHALLENGE, as an
 * expired and purged one is; a used challenge is never retired, so a replay still meets it
 * (CHALLENGE_REUSED); nonces are random and never issued again, so no replay window opens. The
 * database stays bounded by the same 16 per station, and the rate limits per credential and per
 * address bound how fast a station can churn them (docs/security.md, "Open challenges").
 */
export const MAX_OPEN_CHALLENGES = 16;

export interface IssuedForWire {
  issued: IssuedChallenge;
  /** The 32 bytes sent to the stamp. */
  bytes: Uint8Array;
}

/** What the till says about the tap to come: the customer's card (its counter code, scanned), the order. */
export interface ChallengeOrder {
  card?: string;
  receipt?: Receipt;
}

export const ORDER_REF_MAX_LENGTH = 64;
/** A trillion in the currency's minor unit: far above any till's order, far below 2^53. */
export const MAX_RECEIPT_AMOUNT = 1_000_000_000_000;
const CURRENCY = /^[A-Z]{3}$/;

function checkedReceipt(receipt: Receipt): Result<Receipt, CoreError> {
  const orderRef = displayText(receipt.orderRef, "order reference", ORDER_REF_MAX_LENGTH);
  if (!orderRef.ok) return orderRef;
  if (!Number.isSafeInteger(receipt.amount) || receipt.amount < 0 || receipt.amount > MAX_RECEIPT_AMOUNT) {
    return failure("INVALID_INPUT", `the amount must be a whole number of the currency's smallest unit, from 0 to ${MAX_RECEIPT_AMOUNT}`);
  }
  if (!CURRENCY.test(receipt.currency)) return failure("INVALID_INPUT", "the currency must be an ISO 4217 code such as KRW");
  return ok({ orderRef: orderRef.value, amount: receipt.amount, currency: receipt.currency });
}

/** What the tap will be worth: the verifier's configuration, or the redemption the identified card asked for. */
interface TapWorth {
  purpose: Purpose;
  quantity: number;
  cardId: string;
  voucherId: string | undefined;
}

/**
 * The card a scanned code names at this merchant, and whether its holder asked to redeem a
 * voucher: then the stamp signs a REDEEM challenge for one (the purpose is in the signed bytes,
 * so it is settled here, before the press). A card counts only on a verifier that gives stamps.
 */
async function worthWithCard(store: Store, verifier: Verifier, merchantId: string, code: string, now: number): Promise<Result<TapWorth, CoreError>> {
  if (verifier.purpose !== Purpose.STAMP) return failure("INVALID_INPUT", `verifier ${verifier.label} does not give stamps: a customer's card counts only where stamps are given`);
  const holderId = await cardOfCounterCode(store, { code: code, merchantId: merchantId, now: now });
  if (holderId === undefined) {
    return failure("NOT_FOUND", `this card code is not valid here: it expired (a card shows a new one every ${COUNTER_CODE_TTL_MS / 60_000} minutes) or is another merchant's`);
  }
  const request = await store.vouchers.findRedemptionRequest(holderId, merchantId, now);
  const voucher = request && (await store.vouchers.getVoucher(request.voucherId));
  if (voucher !== undefined && voucher.holderId === holderId && voucherState(voucher, now) === "usable") {
    return ok({ purpose: Purpose.REDEEM, quantity: 1, cardId: holderId, voucherId: voucher.id });
  }
  return ok({ purpose: verifier.purpose, quantity: verifier.quantity, cardId: holderId, voucherId: undefined });
}

/**
 * Issues and stores a challenge for the counter station asking, for its own verifier only. What
 * the tap is worth (purpose, quantity) is the verifier's configuration, set by the merchant, or a
 * redemption the identified card's holder asked for on their card page; the station only names
 * the card and the order.
 */
export async function issueChallenge(store: Store, principal: Principal, now: number, order: ChallengeOrder = {}): Promise<Result<IssuedForWire, CoreError>> {
  if (!can(principal, "challenge.issue") || principal.role !== "counter-station") return forbidden("ask for challenges");
  const found = await visibleVerifier(store, principal, principal.verifierId);
  if (!found.ok) return found;
  const verifier = found.value.verifier;
  const receipt = order.receipt === undefined ? ok(undefined) : checkedReceipt(order.receipt);
  if (!receipt.ok) return receipt;
  const worth: Result<TapWorth, CoreError> =
    order.card === undefined
      ? ok({ purpose: verifier.purpose, quantity: verifier.quantity, cardId: "", voucherId: undefined })
      : await worthWithCard(store, verifier, found.value.shop.merchantId, order.card, now);
  if (!worth.ok) return worth;
  const issued = newChallenge({ verifierId: verifier.id, ttlMs: MAX_CHALLENGE_TTL_MS, receipt: receipt.value, stationId: principal.credentialId, ...worth.value }, now);
  // "oldest-retired" needs nothing more: the station's oldest open challenge made room for this one.
  await store.saveChallenge(issued, MAX_OPEN_CHALLENGES, now);
  return ok({ issued: issued, bytes: encodeChallenge(wireChallenge(issued)) });
}
