/**
 * The scope of an analytics query from what the caller asked: the merchant (visible to the
 * principal), an optional shop of that merchant, and the days from `from` to `to` (YYYY-MM-DD,
 * both included) in a time zone (UTC unless named). Without dates: the last 30 days, today in
 * that zone included.
 */
import { ok, Result } from "../../../shared/result";
import { Store } from "../../store/store";
import { can } from "../access/permissions";
import { Principal } from "../access/principal";
import { CoreError, failure, forbidden } from "../core-error";
import { visibleMerchant, visibleShop } from "../registry";
import { AnalyticsScope } from "./analytics-model";
import { dayInZone, dayNumber, daysBetween, dayText } from "./zoned-days";

export const DEFAULT_RANGE_DAYS = 30;
/** A year and a day: one statement per query stays bounded (a day is one index range). */
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_TIME_ZONE = "UTC";

export interface RangeInput {
  merchantId: string;
  shopId?: string;
  /** First day, YYYY-MM-DD. */
  from?: string;
  /** Last day, YYYY-MM-DD, included. */
  to?: string;
  /** IANA name; UTC by default. */
  timeZone?: string;
}

/** The scope, with how it was understood (for the answer to echo). */
export interface ResolvedRange {
  scope: AnalyticsScope;
  timeZone: string;
  from: string;
  to: string;
}

/** Whether the principal may read the merchant's analytics; NOT_FOUND for another merchant, as for one that does not exist. */
export async function analyticsMerchant(store: Store, principal: Principal, merchantId: string): Promise<Result<string, CoreError>> {
  if (!can(principal, "analytics.read")) return forbidden("read analytics");
  const merchant = await visibleMerchant(store, principal, merchantId);
  return merchant.ok ? ok(merchant.value.id) : merchant;
}

export async function resolveRange(store: Store, principal: Principal, input: RangeInput, now: number): Promise<Result<ResolvedRange, CoreError>> {
  const merchantId = await analyticsMerchant(store, principal, input.merchantId);
  if (!merchantId.ok) return merchantId;
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  const dayOf = dayInZone(timeZone);
  if (!dayOf.ok) return dayOf;
  const today = dayOf.value(now);
  const to = input.to ?? (input.from === undefined ? today : addDays(input.from, DEFAULT_RANGE_DAYS - 1));
  const from = input.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  const first = dayNumber(from);
  const last = dayNumber(to);
  if (first === undefined || last === undefined) return failure("INVALID_INPUT", "from and to must be calendar days written YYYY-MM-DD");
  if (last < first) return failure("INVALID_INPUT", `the range ends (${to}) before it begins (${from})`);
  if (last - first + 1 > MAX_RANGE_DAYS) return failure("INVALID_INPUT", `a range covers at most ${MAX_RANGE_DAYS} days`);
  if (input.shopId !== undefined) {
    const shop = await visibleShop(store, principal, input.shopId);
    if (!shop.ok || shop.value.merchantId !== merchantId.value) return failure("NOT_FOUND", `shop ${input.shopId} does not exist`);
  }
  const scope = { merchantId: merchantId.value, shopId: input.shopId, days: daysBetween(from, to, dayOf.value) };
  return ok({ scope: scope, timeZone: timeZone, from: from, to: to });
}

/** The day `count` days after (or before) a YYYY-MM-DD day; the text unchanged when it is not a day (then refused above). */
function addDays(day: string, count: number): string {
  const number = dayNumber(day);
  return number === undefined ? day : dayText(number + count);
}
