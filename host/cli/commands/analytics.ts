/**
 * `stamp analytics daily|frequency|come-back|attendance --merchant …`: the merchant's analytics
 * from /v1/merchants/:id/analytics/*, as tables, JSON (--json) or CSV (--csv; the come-back CSV
 * is the one the API gives a message campaign).
 */
import { Command } from "commander";
import { DailyReport, FrequencyReport } from "../../core/analytics/analytics-reports";
import { AttendanceView, ComeBackView } from "../../http/analytics-views";
import { comeBackCsv } from "../../core/analytics/come-back-csv";
import { csvText } from "../../core/analytics/csv";
import { CliContext, withApi } from "../context";
import { query } from "../query";
import { formatTable, shortTime } from "../table";

interface OutputOptions {
  merchant: string;
  json?: boolean;
  csv?: boolean;
}

interface RangeOptions extends OutputOptions {
  from?: string;
  to?: string;
  shop?: string;
  timeZone?: string;
}

const RANGE_NAMES = { id: "--merchant", from: "--from", to: "--to", shopId: "--shop", timeZone: "--time-zone" };

function rangeCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .requiredOption("--merchant <id>", "the merchant")
    .option("--from <day>", "the first day, YYYY-MM-DD (default: 29 days before --to)")
    .option("--to <day>", "the last day, YYYY-MM-DD, included (default: today)")
    .option("--shop <id>", "only this shop's taps")
    .option("--time-zone <zone>", "the IANA time zone days are counted in (default UTC), e.g. Asia/Seoul")
    .option("--json", "print JSON")
    .option("--csv", "print CSV");
}

function rangePath(report: string, options: RangeOptions): string {
  return `/v1/merchants/${encodeURIComponent(options.merchant)}/analytics/${report}` + query({ from: options.from, to: options.to, shopId: options.shop, timeZone: options.timeZone });
}

function heading(report: { from: string; to: string; timeZone: string; shopId: string | null }): string {
  return `${report.from} to ${report.to} (${report.timeZone})${report.shopId === null ? "" : `, shop ${report.shopId}`}\n`;
}

/** JSON, CSV or the table, as asked. */
function output(context: CliContext, options: OutputOptions, data: unknown, csv: () => string, table: () => string): void {
  context.io.out(options.json === true ? JSON.stringify(data, null, 2) + "\n" : options.csv === true ? csv() : table());
}

export function addAnalyticsCommands(program: Command, context: CliContext): void {
  const analytics = program.command("analytics").description("what the ledger says about your trade: stamps and customers per day, visit frequency, who stopped coming, workers' hours");

  rangeCommand(analytics, "daily", "stamps and unique customers per day and shop (and all shops together)").action(async (options: RangeOptions, command: Command) => {
    const report = await withApi(context, command, (api) => api.call<DailyReport>("GET", rangePath("daily", options), undefined, RANGE_NAMES));
    const rows = report.days.map((d) => [d.day, d.shopId === null ? "(all shops)" : d.shopName ?? d.shopId, String(d.stamps), String(d.customers)]);
    output(
      context,
      options,
      report,
      () => csvText(["day", "shop_id", "stamps", "customers"], report.days.map((d) => [d.day, d.shopId ?? "", d.stamps, d.customers])),
      () => heading(report) + (rows.length === 0 ? "no taps\n" : formatTable(["DAY", "SHOP", "STAMPS", "CUSTOMERS"], rows)),
    );
  });

  rangeCommand(analytics, "frequency", "customer cards by the number of days they came on").action(async (options: RangeOptions, command: Command) => {
    const report = await withApi(context, command, (api) => api.call<FrequencyReport>("GET", rangePath("frequency", options), undefined, RANGE_NAMES));
    output(
      context,
      options,
      report,
      () => csvText(["visit_days", "cards"], report.frequency.map((f) => [f.visitDays, f.cards])),
      () => heading(report) + (report.cards === 0 ? "no customers\n" : formatTable(["DAYS VISITED", "CARDS"], report.frequency.map((f) => [String(f.visitDays), String(f.cards)])) + `${report.cards} cards\n`),
    );
  });

  analytics
    .command("come-back")
    .description("cards that stopped at some stamps and have not come back: the list for a message campaign (--csv)")
    .requiredOption("--merchant <id>", "the merchant")
    .option("--min-stamps <n>", "at least this many stamps (default 1)")
    .option("--max-stamps <n>", "at most this many stamps (default: no bound)")
    .option("--quiet-days <n>", "not back for this many days (default 30)")
    .option("--limit <n>", "at most this many cards, the longest gone first (default 1000, at most 10000)")
    .option("--json", "print JSON")
    .option("--csv", "print CSV (card_id, stamps, last_visit)")
    .action(async (options: OutputOptions & { minStamps?: string; maxStamps?: string; quietDays?: string; limit?: string }, command: Command) => {
      const path =
        `/v1/merchants/${encodeURIComponent(options.merchant)}/analytics/come-back` +
        query({ minStamps: options.minStamps, maxStamps: options.maxStamps, quietDays: options.quietDays, limit: options.limit });
      const names = { id: "--merchant", minStamps: "--min-stamps", maxStamps: "--max-stamps", quietDays: "--quiet-days", limit: "--limit" };
      const report = await withApi(context, command, (api) => api.call<ComeBackView>("GET", path, undefined, names));
      const rows = report.cards.map((c) => [c.cardId, String(c.stamps), shortTime(c.lastVisit)]);
      output(
        context,
        options,
        report,
        () => comeBackCsv(report.cards.map((card) => ({ ...card, lastVisit: Date.parse(card.lastVisit) }))),
        () =>
          `cards with ${report.minStamps} to ${report.maxStamps} stamps, not back for ${report.quietDays} days\n` +
          (rows.length === 0 ? "no cards\n" : formatTable(["CARD", "STAMPS", "LAST VISIT"], rows) + `${rows.length} cards${report.truncated ? " (more: raise --limit)" : ""}\n`),
      );
    });

  rangeCommand(analytics, "attendance", "workers' hours per day and month; missing clock-outs counted and listed, never guessed").action(async (options: RangeOptions, command: Command) => {
    const report = await withApi(context, command, (api) => api.call<AttendanceView>("GET", rangePath("attendance", options), undefined, RANGE_NAMES));
    const hours = (minutes: number) => `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
    const periodRows = (kind: "days" | "months") => report.workers.flatMap((w) => w[kind].map((p) => [w.workerName, p.period, hours(p.minutes), String(p.missingClockOuts)]));
    output(
      context,
      options,
      report,
      () => csvText(["worker_id", "worker_name", "period", "minutes", "missing_clock_outs"], report.workers.flatMap((w) => [...w.days, ...w.months].map((p) => [w.workerId, w.workerName, p.period, p.minutes, p.missingClockOuts]))),
      () => {
        if (report.workers.length === 0) return heading(report) + "no shifts\n";
        const missing = report.missingClockOuts.map((m) => [m.workerName, shortTime(m.clockIn), m.shopName ?? "-"]);
        const open = report.openShifts.map((o) => `  ${o.workerName}, clocked in ${shortTime(o.clockIn)}\n`).join("");
        return (
          heading(report) +
          formatTable(["WORKER", "DAY", "HOURS", "MISSING CLOCK-OUTS"], periodRows("days")) +
          "\n" +
          formatTable(["WORKER", "MONTH", "HOURS", "MISSING CLOCK-OUTS"], periodRows("months")) +
          (missing.length === 0 ? "" : "\nclock-ins never clocked out (no hours counted):\n" + formatTable(["WORKER", "CLOCK-IN", "SHOP"], missing)) +
          (open === "" ? "" : "\non shift now:\n" + open)
        );
      },
    );
  });
}
