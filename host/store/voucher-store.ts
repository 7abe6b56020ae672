import { NewAuditEntry } from "../core/model";
import { CounterCode, RedemptionRequest, Voucher } from "../core/phone/voucher-model";

/** The cards among `holderIds` that are not customers of the merchant: an issue of coupons names only its own customers. */
export type CouponOutcome = { ok: true } | { ok: false; notCustomers: string[] };

/**
 * What one press changes on a customer's card, inside the tap's transaction (TapCommit.card):
 * rewards it completes, the voucher it redeems, the redemption request it answers.
 */
export interface CardChanges {
  /** Inserted once per (merchant, card, ordinal): of two presses racing to complete one reward, one issues it. */
  issueRewards: Voucher[];
  /** Only if the voucher is still unused and unexpired; otherwise nothing of the tap is written ("voucher-used"). */
  useVoucher: { voucherId: string; holderId: string; at: number; evidence: string } | undefined;
  /** The card's redemption request, ended: a press answers it whatever the verdict. */
  endRequest: { holderId: string; merchantId: string } | undefined;
}

/**
 * The part of the Store port about rewards and coupons, and the codes a counter reader scans to
 * know the card (core/phone/voucher-model.ts). Each method
 * is one atomic step; a voucher is used only inside Store.commitTap, with the press that redeems it.
 */
export interface VoucherStore {
  getVoucher(id: string): Promise<Voucher | undefined>;
  /** The card's vouchers at the merchant, newest first, at most `limit`. */
  listCardVouchers(holderId: string, merchantId: string, limit: number): Promise<Voucher[]>;
  /** The merchant's vouchers, newest first, at most `limit`. */
  listMerchantVouchers(merchantId: string, limit: number): Promise<Voucher[]>;
  /** The highest reward number issued on the card (0 when none). */
  rewardsIssued(holderId: string, merchantId: string): Promise<number>;
  /** Adds the coupons and one audit entry, only if every card is the merchant's customer (a phone tap there); otherwise writes nothing. */
  addCoupons(coupons: Voucher[], audit: NewAuditEntry): Promise<CouponOutcome>;
  /** Creates or replaces the card's redemption request at the merchant. */
  requestRedemption(request: RedemptionRequest): Promise<void>;
  /** The card's unexpired redemption request at the merchant. */
  findRedemptionRequest(holderId: string, merchantId: string, now: number): Promise<RedemptionRequest | undefined>;
  /** Ends the card's request at the merchant (the holder cancelled it). */
  cancelRedemptionRequest(holderId: string, merchantId: string): Promise<void>;
  /** Keeps a card's counter code; expired codes are deleted first, so the table stays small. */
  addCounterCode(code: CounterCode, now: number): Promise<void>;
  /** The unexpired counter code with this hash. */
  findCounterCode(codeHash: string, now: number): Promise<CounterCode | undefined>;
}
