/** What a decision needs to know about a customer's card: read the same way for a phone tap and for a counter tap that identified the card. */
import { Purpose } from "../../../shared/protocol-constants";
import { Store } from "../../store/store";
import { DEFAULT_LOYALTY_PROGRAM } from "./card-model";
import { CustomerCard } from "./phone-tap-decision";

/**
 * The card's program, stamps and rewards issued, and the voucher the press is to redeem (only if
 * it is this card's at this merchant: an id read from elsewhere names nothing else).
 */
export async function readCustomerCard(store: Store, holderId: string, merchantId: string, voucherId: string | undefined): Promise<CustomerCard> {
  const voucher = voucherId === undefined ? undefined : await store.vouchers.getVoucher(voucherId);
  return {
    kind: "customer",
    program: (await store.getLoyaltyProgram(merchantId)) ?? DEFAULT_LOYALTY_PROGRAM,
    stamps: await store.cardTotal(holderId, merchantId, Purpose.STAMP),
    rewardsIssued: await store.vouchers.rewardsIssued(holderId, merchantId),
    redeem: voucher?.holderId === holderId && voucher.merchantId === merchantId ? voucher : undefined,
  };
}
