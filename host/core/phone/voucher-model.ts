/**
 * Rewards and coupons on a customer's card: a voucher is given once and used once, and only by a
 * verified press of one of the merchant's stamps. A reward is issued by the press that completes
 * the card's stamps (numbered per card, so two presses racing issue it once); a coupon is issued
 * by the owner or a manager (for example to the come-back list). Ids are 16 hex digits.
 */

export type VoucherKind = "reward" | "coupon";

export interface Voucher {
  id: string;
  merchantId: string;
  /** The card (holder id) it belongs to. */
  holderId: string;
  kind: VoucherKind;
  /** A reward's number on its card (1 for the card's first reward); undefined for a coupon. */
  ordinal: number | undefined;
  label: string;
  issuedAt: number;
  /** Not usable from this time on; undefined when it never expires. */
  expiresAt: number | undefined;
  usedAt: number | undefined;
  /** The evidence id (the ledger event's nonce) of the press that redeemed it. */
  usedBy: string | undefined;
  /** The credential that issued a coupon; "system" for a reward. */
  issuedBy: string;
}

/** What a redeeming press changes: the voucher, only if still unused and unexpired at `at`. */
export interface VoucherUse {
  voucherId: string;
  holderId: string;
  at: number;
  evidence: string;
}

/**
 * A card holder asked, on their card page, to redeem this voucher with the next press of one of
 * the merchant's stamps on their phone. One per card and merchant; a press answers it (used or
 * refused) and ends it.
 */
export interface RedemptionRequest {
  holderId: string;
  merchantId: string;
  voucherId: string;
  expiresAt: number;
}

/** Long enough to show the phone at the counter and have the stamp pressed; short enough that a forgotten request does not turn a later visit's stamp into a redemption. */
export const REDEMPTION_REQUEST_TTL_MS = 3 * 60_000;

/**
 * A code the card page shows (as a QR code) for a counter reader to identify the card: random,
 * short-lived, kept as its SHA-256. It names the card to the merchant's stations only: with it a
 * station's tap counts on that card, and redeems what the card holder asked to redeem.
 */
export interface CounterCode {
  codeHash: string;
  holderId: string;
  merchantId: string;
  expiresAt: number;
}

export type VoucherState = "usable" | "used" | "expired";

export function voucherState(voucher: Voucher, now: number): VoucherState {
  if (voucher.usedAt !== undefined) return "used";
  if (voucher.expiresAt !== undefined && now >= voucher.expiresAt) return "expired";
  return "usable";
}
