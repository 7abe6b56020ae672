/**
 * The port of the merchant's analytics: aggregate reads over the ledger, one SQL statement each,
 * on the store's own database (analytics-sqlite.ts, analytics-postgres.ts). Nothing here writes.
 * The core (host/core/analytics) checks who may ask and builds the scope; these only count.
 *
 * Which taps are whose: a tap with a card (`card_id`, the holder: the phone that opened the URL,
 * or the card a counter station identified from its code) is that customer's, stamps and
 * redemptions; a linked worker's phone taps are clock-ins and clock-outs. A station tap without a
 * card adds stamps, never customers.
 */
import { AnalyticsScope, ComeBackCard, ComeBackQuery, DailyTotal, ShiftRow, VisitFrequency } from "../core/analytics/analytics-model";

export interface LedgerAnalytics {
  /**
   * Per day and shop, then per day for all shops together (shopId null): stamps and distinct
   * customer cards. Only days with a tap have rows. Ordered by day, then shop id (all shops last).
   */
  dailyTotals(scope: AnalyticsScope): Promise<DailyTotal[]>;
  /** Customer cards by the number of distinct days of the scope they came on, fewest days first. */
  visitFrequency(scope: AnalyticsScope): Promise<VisitFrequency[]>;
  /** Cards with all-time stamps in range and no customer tap since `quietSince`, longest gone first (then by card id). */
  comeBackCards(query: ComeBackQuery): Promise<ComeBackCard[]>;
  /**
   * Every clock-in of the merchant's workers within the scope's days (the shop filter applies to
   * where the clock-in was), each with the clock event that directly followed it for that worker
   * when that was a clock-out. `now` tells the shift still open from a forgotten clock-out.
   * Ordered by worker id, then clock-in.
   */
  attendanceShifts(scope: AnalyticsScope, now: number): Promise<ShiftRow[]>;
}
