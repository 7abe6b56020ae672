/**
 * The merchant's analytics as the API and the CLI answer them: each report is one statement of
 * the analytics port, scoped here (owner, manager and auditor of the merchant read them).
 */
import { ok, Result } from "../../../shared/result";
import { Store } from "../../store/store";
import { Principal } from "../access/principal";
import { CoreError, failure } from "../core-error";
import { ComeBackCard, DailyTotal, VisitFrequency } from "./analytics-model";
import { analyticsMerchant, RangeInput, resolveRange } from "./analytics-range";
import { AttendanceReport, attendanceReport } from "./attendance-report";

const DAY_MS = 86_400_000;
export const MAX_COME_BACK_CARDS = 10_000;
export const DEFAULT_COME_BACK_CARDS = 1_000;
export const MAX_QUIET_DAYS = 3_650;
export const DEFAULT_QUIET_DAYS = 30;
/** Beyond any card's stamps: the default upper bound of the come-back list. */
export const MAX_STAMPS_BOUND = 1_000_000;

/** What every range report echoes: the range as understood. */
export interface RangeEcho {
  merchantId: string;
  shopId: string | null;
  timeZone: string;
  from: string;
  to: string;
}

export interface DailyReport extends RangeEcho {
  /** Per day with a tap: one row per shop, then the all-shops row (shopId null). */
  days: DailyTotal[];
}

export interface FrequencyReport extends RangeEcho {
  frequency: VisitFrequency[];
  /** Customer cards that came at least once in the range. */
  cards: number;
}

export interface ComeBackInput {
  merchantId: string;
  minStamps?: number;
  maxStamps?: number;
  /** Not returned for this many days (24-hour periods before now). */
  quietDays?: number;
  limit?: number;
}

export interface ComeBackReport {
  merchantId: string;
  minStamps: number;
  maxStamps: number;
  quietDays: number;
  /** Cards whose last visit is before this instant (ms). */
  quietSince: number;
  cards: ComeBackCard[];
  /** More cards matched than `limit`: the list holds the longest-gone ones. */
  truncated: boolean;
}

function echo(range: { scope: { merchantId: string; shopId: string | undefined }; timeZone: string; from: string; to: string }): RangeEcho {
  return { merchantId: range.scope.merchantId, shopId: range.scope.shopId ?? null, timeZone: range.timeZone, from: range.from, to: range.to };
}

export async function dailyReport(store: Store, principal: Principal, input: RangeInput, now: number): Promise<Result<DailyReport, CoreError>> {
  const range = await resolveRange(store, principal, input, now);
  if (!range.ok) return range;
  return ok({ ...echo(range.value), days: await store.analytics.dailyTotals(range.value.scope) });
}

export async function frequencyReport(store: Store, principal: Principal, input: RangeInput, now: number): Promise<Result<FrequencyReport, CoreError>> {
  const range = await resolveRange(store, principal, input, now);
  if (!range.ok) return range;
  const frequency = await store.analytics.visitFrequency(range.value.scope);
  return ok({ ...echo(range.value), frequency: frequency, cards: frequency.reduce((sum, row) => sum + row.cards, 0) });
}

function wholeNumber(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** Cards that stopped at some stamps and have not come back for a while: the list a message campaign starts from. */
export async function comeBackReport(store: Store, principal: Principal, input: ComeBackInput, now: number): Promise<Result<ComeBackReport, CoreError>> {
  const merchantId = await analyticsMerchant(store, principal, input.merchantId);
  if (!merchantId.ok) return merchantId;
  const minStamps = input.minStamps ?? 1;
  const maxStamps = input.maxStamps ?? MAX_STAMPS_BOUND;
  const quietDays = input.quietDays ?? DEFAULT_QUIET_DAYS;
  const limit = input.limit ?? DEFAULT_COME_BACK_CARDS;
  if (!wholeNumber(minStamps, 0, MAX_STAMPS_BOUND) || !wholeNumber(maxStamps, minStamps, MAX_STAMPS_BOUND)) {
    return failure("INVALID_INPUT", `minStamps and maxStamps must be whole numbers from 0 to ${MAX_STAMPS_BOUND}, minStamps not above maxStamps`);
  }
  if (!wholeNumber(quietDays, 1, MAX_QUIET_DAYS)) return failure("INVALID_INPUT", `quietDays must be a whole number from 1 to ${MAX_QUIET_DAYS}`);
  if (!wholeNumber(limit, 1, MAX_COME_BACK_CARDS)) return failure("INVALID_INPUT", `limit must be a whole number from 1 to ${MAX_COME_BACK_CARDS}`);
  const quietSince = now - quietDays * DAY_MS;
  const cards = await store.analytics.comeBackCards({ merchantId: merchantId.value, minStamps: minStamps, maxStamps: maxStamps, quietSince: quietSince, limit: limit + 1 });
  return ok({
    merchantId: merchantId.value,
    minStamps: minStamps,
    maxStamps: maxStamps,
    quietDays: quietDays,
    quietSince: quietSince,
    cards: cards.slice(0, limit),
    truncated: cards.length > limit,
  });
}

export interface AttendanceRangeReport extends RangeEcho, AttendanceReport {}

export async function attendanceRangeReport(store: Store, principal: Principal, input: RangeInput, now: number): Promise<Result<AttendanceRangeReport, CoreError>> {
  const range = await resolveRange(store, principal, input, now);
  if (!range.ok) return range;
  return ok({ ...echo(range.value), ...attendanceReport(await store.analytics.attendanceShifts(range.value.scope, now)) });
}
