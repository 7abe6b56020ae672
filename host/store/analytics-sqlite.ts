/** The analytics port on SQLite: the statements of analytics-sql.ts, the days passed as one JSON array. */
import Database from "better-sqlite3";
import { SqliteStatements } from "./sqlite-statements";
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

const DIALECT: AnalyticsSqlDialect = {
  days: "(SELECT json_extract(value, '$[0]') AS day, json_extract(value, '$[1]') AS start_at, json_extract(value, '$[2]') AS end_at FROM json_each(@days)) d",
  merchant: "@merchant",
  shop: "@shop",
};

function scopeParameters(scope: AnalyticsScope): { days: string; merchant: string; shop: string | null } {
  return { days: JSON.stringify(scope.days.map((d) => [d.day, d.start, d.end])), merchant: scope.merchantId, shop: scope.shopId ?? null };
}

export class SqliteAnalytics implements LedgerAnalytics {
  private readonly statements: SqliteStatements;

  constructor(db: Database.Database) {
    this.statements = new SqliteStatements(db);
  }

  private sql(text: string): Database.Statement {
    return this.statements.get(text);
  }

  async dailyTotals(scope: AnalyticsScope): Promise<DailyTotal[]> {
    const rows = this.sql(dailyTotalsSql(DIALECT)).all(scopeParameters(scope)) as DailyTotalRow[];
    return rows.map((row) => ({ day: row.day, shopId: row.shop_id, shopName: row.shop_name, stamps: row.stamps, customers: row.customers }));
  }

  async visitFrequency(scope: AnalyticsScope): Promise<VisitFrequency[]> {
    const rows = this.sql(visitFrequencySql(DIALECT)).all(scopeParameters(scope)) as VisitFrequencyRow[];
    return rows.map((row) => ({ visitDays: row.visit_days, cards: row.cards }));
  }

  async comeBackCards(query: ComeBackQuery): Promise<ComeBackCard[]> {
    const text = comeBackSql({ merchant: "@merchant", minStamps: "@minStamps", maxStamps: "@maxStamps", quietSince: "@quietSince", limit: "@limit" });
    const rows = this.sql(text).all({
      merchant: query.merchantId,
      minStamps: query.minStamps,
      maxStamps: query.maxStamps,
      quietSince: query.quietSince,
      limit: query.limit,
    }) as ComeBackRow[];
    return rows.map((row) => ({ cardId: row.card_id, stamps: row.stamps, lastVisit: row.last_visit }));
  }

  async attendanceShifts(scope: AnalyticsScope, now: number): Promise<ShiftRow[]> {
    if (scope.days.length === 0) return [];
    const text = attendanceShiftsSql({ ...DIALECT, from: "@from", until: "@until", now: "@now" });
    const rows = this.sql(text).all({ ...scopeParameters(scope), from: scope.days[0].start, until: scope.days[scope.days.length - 1].end, now: now }) as ShiftSqlRow[];
    return rows.map(shiftFromRow);
  }
}
