/**
 * `stamp workers add|list|invite`: a merchant's workers, and the one-time link (printed, and as a
 * QR code on the terminal) that makes a worker's phone their work card. The invitation's link
 * starts with the host's public URL: a local database needs --public-url (or STAMP_PUBLIC_URL).
 */
import { Command } from "commander";
import { InvitationView, WorkerView } from "../../http/phone-views";
import { CliContext, moreHint, Page, print, withApi } from "../context";
import { pageQuery } from "../query";
import { formatTable, shortTime } from "../table";

interface JsonOption {
  json?: boolean;
}

function workerTable(page: Page<WorkerView>): string {
  if (page.items.length === 0) return "no workers\n";
  const rows = page.items.map((w) => [w.id, w.clockedInSince === null ? "clocked out" : `in since ${shortTime(w.clockedInSince)}`, w.name]);
  return formatTable(["ID", "CLOCK", "NAME"], rows) + moreHint(page, "--after");
}

/** The link as a QR code drawn with text blocks, for a phone's camera to read off the terminal. */
async function terminalQr(link: string): Promise<string> {
  // Loaded on first use, as for labels: `stamp --help` never loads it.
  const { default: QRCode } = await import("qrcode");
  return QRCode.toString(link, { type: "utf8", errorCorrectionLevel: "M", margin: 2 });
}

export function addWorkerCommands(program: Command, context: CliContext): void {
  const workers = program.command("workers").description("your merchant's workers, and the invitation links that make a phone a worker's work card (clock in and out by pressing the stamp)");
  workers
    .command("add")
    .description("add a worker (owner or manager)")
    .requiredOption("--merchant <id>", "the merchant")
    .argument("<name>", "the worker's name, as their card shows it")
    .option("--json", "print the worker as JSON")
    .action(async (name: string, options: JsonOption & { merchant: string }, command: Command) => {
      const names = { name: "<name>", id: "--merchant" };
      const worker = await withApi(context, command, (api) => api.call<WorkerView>("POST", `/v1/merchants/${encodeURIComponent(options.merchant)}/workers`, { name: name }, names));
      print(context, options.json, worker, () => `worker ${worker.id} added: ${worker.name}\nnext: stamp workers invite ${worker.id}\n`);
    });
  workers
    .command("list")
    .description("list a merchant's workers and whether they are clocked in")
    .requiredOption("--merchant <id>", "the merchant")
    .option("--limit <n>", "at most this many workers (1-1000)", "100")
    .option("--after <id>", "the page after this worker id")
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { merchant: string; limit?: string; after?: string }, command: Command) => {
      const path = `/v1/merchants/${encodeURIComponent(options.merchant)}/workers` + pageQuery(options);
      const page = await withApi(context, command, (api) => api.call<Page<WorkerView>>("GET", path, undefined, { id: "--merchant", limit: "--limit", after: "--after" }));
      print(context, options.json, page, () => workerTable(page));
    });
  workers
    .command("invite")
    .description("a one-time link (7 days) that makes the phone opening it this worker's work card; printed with a QR code")
    .argument("<worker-id>", "the worker's id (16 hex digits, from `stamp workers list`)")
    .option("--json", "print JSON (the link, its expiry and the QR code as SVG)")
    .action(async (workerId: string, options: JsonOption, command: Command) => {
      const invitation = await withApi(context, command, (api) => api.call<InvitationView>("POST", `/v1/workers/${encodeURIComponent(workerId)}/invitations`, undefined, { id: "<worker-id>" }));
      if (options.json === true) return print(context, true, invitation, () => "");
      context.io.out(`${await terminalQr(invitation.link)}\n${invitation.link}\n(open it on the worker's phone, or scan the code; once, until ${shortTime(invitation.expiresAt)})\n`);
    });
}
