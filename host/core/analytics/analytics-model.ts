/**
 * What the merchant's analytics answer, read from the ledger: stamps and customers per day and
 * shop, how often cards come, the cards that stopped coming, and workers' hours. Days are
 * calendar days in a time zone the caller names (the shops' own), as YYYY-MM-DD.
 */

/** One calendar day in a time zone: the instants from `start` (included) to `end` (excluded), in ms. */
export interface DayBucket {
  day: string;
  start: number;
  end: number;
}

/** Which taps a query reads: one merchant's, on these days, at one shop or at all of them. */
export interface AnalyticsScope {
  merchantId: string;
  /** Only this shop's taps; undefined for every shop. */
  shopId: string | undefined;
  /** Consecutive days, oldest first. */
  days: readonly DayBucket[];
}

/** One day's stamps and customers at one shop, or at all shops together (`shopId` null). */
export interface DailyTotal {
  day: string;
  shopId: string | null;
  /** The shop's name; null for the all-shops row, or a shop no longer the merchant's. */
  shopName: string | null;
  /** The sum of the quantities of accepted taps for stamps, at stations and on phones. */
  stamps: number;
  /** Distinct cards with a customer tap (a stamp or a redemption) on a phone: station taps have no card. */
  customers: number;
}

/** How many cards came on exactly `visitDays` different days of the range. */
export interface VisitFrequency {
  visitDays: number;
  cards: number;
}

/** Which cards the come-back list asks for: all-time stamps within [minStamps, maxStamps], no visit since `quietSince`. */
export interface ComeBackQuery {
  merchantId: string;
  minStamps: number;
  maxStamps: number;
  /** Cards whose last customer tap is before this instant (ms). */
  quietSince: number;
  /** At most this many cards, the longest-gone first. */
  limit: number;
}

/** A card that stopped coming. */
export interface ComeBackCard {
  cardId: string;
  /** Every stamp the card earned at the merchant (what its card page counts). */
  stamps: number;
  /** The card's last customer tap (ms). */
  lastVisit: number;
}

/**
 * A clock-in of a worker within the range, paired as the worker's card pairs it
 * (host/core/phone/cards.ts): the clock-out that directly follows it, if any.
 */
export interface ShiftRow {
  workerId: string;
  workerName: string;
  /** The calendar day the shift began: it counts toward that day. */
  day: string;
  clockIn: number;
  /** The clock-out that ended it; null when the next clock event was another clock-in, or none came. */
  clockOut: number | null;
  /** The shift is the worker's open one now (clocked in less than MAX_SHIFT_MS ago): neither hours nor missing yet. */
  open: boolean;
  shopName: string | null;
}
