/**
 * Rewards and coupons (voucher-model.ts): the owner or a manager issues coupons to customers'
 * cards; a card holder asks to redeem one of their vouchers with the next press of the
 * merchant's stamp on their phone (the press itself, decided in phone-tap-decision.ts, uses it
 * once); staff read what was issued and used.
 */
import { randomBytes } from "node:crypto";
import { ok, Result } from "../../../shared/result";
import { Store } from "../../store/store";
import { can } from "../access/permissions";
import { Principal } from "../access/principal";
import { auditEntry } from "../audit-entry";
import { CoreError, failure, forbidden } from "../core-error";
import { displayText, visibleMerchant } from "../registry";
import { MAX_REWARD_VALID_DAYS, REWARD_LABEL_MAX_LENGTH } from "./loyalty";
import { REDEMPTION_REQUEST_TTL_MS, RedemptionRequest, Voucher, voucherState } from "./voucher-model";

/** One issue reaches at most this many cards (a come-back list of a large shop fits). */
export const MAX_COUPON_CARDS = 1000;
const HOLDER_ID = /^[0-9a-f]{32}$/;
const VOUCHER_ID = /^[0-9a-f]{16}$/;
const DAY_MS = 86_400_000;

export interface CouponIssue {
  merchantId: string;
  /** Holder ids, as the come-back list and the card QR give them. */
  cardIds: string[];
  label: string;
  /** Days the coupon stays usable; undefined: it never expires. */
  validDays: number | undefined;
}

/** Issues one coupon to each card, all or none: every card must be the merchant's customer. */
export async function issueCoupons(store: Store, principal: Principal, input: CouponIssue, now: number): Promise<Result<{ issued: number; expiresAt: number | undefined }, CoreError>> {
  if (!can(principal, "coupon.issue")) return forbidden("issue coupons");
  const label = displayText(input.label, "coupon label", REWARD_LABEL_MAX_LENGTH);
  if (!label.ok) return label;
  const cards = [...new Set(input.cardIds)];
  if (cards.length === 0 || cards.length > MAX_COUPON_CARDS) return failure("INVALID_INPUT", `name from 1 to ${MAX_COUPON_CARDS} cards`);
  const malformed = cards.find((card) => !HOLDER_ID.test(card));
  if (malformed !== undefined) return failure("INVALID_INPUT", `"${malformed.slice(0, 40)}" is not a card id (32 hex digits)`);
  const days = input.validDays;
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= MAX_REWARD_VALID_DAYS)) {
    return failure("INVALID_INPUT", `days a coupon stays valid must be a whole number from 1 to ${MAX_REWARD_VALID_DAYS}, or none`);
  }
  const merchant = await visibleMerchant(store, principal, input.merchantId);
  if (!merchant.ok) return merchant;
  const expiresAt = days === undefined ? undefined : now + days * DAY_MS;
  const coupons: Voucher[] = cards.map((card) => ({
    id: randomBytes(8).toString("hex"),
    merchantId: merchant.value.id,
    holderId: card,
    kind: "coupon",
    ordinal: undefined,
    label: label.value,
    issuedAt: now,
    expiresAt: expiresAt,
    usedAt: undefined,
    usedBy: undefined,
    issuedBy: principal.credentialId,
  }));
  const audit = auditEntry(principal, now, merchant.value.id, "coupon.issue", merchant.value.id, { label: label.value, cards: cards.length, expiresAt: expiresAt ?? null });
  const outcome = await store.vouchers.addCoupons(coupons, audit);
  if (!outcome.ok) return failure("NOT_FOUND", `${outcome.notCustomers.length} of the cards are not customers of ${merchant.value.id} (first: ${outcome.notCustomers[0]})`);
  return ok({ issued: coupons.length, expiresAt: expiresAt });
}

/** The merchant's latest vouchers, rewards and coupons, newest first. */
export async function listVouchers(store: Store, principal: Principal, merchantId: string, limit: number): Promise<Result<Voucher[], CoreError>> {
  if (!can(principal, "coupon.read")) return forbidden("read rewards and coupons");
  const merchant = await visibleMerchant(store, principal, merchantId);
  if (!merchant.ok) return merchant;
  return ok(await store.vouchers.listMerchantVouchers(merchant.value.id, limit));
}

/** Why a card holder cannot ask to redeem a voucher: not theirs (or no such voucher), used, or expired. */
export type RedemptionRefusal = { why: "unknown" } | { why: "used"; usedAt: number } | { why: "expired"; expiredAt: number };

/**
 * The card holder asks to redeem their voucher with the next press of one of the merchant's
 * stamps on this phone, within REDEMPTION_REQUEST_TTL_MS. Nothing is used yet: only the press,
 * a proof that the stamp (and so the staff holding it) was there, uses it. A voucher that is not
 * this card's is "unknown", the same as one that does not exist.
 */
export async function requestRedemption(
  store: Store,
  input: { holderId: string; merchantId: string; voucherId: string; now: number },
): Promise<{ ok: true; request: RedemptionRequest } | ({ ok: false } & RedemptionRefusal)> {
  const voucher = VOUCHER_ID.test(input.voucherId) ? await store.vouchers.getVoucher(input.voucherId) : undefined;
  if (voucher === undefined || voucher.holderId !== input.holderId || voucher.merchantId !== input.merchantId) return { ok: false, why: "unknown" };
  const state = voucherState(voucher, input.now);
  if (state === "used") return { ok: false, why: "used", usedAt: voucher.usedAt ?? input.now };
  if (state === "expired") return { ok: false, why: "expired", expiredAt: voucher.expiresAt ?? input.now };
  const request = { holderId: input.holderId, merchantId: input.merchantId, voucherId: voucher.id, expiresAt: input.now + REDEMPTION_REQUEST_TTL_MS };
  await store.vouchers.requestRedemption(request);
  return { ok: true, request: request };
}

/** The holder changed their mind: the next press is a stamp again. */
export async function cancelRedemption(store: Store, input: { holderId: string; merchantId: string }): Promise<void> {
  await store.vouchers.cancelRedemptionRequest(input.holderId, input.merchantId);
}
