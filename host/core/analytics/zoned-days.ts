/**
 * Calendar days in an IANA time zone as instants: a shop's Tuesday in Seoul begins at 15:00 UTC
 * on Monday, and a day with a daylight-saving change lasts 23 or 25 hours. The ledger keeps
 * milliseconds since the epoch; analytics group them by these days.
 */
import { ok, Result } from "../../../shared/result";
import { CoreError, failure } from "../core-error";
import { DayBucket } from "./analytics-model";

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** UTC offsets lie within -12 h and +14 h: a day's first instant is within this much of its UTC midnight. */
const MAX_OFFSET_MS = 15 * HOUR_MS;

/** The calendar day (YYYY-MM-DD) of an instant in the zone. */
export type DayOfInstant = (at: number) => string;

/** A function giving the day of an instant in `timeZone`, or INVALID_INPUT for a zone this Node does not know. */
export function dayInZone(timeZone: string): Result<DayOfInstant, CoreError> {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-CA", { timeZone: timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  } catch {
    return failure("INVALID_INPUT", `time zone ${JSON.stringify(timeZone)} is not an IANA time zone name (e.g. Asia/Seoul, UTC)`);
  }
  return ok((at) => format.format(at));
}

/** The calendar day's number of days since 1970-01-01; undefined for anything but a real YYYY-MM-DD date. */
export function dayNumber(day: string): number | undefined {
  const match = DAY_PATTERN.exec(day);
  if (match === null) return undefined;
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(utc).toISOString().slice(0, 10) === day ? utc / DAY_MS : undefined;
}

/** The YYYY-MM-DD of a day number (days since 1970-01-01). */
export function dayText(number: number): string {
  return new Date(number * DAY_MS).toISOString().slice(0, 10);
}

/** The first instant whose day in the zone is `day` or later: a binary search between the widest offsets. */
function firstInstantOf(day: string, number: number, dayOf: DayOfInstant): number {
  let low = number * DAY_MS - MAX_OFFSET_MS;
  let high = number * DAY_MS + MAX_OFFSET_MS;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (dayOf(middle) >= day) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * The days from `first` to `last` (both YYYY-MM-DD, both included) in the zone, each with its
 * first instant and the next day's. Each first instant is searched for rather than computed from
 * an offset: it is exact on daylight-saving days, in zones with odd offsets, and on days whose
 * midnight the zone skips (about 27 formattings per day, some 30 µs).
 */
export function daysBetween(first: string, last: string, dayOf: DayOfInstant): DayBucket[] {
  const from = dayNumber(first);
  const to = dayNumber(last);
  if (from === undefined || to === undefined) throw new RangeError(`not days: ${first}, ${last}`);
  const starts: number[] = [];
  for (let number = from; number <= to + 1; number += 1) starts.push(firstInstantOf(dayText(number), number, dayOf));
  return starts.slice(0, -1).map((start, i) => ({ day: dayText(from + i), start: start, end: starts[i + 1] }));
}
