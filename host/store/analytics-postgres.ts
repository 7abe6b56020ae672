/** The analytics port on PostgreSQL: the statements of analytics-sql.ts, the days passed as three arrays. */
import { Pool } from "pg";
import { AnalyticsScope, ComeBackCard, ComeBackQuery, DailyTotal, ShiftRow, VisitFrequency } from "../core/analytics/analytics-model";
import { LedgerAnalytics } from "./analytics-store";
import {
  AnalyticsSqlDialect,
  attendanceShiftsSql,
  ComeBackRow,
  comeBackSql,
  DailyTotalRow,
  dailyTotalsSql,
  shiftFromRow,
  ShiftSqlRow,
  VisitFrequencyRow,
  visitFrequencySql,
} from "./analytics-sql";

/** $1 merchant, $2 shop, $3-$5 the days' names, starts and ends; typed, since NULL and arrays say nothing of their type. */
const DIALECT: AnalyticsSqlDialect = {
  days: "unnest($3::text[], $4::bigint[], $5::bigint[]) AS d(day, start_at, end_at)",
  merchant: "$1::text",
  shop: "$2::text",
};

function scopeValues(scope: AnalyticsScope): unknown[] {
  return [scope.merchantId, scope.shopId ?? null, scope.days.map((d) => d.day), scope.days.map((d) => d.start), scope.days.map((d) => d.end)];
}

/** On the store's pool, whose type parsers read bigint (COUNT, SUM, times) as exact numbers (STORE_TYPES). */
export class PostgresAnalytics implements LedgerAnalytics {
  constructor(private readonly pool: Pool) {}

  /**
   * One read-only transaction per report, with two settings of its own. The planner cannot know
   * how many days unnest() gives, so it guesses rows in the millions for a month: JIT compiling
   * then costs seconds, and sorts sized for that guess spill to disk at the default 4 MB. Both
   * hold for this transaction only (SET LOCAL); nothing else on the pool sees them.
   */
  private async rows<R>(text: string, values: unknown[]): Promise<R[]> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN READ ONLY");
      await client.query("SET LOCAL jit = off");
      await client.query("SET LOCAL work_mem = '32MB'");
      const rows = (await client.query(text, values)).rows as R[];
      await client.query("COMMIT");
      return rows;
    } catch (error) {
      broken = await client.query("ROLLBACK").then(
        () => undefined,
        (rollbackError: unknown) => (rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))),
      );
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async dailyTotals(scope: AnalyticsScope): Promise<DailyTotal[]> {
    const rows = await this.rows<DailyTotalRow>(dailyTotalsSql(DIALECT), scopeValues(scope));
    return rows.map((row) => ({ day: row.day, shopId: row.shop_id, shopName: row.shop_name, stamps: row.stamps, customers: row.customers }));
  }

  async visitFrequency(scope: AnalyticsScope): Promise<VisitFrequency[]> {
    const rows = await this.rows<VisitFrequencyRow>(visitFrequencySql(DIALECT), scopeValues(scope));
    return rows.map((row) => ({ visitDays: row.visit_days, cards: row.cards }));
  }

  async comeBackCards(query: ComeBackQuery): Promise<ComeBackCard[]> {
    const text = comeBackSql({ merchant: "$1::text", minStamps: "$2::bigint", maxStamps: "$3::bigint", quietSince: "$4::bigint", limit: "$5::bigint" });
    const rows = await this.rows<ComeBackRow>(text, [query.merchantId, query.minStamps, query.maxStamps, query.quietSince, query.limit]);
    return rows.map((row) => ({ cardId: row.card_id, stamps: row.stamps, lastVisit: row.last_visit }));
  }

  async attendanceShifts(scope: AnalyticsScope, now: number): Promise<ShiftRow[]> {
    if (scope.days.length === 0) return [];
    const text = attendanceShiftsSql({ ...DIALECT, from: "$6::bigint", until: "$7::bigint", now: "$8::bigint" });
    const values = [...scopeValues(scope), scope.days[0].start, scope.days[scope.days.length - 1].end, now];
    return (await this.rows<ShiftSqlRow>(text, values)).map(shiftFromRow);
  }
}
