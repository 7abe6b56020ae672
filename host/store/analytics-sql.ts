/**
 * The SQL both analytics adapters share: the statements are the same on SQLite and PostgreSQL
 * but for how the days reach the database (a JSON array on SQLite, arrays on PostgreSQL) and how
 * parameters are written. Each adapter passes its own `DAYS` source and placeholders.
 *
 * Which index serves which statement (sqlite-schema.ts, postgres-schema.ts):
 * - daily totals and visit frequency: ledger_by_merchant_time (merchant_id, accepted_at, then
 *   the columns they read), one range seek per day of the scope, never a table row read;
 * - come-back: ledger_customer_taps, partial (phone taps for stamps and redemptions only), in
 *   card order within the merchant, so the cards are grouped as the index is walked;
 * - attendance: ledger_clock_taps, partial (clock-ins and clock-outs only), by merchant and time.
 */
import { Purpose } from "../../shared/protocol-constants";
import { ShiftRow } from "../core/analytics/analytics-model";
import { MAX_SHIFT_MS } from "../core/phone/phone-tap-decision";

/** A customer's taps: what makes a visit. Written as literals so that the partial indexes' conditions match the statements' text. */
export const CUSTOMER_PURPOSES = `(${Purpose.STAMP}, ${Purpose.REDEEM})`;
export const CLOCK_PURPOSES = `(${Purpose.CLOCK_IN}, ${Purpose.CLOCK_OUT})`;

/** How a statement names its inputs: each adapter writes its own placeholders and day source. */
export interface AnalyticsSqlDialect {
  /** A FROM item named `d` with columns day, start_at, end_at: the scope's days. */
  days: string;
  merchant: string;
  /** The shop filter's value, NULL for every shop. */
  shop: string;
}

/** Customer and stamp taps of the scope, each with its day (one index range per day). */
function scopedTaps(p: AnalyticsSqlDialect): string {
  // CROSS JOIN keeps the days the outer loop on SQLite (it never reorders one): a range seek per
  // day, not the days' JSON re-read for every ledger row. PostgreSQL plans it as any join.
  return `SELECT d.day, l.shop_id, l.purpose, l.quantity, l.transport, l.card_id FROM ${p.days}
      CROSS JOIN ledger l
    WHERE l.merchant_id = ${p.merchant} AND l.accepted_at >= d.start_at AND l.accepted_at < d.end_at
      AND l.purpose IN ${CUSTOMER_PURPOSES} AND (${p.shop} IS NULL OR l.shop_id = ${p.shop})`;
}

const STAMPS = `SUM(CASE WHEN t.purpose = ${Purpose.STAMP} THEN t.quantity ELSE 0 END)`;
const CUSTOMERS = `COUNT(DISTINCT CASE WHEN t.card_id <> '' THEN t.card_id END)`;

export function dailyTotalsSql(p: AnalyticsSqlDialect): string {
  return `WITH taps AS (${scopedTaps(p)})
    SELECT per_shop.day, per_shop.shop_id, sh.name AS shop_name, per_shop.stamps, per_shop.customers FROM (
        SELECT t.day, t.shop_id, ${STAMPS} AS stamps, ${CUSTOMERS} AS customers FROM taps t GROUP BY t.day, t.shop_id
      ) per_shop
      LEFT JOIN shops sh ON sh.id = per_shop.shop_id AND sh.merchant_id = ${p.merchant}
    UNION ALL
    SELECT t.day, NULL, NULL, ${STAMPS}, ${CUSTOMERS} FROM taps t GROUP BY t.day
    ORDER BY 1, 2 NULLS LAST`;
}

export function visitFrequencySql(p: AnalyticsSqlDialect): string {
  return `WITH visits AS (
      SELECT t.card_id, COUNT(DISTINCT t.day) AS visit_days FROM (${scopedTaps(p)}) t WHERE t.card_id <> '' GROUP BY t.card_id)
    SELECT visit_days, COUNT(*) AS cards FROM visits GROUP BY visit_days ORDER BY visit_days`;
}

export function comeBackSql(p: { merchant: string; minStamps: string; maxStamps: string; quietSince: string; limit: string }): string {
  return `SELECT card_id, stamps, last_visit FROM (
      SELECT card_id, SUM(CASE WHEN purpose = ${Purpose.STAMP} THEN quantity ELSE 0 END) AS stamps, MAX(accepted_at) AS last_visit
      FROM ledger WHERE merchant_id = ${p.merchant} AND card_id <> '' AND purpose IN ${CUSTOMER_PURPOSES}
      GROUP BY card_id) cards
    WHERE stamps BETWEEN ${p.minStamps} AND ${p.maxStamps} AND last_visit < ${p.quietSince}
    ORDER BY last_visit, card_id LIMIT ${p.limit}`;
}

/**
 * Each clock event of the merchant's linked phones from the first day's start until a longest
 * shift past the last day's end, with the worker's next clock event (LEAD over the worker's
 * events in ledger order): a clock-in followed by a clock-out is a shift; followed by another
 * clock-in, or by nothing, its clock-out is missing, unless it is the worker's open shift now.
 * A clock-out comes at most MAX_SHIFT_MS after its clock-in (phone-tap-decision.ts), so a
 * clock-in of the range has its clock-out within the window if it has one at all.
 */
export function attendanceShiftsSql(p: AnalyticsSqlDialect & { from: string; until: string; now: string }): string {
  return `WITH clock AS (
      SELECT wp.worker_id, l.purpose, l.accepted_at, l.shop_id,
        LEAD(l.purpose) OVER (PARTITION BY wp.worker_id ORDER BY l.sequence) AS next_purpose,
        LEAD(l.accepted_at) OVER (PARTITION BY wp.worker_id ORDER BY l.sequence) AS next_at
      FROM ledger l JOIN worker_phones wp ON wp.holder_id = l.card_id AND wp.merchant_id = l.merchant_id
      WHERE l.merchant_id = ${p.merchant} AND l.purpose IN ${CLOCK_PURPOSES} AND l.transport = 'phone'
        AND l.accepted_at >= ${p.from} AND l.accepted_at < ${p.until} + ${MAX_SHIFT_MS})
    SELECT c.worker_id, w.name AS worker_name, d.day, c.accepted_at AS clock_in,
      CASE WHEN c.next_purpose = ${Purpose.CLOCK_OUT} THEN c.next_at END AS clock_out,
      (c.next_purpose IS NULL AND w.clocked_in_since = c.accepted_at AND ${p.now} - c.accepted_at < ${MAX_SHIFT_MS}) AS open,
      sh.name AS shop_name
    FROM clock c
      JOIN ${p.days} ON c.accepted_at >= d.start_at AND c.accepted_at < d.end_at
      JOIN workers w ON w.id = c.worker_id
      LEFT JOIN shops sh ON sh.id = c.shop_id AND sh.merchant_id = ${p.merchant}
    WHERE c.purpose = ${Purpose.CLOCK_IN} AND (${p.shop} IS NULL OR c.shop_id = ${p.shop})
    ORDER BY c.worker_id, c.accepted_at`;
}

/** A row as both adapters read it back. */
export interface DailyTotalRow {
  day: string;
  shop_id: string | null;
  shop_name: string | null;
  stamps: number;
  customers: number;
}

export interface VisitFrequencyRow {
  visit_days: number;
  cards: number;
}

export interface ComeBackRow {
  card_id: string;
  stamps: number;
  last_visit: number;
}

export interface ShiftSqlRow {
  worker_id: string;
  worker_name: string;
  day: string;
  clock_in: number;
  clock_out: number | null;
  open: number | boolean | null;
  shop_name: string | null;
}

export function shiftFromRow(row: ShiftSqlRow): ShiftRow {
  return {
    workerId: row.worker_id,
    workerName: row.worker_name,
    day: row.day,
    clockIn: row.clock_in,
    clockOut: row.clock_out,
    // SQLite answers a comparison with 1 or 0, PostgreSQL with a boolean (NULL when the worker is clocked out).
    open: row.open === true || row.open === 1,
    shopName: row.shop_name,
  };
}
