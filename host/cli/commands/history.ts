import { Command } from "commander";
import { LedgerCheck } from "../../store/store";
import { AlertView, EventView } from "../../http/views";
import { CliContext, print, withApi } from "../context";
import { CliError } from "../io";
import { formatTable, shortTime } from "../table";

interface JsonOption {
  json?: boolean;
}

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
  const text = search.toString();
  return text === "" ? "" : "?" + text;
}

function eventTable(events: EventView[]): string {
  if (events.length === 0) return "no events\n";
  const rows = events.map((e) => [
    String(e.sequence),
    shortTime(e.acceptedAt),
    e.stampId,
    String(e.counter),
    e.shopId,
    e.verifierId,
    e.purpose,
    String(e.quantity),
  ]);
  return formatTable(["SEQ", "ACCEPTED AT", "STAMP", "COUNTER", "SHOP", "VERIFIER", "PURPOSE", "QTY"], rows);
}

function alertTable(alerts: AlertView[]): string {
  if (alerts.length === 0) return "no alerts\n";
  const rows = alerts.map((a) => [String(a.id), shortTime(a.at), a.kind, a.stampId, a.shopId, a.reason, a.detail]);
  return formatTable(["ID", "AT", "KIND", "STAMP", "SHOP", "REASON", "DETAIL"], rows);
}

export function addHistoryCommands(program: Command, context: CliContext): void {
  program
    .command("events")
    .description("list accepted taps from the ledger (the most recent last)")
    .option("--stamp <id>", "only this stamp's taps")
    .option("--shop <id>", "only taps at this shop")
    .option("--limit <n>", "at most this many of the most recent events (1-1000)", "100")
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { stamp?: string; shop?: string; limit: string }, command: Command) => {
      const url = "/v1/events" + query({ stampId: options.stamp, shopId: options.shop, limit: options.limit });
      const names = { stampId: "--stamp", shopId: "--shop", limit: "--limit" };
      const events = await withApi(context, command, (api) => api.call<EventView[]>("GET", url, undefined, names), true);
      print(context, options.json, events, () => eventTable(events));
    });

  program
    .command("alerts")
    .description("list security alerts: clones, stolen stamps, forgeries, revoked stamps in use")
    .option("--limit <n>", "at most this many of the most recent alerts (1-1000)", "100")
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { limit: string }, command: Command) => {
      const url = "/v1/alerts" + query({ limit: options.limit });
      const alerts = await withApi(context, command, (api) => api.call<AlertView[]>("GET", url, undefined, { limit: "--limit" }), true);
      print(context, options.json, alerts, () => alertTable(alerts));
    });

  const ledger = program.command("ledger").description("the append-only, hash-chained ledger of accepted taps");
  ledger
    .command("check")
    .description("recompute the ledger's hash chain; exits non-zero if it was tampered with")
    .option("--json", "print JSON")
    .action(async (options: JsonOption, command: Command) => {
      const check = await withApi(context, command, (api) => api.call<LedgerCheck>("GET", "/v1/ledger/check"), true);
      print(context, options.json, check, () => (check.intact ? `ledger intact: ${check.events} events, hash chain verified\n` : ""));
      if (!check.intact) throw new CliError(`the ledger is broken at event ${check.sequence}: ${check.problem}`);
    });
}
