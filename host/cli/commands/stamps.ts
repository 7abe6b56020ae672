import { Command } from "commander";
import { readFile } from "node:fs/promises";
import { StampView } from "../../http/views";
import { CliApi } from "../api";
import { statusTone } from "../colour";
import { CliContext, moreHint, Page, print, withApi } from "../context";
import { CliError } from "../io";
import { pageQuery, query } from "../query";
import { formatTable, shortTime } from "../table";

interface JsonOption {
  json?: boolean;
}

function stampTable(page: Page<StampView>, colour: boolean): string {
  if (page.items.length === 0) return "no stamps\n";
  const rows = page.items.map((s) => [s.id, s.status, String(s.lastCounter), s.shopIds.join(","), s.verifierIds.join(",") || "-", s.label]);
  const tone = (row: number, column: number) => (column === 1 ? statusTone(page.items[row].status) : undefined);
  return formatTable(["ID", "STATUS", "COUNTER", "SHOPS", "VERIFIERS", "LABEL"], rows, tone, colour) + moreHint(page, "--after");
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

interface ProofFile {
  publicKey: string;
  proof: { challenge: string; firmwareHash: string; signature: string };
}

function isProofFile(value: unknown): value is ProofFile {
  if (typeof value !== "object" || value === null || !("publicKey" in value) || !("proof" in value)) return false;
  const proof = value.proof;
  return typeof value.publicKey === "string" && typeof proof === "object" && proof !== null && "challenge" in proof && "firmwareHash" in proof && "signature" in proof;
}

/** The proof JSON from a file or standard input; the host judges its contents. */
async function readProof(path: string): Promise<ProofFile> {
  let text: string;
  try {
    text = path === "-" ? await readStream(process.stdin) : await readFile(path, "utf8");
  } catch (error) {
    throw new CliError(`cannot read the proof ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`the proof ${path} is not JSON`);
  }
  if (!isProofFile(parsed)) throw new CliError(`the proof ${path} must be { publicKey, proof: { challenge, firmwareHash, signature } }`);
  return parsed;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  return text;
}

const STAMP_ID = /^[0-9a-f]{16}$/;

/** Checked before anything is opened, so the message names the argument. */
export function checkIdOrLabel(idOrLabel: string, argument = "<id-or-label>"): void {
  if (idOrLabel.trim() === "") throw new CliError(`${argument} must be a stamp id (16 hex digits) or a stamp's label, got "${idOrLabel}"`);
}

/**
 * The stamp id for an argument that is either an id (16 lower-case hex digits) or a label. A
 * label names one stamp in service within the merchant (a revoked stamp gives its label up): the
 * one in service wins; a label only revoked stamps had names the stamp if there was one.
 */
export async function resolveStampId(api: CliApi, idOrLabel: string, argument = "<id-or-label>"): Promise<string> {
  checkIdOrLabel(idOrLabel, argument);
  if (STAMP_ID.test(idOrLabel)) return idOrLabel;
  const page = await api.call<Page<StampView>>("GET", "/v1/stamps" + query({ label: idOrLabel, limit: "1000" }), undefined, { label: argument });
  const live = page.items.filter((s) => s.status !== "revoked");
  const candidates = live.length > 0 ? live : page.items;
  if (candidates.length === 0) throw new CliError(`no stamp of your merchant has the id or label "${idOrLabel}" (an id is 16 lower-case hex digits; \`stamp stamps list\` shows ids and labels)`);
  if (candidates.length > 1) {
    const ids = candidates.map((s) => s.id).join(", ");
    throw new CliError(`more than one stamp has the label "${idOrLabel}" (${ids}): give the id instead`);
  }
  return candidates[0].id;
}

/**
 * Stamps are registered only by a flashing station (`stamp flash`, or `challenge` + `register`
 * for a stamp without a console such as the virtual stamp), with the stamp's proof of possession
 * checked by the host; people list, revoke and reinstate them.
 */
export function addStampCommands(program: Command, context: CliContext): void {
  const stamps = program.command("stamps").description("your merchant's stamps: list, show, revoke, reinstate; a flashing station registers them (`stamp flash`, or challenge + register)");
  stamps
    .command("challenge")
    .description("flashing station: a fresh provisioning challenge for a stamp to sign (valid 120 s, once)")
    .option("--json", "print JSON")
    .action(async (options: JsonOption, command: Command) => {
      const issued = await withApi(context, command, (api) => api.call<{ challenge: string; expiresAt: string }>("POST", "/v1/provisioning-challenges"));
      print(context, options.json, issued, () => `${issued.challenge}\n`);
    });
  stamps
    .command("register")
    .description("flashing station: register a stamp from its proof of possession ({publicKey, proof} as JSON, e.g. the virtual stamp's --prove); `stamp flash` does this itself")
    .requiredOption("--proof <file>", "the proof JSON: { publicKey, proof: { challenge, firmwareHash, signature } } (- for standard input)")
    .requiredOption("--label <label>", "a name for people, e.g. 'counter stamp 1'")
    .requiredOption("--merchant <id>", "the merchant (the one this station is enrolled for)")
    .requiredOption("--shop <id...>", "the shops where the stamp is valid")
    .option("--json", "print the stamp as JSON")
    .action(async (options: JsonOption & { proof: string; label: string; merchant: string; shop: string[] }, command: Command) => {
      const proved = await readProof(options.proof);
      const body = { publicKey: proved.publicKey, proof: proved.proof, label: options.label, merchantId: options.merchant, shopIds: options.shop };
      const names = { publicKey: "--proof", proof: "--proof", label: "--label", merchantId: "--merchant", shopIds: "--shop" };
      const registered = await withApi(context, command, (api) => api.call<StampView>("POST", "/v1/stamps", body, names));
      print(context, options.json, registered, () => `stamp ${registered.id} registered: ${registered.label} (shops ${registered.shopIds.join(", ")})\n`);
    });
  stamps
    .command("list")
    .description("list stamps with status and last counter")
    .option("--limit <n>", "at most this many stamps (1-1000)", "100")
    .option("--after <id>", "the page after this stamp id")
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { limit?: string; after?: string }, command: Command) => {
      const page = await withApi(context, command, (api) => api.call<Page<StampView>>("GET", "/v1/stamps" + pageQuery(options), undefined, { limit: "--limit", after: "--after" }));
      print(context, options.json, page, () => stampTable(page, context.io.colour === true));
    });
  stamps
    .command("show")
    .description("show one stamp")
    .argument("<id-or-label>", "the stamp's id (16 hex digits: the first 8 bytes of its public key) or its label")
    .option("--json", "print JSON")
    .action(async (id: string, options: JsonOption, command: Command) => {
      checkIdOrLabel(id);
      const stamp = await withApi(context, command, async (api) => api.call<StampView>("GET", `/v1/stamps/${await resolveStampId(api, id)}`));
      print(context, options.json, stamp, () => stampDetails(stamp));
    });
  stamps
    .command("revoke")
    .description("revoke a stamp: every verifier sharing the database refuses it at once, for good")
    .argument("<id-or-label>", "the stamp's id (16 hex digits) or its label")
    .option("--json", "print the revoked stamp as JSON")
    .action(async (id: string, options: JsonOption, command: Command) => {
      checkIdOrLabel(id);
      const stamp = await withApi(context, command, async (api) => api.call<StampView>("POST", `/v1/stamps/${await resolveStampId(api, id)}/revoke`));
      print(context, options.json, stamp, () => `stamp ${stamp.id} (${stamp.label}) revoked\n`);
    });
  stamps
    .command("reinstate")
    .description("put a quarantined stamp back in service; the reason goes into the audit chain")
    .argument("<id-or-label>", "the stamp's id (16 hex digits) or its label")
    .requiredOption("--reason <text>", "why, in words (e.g. 'relay test at the counter, stamp checked')")
    .option("--json", "print the stamp as JSON")
    .action(async (id: string, options: JsonOption & { reason: string }, command: Command) => {
      checkIdOrLabel(id);
      const stamp = await withApi(context, command, async (api) =>
        api.call<StampView>("POST", `/v1/stamps/${await resolveStampId(api, id)}/reinstate`, { reason: options.reason }, { reason: "--reason" }),
      );
      print(context, options.json, stamp, () => `stamp ${stamp.id} (${stamp.label}) reinstated: ${stamp.status}\n`);
    });
}
