/**
 * What a verified press does to a customer's card, the same for a phone tap and for a counter tap
 * that identified the card: a stamp press issues the rewards it completes; a redeeming press uses
 * its voucher (or is refused because it was used or has expired) and ends the holder's request.
 */
import { createHash } from "node:crypto";
import { Reason } from "../../../shared/reason-codes";
import { CardChanges } from "../../store/voucher-store";
import { verdict, Verdict } from "../verdict";
import { CustomerCard } from "./phone-tap-decision";
import { Voucher, voucherState } from "./voucher-model";

/**
 * At most this many rewards are issued by one press (a program changed from 1000 stamps per
 * reward to 1 would otherwise issue thousands at once); the rest follow with the next presses.
 */
export const MAX_REWARDS_PER_PRESS = 20;

/**
 * A reward's id: the same for the same card, merchant and reward number, so two presses racing
 * to complete one reward make one row (and the decision stays a pure function). Ids need not be
 * secret: only the card's own holder can ask to redeem one, and only a press redeems it.
 */
function rewardId(merchantId: string, holderId: string, ordinal: number): string {
  return createHash("sha256").update(`reward\0${merchantId}\0${holderId}\0${ordinal}`).digest("hex").slice(0, 16);
}

/** The rewards a stamp press completes: every reward number the card's stamps reach and that was not issued yet. */
export function rewardsCompleted(card: CustomerCard, merchantId: string, holderId: string, added: number, now: number): Voucher[] {
  const reached = Math.floor((card.stamps + added) / card.program.stampsPerReward);
  const last = Math.min(reached, card.rewardsIssued + MAX_REWARDS_PER_PRESS);
  const validDays = card.program.rewardValidDays;
  const rewards: Voucher[] = [];
  for (let ordinal = card.rewardsIssued + 1; ordinal <= last; ordinal++) {
    rewards.push({
      id: rewardId(merchantId, holderId, ordinal),
      merchantId: merchantId,
      holderId: holderId,
      kind: "reward",
      ordinal: ordinal,
      label: card.program.rewardLabel,
      issuedAt: now,
      expiresAt: validDays === null ? undefined : now + validDays * 86_400_000,
      usedAt: undefined,
      usedBy: undefined,
      issuedBy: "system",
    });
  }
  return rewards;
}

/** Why a press may not redeem this voucher (used, or expired), or undefined when it may. */
export function voucherRefusal(voucher: Voucher, now: number, details: Partial<Verdict>): Verdict | undefined {
  const state = voucherState(voucher, now);
  if (state === "used") return verdict(Reason.VOUCHER_USED, `${voucher.kind} "${voucher.label}" was already used`, details);
  if (state === "expired") return verdict(Reason.VOUCHER_EXPIRED, `${voucher.kind} "${voucher.label}" has expired`, details);
  return undefined;
}

/**
 * A refused redemption still answers the holder's request: it ends (with the counter spent), so
 * the customer's next press is a stamp again, not another refused redemption.
 */
export function endedRequest(holderId: string, merchantId: string): CardChanges {
  return { issueRewards: [], useVoucher: undefined, endRequest: { holderId: holderId, merchantId: merchantId } };
}

/** An accepted press on a customer's card: the voucher it redeems, used once, or the rewards its stamps complete. */
export function acceptedCardChanges(card: CustomerCard, press: { merchantId: string; holderId: string; quantity: number; now: number; evidence: string }): CardChanges {
  const redeem = card.redeem;
  if (redeem !== undefined) {
    return {
      issueRewards: [],
      useVoucher: { voucherId: redeem.id, holderId: press.holderId, at: press.now, evidence: press.evidence },
      endRequest: { holderId: press.holderId, merchantId: press.merchantId },
    };
  }
  return { issueRewards: rewardsCompleted(card, press.merchantId, press.holderId, press.quantity, press.now), useVoucher: undefined, endRequest: undefined };
}
