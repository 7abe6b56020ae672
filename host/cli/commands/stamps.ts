import { Command } from "commander";
import { StampView } from "../../http/views";
import { CliContext, moreHint, Page, print, withApi } from "../context";
import { CliError } from "../io";
import { pageQuery } from "../query";
import { formatTable, shortTime } from "../table";

interface JsonOption {
  json?: boolean;
}

function stampTable(page: Page<StampView>): string {
  if (page.items.length === 0) return "no stamps\n";
  const rows = page.items.map((s) => [s.id, s.status, String(s.lastCounter), s.shopIds.join(","), s.verifierIds.join(",") || "-", s.label]);
  return formatTable(["ID", "STATUS", "COUNTER", "SHOPS", "VERIFIERS", "LABEL"], rows) + moreHint(page, "--after");
}

function stampDetails(stamp: StampView): string {
  return (
    [
      `stamp       ${stamp.id}`,
      `label       ${stamp.label}`,
      `status      ${stamp.status}`,
      `counter     ${stamp.lastCounter}`,
      `merchant    ${stamp.merchantId}`,
      `shops       ${stamp.shopIds.join(", ")}`,
      `verifiers   ${stamp.verifierIds.length === 0 ? "any in its shops" : stamp.verifierIds.join(", ")}`,
      `public key  ${stamp.publicKey}`,
      `registered  ${shortTime(stamp.registeredAt)}`,
      `firmware    ${stamp.firmwareHash ?? "-"}`,
    ].join("\n") + "\n"
  );
}

/** Ids are checked here too, before any request, so the message names the argument. */
function checkStampId(id: string): void {
  if (!/^[0-9a-f]{16}$/.test(id)) throw new CliError(`<id> must be 16 lower-case hex digits (8 bytes), got "${id}"`);
}

/**
 * Stamps are registered only by a flashing station (`stamp flash`), with the stamp's proof of
 * possession checked by the host; here people list, revoke and reinstate them.
 */
export function addStampCommands(program: Command, context: CliContext): void {
  const stamps = program.command("stamps").description("your merchant's stamps: list, show, revoke, reinstate (registration: `stamp flash`)");
  stamps
    .command("list")
    .description("list stamps with status and last counter")
    .option("--limit <n>", "at most this many stamps (1-1000)", "100")
    .option("--after <id>", "the page after this stamp id")
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { limit?: string; after?: string }, command: Command) => {
      const page = await withApi(context, command, (api) => api.call<Page<StampView>>("GET", "/v1/stamps" + pageQuery(options), undefined, { limit: "--limit", after: "--after" }));
      print(context, options.json, page, () => stampTable(page));
    });
  stamps
    .command("show")
    .description("show one stamp")
    .argument("<id>", "stamp id: 16 hex digits (the first 8 bytes of its public key)")
    .option("--json", "print JSON")
    .action(async (id: string, options: JsonOption, command: Command) => {
      checkStampId(id);
      const stamp = await withApi(context, command, (api) => api.call<StampView>("GET", `/v1/stamps/${id}`));
      print(context, options.json, stamp, () => stampDetails(stamp));
    });
  stamps
    .command("revoke")
    .description("revoke a stamp: every verifier sharing the database refuses it at once, for good")
    .argument("<id>", "stamp id: 16 hex digits")
    .option("--json", "print the revoked stamp as JSON")
    .action(async (id: string, options: JsonOption, command: Command) => {
      checkStampId(id);
      const stamp = await withApi(context, command, (api) => api.call<StampView>("POST", `/v1/stamps/${id}/revoke`));
      print(context, options.json, stamp, () => `stamp ${stamp.id} (${stamp.label}) revoked\n`);
    });
  stamps
    .command("reinstate")
    .description("put a quarantined stamp back in service; the reason goes into the audit chain")
    .argument("<id>", "stamp id: 16 hex digits")
    .requiredOption("--reason <text>", "why, in words (e.g. 'relay test at the counter, stamp checked')")
    .option("--json", "print the stamp as JSON")
    .action(async (id: string, options: JsonOption & { reason: string }, command: Command) => {
      checkStampId(id);
      const stamp = await withApi(context, command, (api) => api.call<StampView>("POST", `/v1/stamps/${id}/reinstate`, { reason: options.reason }, { reason: "--reason" }));
      print(context, options.json, stamp, () => `stamp ${stamp.id} (${stamp.label}) reinstated: ${stamp.status}\n`);
    });
}
