import { Command } from "commander";
import { AlertView, AuditView, EventView } from "../../http/views";
import { CliContext, moreHint, Page, print, withApi } from "../context";
import { query } from "../query";
import { formatTable, shortTime } from "../table";

interface HistoryOptions {
  json?: boolean;
  limit: string;
  before?: string;
}

function eventTable(page: Page<EventView>): string {
  if (page.items.length === 0) return "no events\n";
  const rows = page.items.map((e) => [String(e.sequence), shortTime(e.acceptedAt), e.stampId, String(e.counter), e.shopId, e.verifierId, e.purpose, String(e.quantity)]);
  return formatTable(["SEQ", "ACCEPTED AT", "STAMP", "COUNTER", "SHOP", "VERIFIER", "PURPOSE", "QTY"], rows) + moreHint(page, "--before");
}

function alertTable(page: Page<AlertView>): string {
  if (page.items.length === 0) return "no alerts\n";
  const rows = page.items.map((a) => [String(a.id), shortTime(a.at), a.kind, a.stampId, a.shopId, a.reason, a.detail]);
  return formatTable(["ID", "AT", "KIND", "STAMP", "SHOP", "REASON", "DETAIL"], rows) + moreHint(page, "--before");
}

function auditTable(page: Page<AuditView>): string {
  if (page.items.length === 0) return "no audit entries\n";
  const rows = page.items.map((a) => [String(a.sequence), shortTime(a.at), a.actor, a.action, a.subject, JSON.stringify(a.detail)]);
  return formatTable(["SEQ", "AT", "ACTOR", "ACTION", "SUBJECT", "DETAIL"], rows) + moreHint(page, "--before");
}

function historyOptions(command: Command, what: string): Command {
  return command
    .option("--limit <n>", `at most this many of the most recent ${what} (1-1000)`, "100")
    .option("--before <n>", "the page before this sequence number (printed under a full page)")
    .option("--json", "print JSON");
}

export function addHistoryCommands(program: Command, context: CliContext): void {
  historyOptions(program.command("events").description("accepted taps from the ledger, newest first").option("--stamp <id>", "only this stamp's taps").option("--shop <id>", "only taps at this shop"), "events").action(
    async (options: HistoryOptions & { stamp?: string; shop?: string }, command: Command) => {
      const url = "/v1/events" + query({ stampId: options.stamp, shopId: options.shop, limit: options.limit, before: options.before });
      const names = { stampId: "--stamp", shopId: "--shop", limit: "--limit", before: "--before" };
      const page = await withApi(context, command, (api) => api.call<Page<EventView>>("GET", url, undefined, names));
      print(context, options.json, page, () => eventTable(page));
    },
  );

  historyOptions(program.command("alerts").description("security alerts, newest first: clones, stolen stamps, forgeries, revoked stamps in use"), "alerts").action(
    async (options: HistoryOptions, command: Command) => {
      const url = "/v1/alerts" + query({ limit: options.limit, before: options.before });
      const page = await withApi(context, command, (api) => api.call<Page<AlertView>>("GET", url, undefined, { limit: "--limit", before: "--before" }));
      print(context, options.json, page, () => alertTable(page));
    },
  );

  historyOptions(program.command("audit").description("the audit chain, newest first: every administrative action, status and counter change, alert"), "entries").action(
    async (options: HistoryOptions, command: Command) => {
      const url = "/v1/audit" + query({ limit: options.limit, before: options.before });
      const page = await withApi(context, command, (api) => api.call<Page<AuditView>>("GET", url, undefined, { limit: "--limit", before: "--before" }));
      print(context, options.json, page, () => auditTable(page));
    },
  );
}
