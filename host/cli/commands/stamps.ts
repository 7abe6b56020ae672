import { Command } from "commander";
import { StampView } from "../../http/views";
import { CliContext, print, withApi } from "../context";
import { CliError } from "../io";
import { formatTable, shortTime } from "../table";

interface JsonOption {
  json?: boolean;
}

interface AddOptions extends JsonOption {
  publicKey: string;
  label: string;
  merchant: string;
  shop: string[];
  verifier?: string[];
}

function stampTable(list: StampView[]): string {
  if (list.length === 0) return "no stamps\n";
  const rows = list.map((s) => [s.id, s.status, String(s.lastCounter), s.merchantId, s.shopIds.join(","), s.verifierIds.join(",") || "-", s.label]);
  return formatTable(["ID", "STATUS", "COUNTER", "MERCHANT", "SHOPS", "VERIFIERS", "LABEL"], rows);
}

function stampDetails(stamp: StampView): string {
  return [
    `stamp       ${stamp.id}`,
    `label       ${stamp.label}`,
    `status      ${stamp.status}`,
    `counter     ${stamp.lastCounter}`,
    `merchant    ${stamp.merchantId}`,
    `shops       ${stamp.shopIds.join(", ")}`,
    `verifiers   ${stamp.verifierIds.length === 0 ? "any in its shops" : stamp.verifierIds.join(", ")}`,
    `public key  ${stamp.publicKey}`,
    `registered  ${shortTime(stamp.registeredAt)}`,
    `firmware    ${stamp.firmwareHash ?? "- (registered by hand, not flashed by the station)"}`,
  ].join("\n") + "\n";
}

/** Ids are checked here too, before any request, so the message names the argument. */
function checkStampId(id: string): void {
  if (!/^[0-9a-f]{16}$/.test(id)) throw new CliError(`<id> must be 16 lower-case hex digits (8 bytes), got "${id}"`);
}

export function addStampCommands(program: Command, context: CliContext): void {
  const stamps = program.command("stamps").description("manage stamps: register public keys, list, revoke");
  stamps
    .command("add")
    .description("register a stamp's public key, bound to a merchant and its shops")
    .requiredOption("--public-key <hex>", "the stamp's Ed25519 public key, 64 hex digits")
    .requiredOption("--label <label>", "a name for people, e.g. 'counter stamp 1'")
    .requiredOption("--merchant <id>", "the merchant that owns the stamp")
    .requiredOption("--shop <id...>", "the shops where the stamp is valid (one or more)")
    .option("--verifier <id...>", "only these verifiers (in those shops) accept it")
    .option("--json", "print the stamp as JSON")
    .action(async (options: AddOptions, command: Command) => {
      const body = {
        publicKey: options.publicKey,
        label: options.label,
        merchantId: options.merchant,
        shopIds: options.shop,
        verifierIds: options.verifier ?? [],
      };
      const names = { publicKey: "--public-key", label: "--label", merchantId: "--merchant", shopIds: "--shop", verifierIds: "--verifier" };
      const stamp = await withApi(context, command, (api) => api.call<StampView>("POST", "/v1/stamps", body, names));
      const where = `merchant ${stamp.merchantId}; shops ${stamp.shopIds.join(", ")}`;
      print(context, options.json, stamp, () => `stamp ${stamp.id} registered: ${stamp.label} (${where})\n`);
    });
  stamps
    .command("list")
    .description("list all stamps with status and last counter")
    .option("--json", "print JSON")
    .action(async (options: JsonOption, command: Command) => {
      const list = await withApi(context, command, (api) => api.call<StampView[]>("GET", "/v1/stamps"), true);
      print(context, options.json, list, () => stampTable(list));
    });
  stamps
    .command("show")
    .description("show one stamp")
    .argument("<id>", "stamp id: 16 hex digits (the first 8 bytes of its public key)")
    .option("--json", "print JSON")
    .action(async (id: string, options: JsonOption, command: Command) => {
      checkStampId(id);
      const stamp = await withApi(context, command, (api) => api.call<StampView>("GET", `/v1/stamps/${id}`), true);
      print(context, options.json, stamp, () => stampDetails(stamp));
    });
  stamps
    .command("revoke")
    .description("revoke a stamp: every verifier sharing the database refuses it at once")
    .argument("<id>", "stamp id: 16 hex digits")
    .option("--json", "print the revoked stamp as JSON")
    .action(async (id: string, options: JsonOption, command: Command) => {
      checkStampId(id);
      const stamp = await withApi(context, command, (api) => api.call<StampView>("POST", `/v1/stamps/${id}/revoke`));
      print(context, options.json, stamp, () => `stamp ${stamp.id} (${stamp.label}) revoked\n`);
    });
}
