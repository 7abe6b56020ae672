/** A merchant's loyalty program: what a press on a customer's phone is worth, and what the stamps add up to. */
import { ok, Result } from "../../../shared/result";
import { Store } from "../../store/store";
import { can } from "../access/permissions";
import { Principal } from "../access/principal";
import { auditEntry } from "../audit-entry";
import { CoreError, failure, forbidden } from "../core-error";
import { displayText, MAX_TAP_QUANTITY, visibleMerchant } from "../registry";
import { DEFAULT_LOYALTY_PROGRAM, LoyaltyProgram } from "./card-model";

export const MAX_STAMPS_PER_REWARD = 1000;
export const REWARD_LABEL_MAX_LENGTH = 100;
/** Ten years: a longer validity is "never expires" (null). */
export const MAX_REWARD_VALID_DAYS = 3650;

function wholeNumber(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** The merchant's program; the default one (10 stamps for a free item, 1 per press) until it is set. */
export async function getLoyaltyProgram(store: Store, principal: Principal, merchantId: string): Promise<Result<LoyaltyProgram, CoreError>> {
  if (!can(principal, "loyalty.read")) return forbidden("read loyalty programs");
  const merchant = await visibleMerchant(store, principal, merchantId);
  if (!merchant.ok) return merchant;
  return ok((await store.getLoyaltyProgram(merchant.value.id)) ?? { merchantId: merchant.value.id, ...DEFAULT_LOYALTY_PROGRAM });
}

export async function setLoyaltyProgram(
  store: Store,
  principal: Principal,
  merchantId: string,
  /** rewardValidDays absent or null: rewards never expire. */
  input: { stampsPerReward: number; stampsPerPress: number; rewardLabel: string; rewardValidDays?: number | null },
  now: number,
): Promise<Result<LoyaltyProgram, CoreError>> {
  if (!can(principal, "loyalty.configure")) return forbidden("set loyalty programs");
  if (!wholeNumber(input.stampsPerReward, 1, MAX_STAMPS_PER_REWARD)) return failure("INVALID_INPUT", `stamps per reward must be a whole number from 1 to ${MAX_STAMPS_PER_REWARD}`);
  if (!wholeNumber(input.stampsPerPress, 1, MAX_TAP_QUANTITY)) return failure("INVALID_INPUT", `stamps per press must be a whole number from 1 to ${MAX_TAP_QUANTITY}`);
  const validDays = input.rewardValidDays ?? null;
  if (validDays !== null && !wholeNumber(validDays, 1, MAX_REWARD_VALID_DAYS)) {
    return failure("INVALID_INPUT", `days a reward stays valid must be a whole number from 1 to ${MAX_REWARD_VALID_DAYS}, or none (never expires)`);
  }
  const label = displayText(input.rewardLabel, "reward label", REWARD_LABEL_MAX_LENGTH);
  if (!label.ok) return label;
  const merchant = await visibleMerchant(store, principal, merchantId);
  if (!merchant.ok) return merchant;
  const before = (await store.getLoyaltyProgram(merchant.value.id)) ?? { merchantId: merchant.value.id, ...DEFAULT_LOYALTY_PROGRAM };
  const program: LoyaltyProgram = {
    merchantId: merchant.value.id,
    stampsPerReward: input.stampsPerReward,
    stampsPerPress: input.stampsPerPress,
    rewardLabel: label.value,
    rewardValidDays: validDays,
  };
  await store.setLoyaltyProgram(program, auditEntry(principal, now, program.merchantId, "loyalty.configure", program.merchantId, { before: before, after: program }));
  return ok(program);
}
