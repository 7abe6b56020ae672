import { Command } from "commander";
import { AlertView, AuditView, EventView } from "../../http/views";
import { CliContext, moreHint, Page, print, withApi } from "../context";
import { query } from "../query";
import { alertTone } from "../colour";
import { formatTable, shortTime } from "../table";
import { checkIdOrLabel, resolveStampId } from "./stamps";

interface HistoryOptions {
  json?: boolean;
  limit: string;
  before?: string;
}

/** A name people know, or the id when the name is not known. */
function named(name: string | null | undefined, id: string): string {
  return name === null || name === undefined || name === "" ? id || "-" : name;
}

function eventTable(page: Page<EventView>): string {
  if (page.items.length === 0) return "no events\n";
  const rows = page.items.map((e) => [
    String(e.sequence),
    shortTime(e.acceptedAt),
    named(e.stampLabel, e.stampId),
    e.stampId,
    String(e.counter),
    named(e.shopName, e.shopId),
    named(e.verifierLabel, e.verifierId),
    e.purpose,
    String(e.quantity),
  ]);
  return formatTable(["SEQ", "ACCEPTED AT", "STAMP", "STAMP ID", "COUNTER", "SHOP", "VERIFIER", "PURPOSE", "QTY"], rows) + moreHint(page, "--before");
}

/** Each kind and reason that appears, once, in words: what the codes in the table mean. */
function alertLegend(alerts: AlertView[]): string {
  const meanings = new Map<string, string>();
  for (const a of alerts) meanings.set(a.kind, a.sentence);
  for (const a of alerts) if (!meanings.has(a.reason)) meanings.set(a.reason, a.reasonSentence);
  const width = Math.max(...[...meanings.keys()].map((code) => code.length));
  return "\nwhat these mean:\n" + [...meanings].map(([code, sentence]) => `  ${code.padEnd(width)}  ${sentence}\n`).join("");
}

function alertTable(page: Page<AlertView>, colour: boolean): string {
  if (page.items.length === 0) return "no alerts\n";
  const rows = page.items.map((a) => [String(a.id), shortTime(a.at), a.kind, named(a.stampLabel, a.stampId), a.stampId, a.shopId === "" ? "(another merchant)" : named(a.shopName, a.shopId), a.reason, a.detail]);
  const tone = (row: number, column: number) => (column === 2 ? alertTone(page.items[row].kind) : undefined);
  return formatTable(["ID", "AT", "KIND", "STAMP", "STAMP ID", "SHOP", "REASON", "DETAIL"], rows, tone, colour) + moreHint(page, "--before") + alertLegend(page.items);
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
  historyOptions(program.command("events").description("accepted taps from the ledger, newest first").option("--stamp <id-or-label>", "only this stamp's taps (its id or its label)").option("--shop <id>", "only taps at this shop"), "events").action(
    async (options: HistoryOptions & { stamp?: string; shop?: string }, command: Command) => {
      const names = { stampId: "--stamp", shopId: "--shop", limit: "--limit", before: "--before" };
      if (options.stamp !== undefined) checkIdOrLabel(options.stamp, "--stamp");
      const page = await withApi(context, command, async (api) => {
        const stampId = options.stamp === undefined ? undefined : await resolveStampId(api, options.stamp, "--stamp");
        const url = "/v1/events" + query({ stampId: stampId, shopId: options.shop, limit: options.limit, before: options.before });
        return api.call<Page<EventView>>("GET", url, undefined, names);
      });
      print(context, options.json, page, () => eventTable(page));
    },
  );

  historyOptions(program.command("alerts").description("security alerts, newest first: clones, stolen stamps, forgeries, revoked stamps in use"), "alerts").action(
    async (options: HistoryOptions, command: Command) => {
      const url = "/v1/alerts" + query({ limit: options.limit, before: options.before });
      const page = await withApi(context, command, (api) => api.call<Page<AlertView>>("GET", url, undefined, { limit: "--limit", before: "--before" }));
      print(context, options.json, page, () => alertTable(page, context.io.colour === true));
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
