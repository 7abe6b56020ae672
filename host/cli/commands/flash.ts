import { Command, Option } from "commander";
import { resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { isBaseUrl } from "../../../shared/phone-url";
import { DEFAULT_FIRMWARE_DIR, FirmwareImageError, prepareFirmwareImage } from "../../flashing/firmware-image";
import { FlashError } from "../../flashing/flash-error";
import { flashStamp, FlashResult } from "../../flashing/station";
import { apiStationRegistry } from "../../flashing/station-registry";
import { CliContext, connect, stationKeyOf } from "../context";
import { CliError, processIo } from "../io";
import { ProgressWriter } from "../progress-bar";

interface FlashOptions {
  port: string[];
  merchant: string;
  shop: string[];
  label: string;
  batch?: number;
  labels: string;
  firmware: string;
  rebuild?: boolean;
  factoryReset?: boolean;
  phoneUrl?: string;
  ble?: boolean;
  holdMs?: number;
  timeoutMs?: number;
  json?: boolean;
}

function positive(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`${name} must be a whole number, got "${value}"`);
    return n;
  };
}

const KEY_HINT =
  "an owner or manager issues a code with `stamp codes add --role flashing-station`, then this machine enrols its key with " +
  "`stamp station enrol --code <code> --key <file> --role flashing-station`";

/**
 * `stamp flash`: build or reuse the firmware, flash, provision, register, lock and label one
 * stamp, or a tray of them with --batch N (one --port per stamp, or one port and a prompt
 * between stamps). The station acts with its own enrolled key (--station-key) through the API:
 * in process on the local database (--db), or on a remote host (--url, --ca).
 */
export function addFlashCommand(program: Command, context: CliContext): void {
  program
    .command("flash")
    .description("flashing station: upload the firmware, let the stamp make its key, check its proof of possession, register it, lock it, print its label")
    .requiredOption("--port <port...>", "the stamp's console: tcp://host:port, a serial device, or a BLE address (with --ble); one per stamp in a batch")
    .requiredOption("--merchant <id>", "the merchant that owns the stamp(s)")
    .requiredOption("--shop <id...>", "the shops where the stamp(s) are valid")
    .requiredOption("--label <label>", "the stamp's label (in a batch: label-1, label-2, ...)")
    .option("--batch <n>", "flash a tray of n stamps", positive("--batch"))
    .option("--labels <dir>", "where label SVGs (QR code, stamp id, shop) are written", "./labels")
    .option("--firmware <dir>", "the firmware image (manifest.json, stamp.js, ed25519.bin)", DEFAULT_FIRMWARE_DIR)
    .option("--rebuild", "rebuild the firmware first (npm run build:firmware)")
    .option("--factory-reset", "destroy a key already on the stamp (the host revokes it) instead of refusing")
    .option("--phone-url <baseUrl>", "the host's public URL phones open (as `stamp serve --public-url`): after each press the stamp shows any phone a one-time signed <baseUrl>/t/… link")
    .option("--ble", "allow Bluetooth LE (noble) ports")
    .addOption(new Option("--hold-ms <ms>", "main-loop hold after each answer (default: 150 for tcp://, 0 otherwise)").argParser(positive("--hold-ms")))
    .addOption(new Option("--timeout-ms <ms>", "per console command").argParser(positive("--timeout-ms")).default(10_000))
    .option("--json", "print the results as JSON")
    .action(async (options: FlashOptions, command: Command) => {
      if (options.phoneUrl !== undefined && !isBaseUrl(options.phoneUrl)) {
        throw new CliError(`--phone-url: not a base URL (http:// or https://, at most 64 characters, no trailing /, no ? or #): ${options.phoneUrl}`);
      }
      const count = options.batch ?? 1;
      if (count < 1) throw new CliError("--batch must be at least 1");
      if (options.port.length !== 1 && options.port.length !== count) throw new CliError(`give one --port, or one per stamp (${count})`);
      // One port for a batch means a prompt between stamps: without a terminal to answer it,
      // say so now rather than wait forever for a line that cannot come.
      if (count > 1 && options.port.length === 1 && process.stdin.isTTY !== true) {
        throw new CliError(`--batch ${count} with one --port asks for Enter between stamps, and standard input is not a terminal: give one --port per stamp`, 2);
      }
      // io.err is the process's stderr only with the process's own streams; a captured io (tests) is no terminal.
      const progress = new ProgressWriter(context.io.err, context.io === processIo ? process.stderr : {});
      const say = (text: string): void => progress.note(text);
      // The key first: without an enrolled flashing-station key nothing else is worth doing.
      const key = await stationKeyOf(command);
      if (key === undefined) throw new CliError(`stamp flash needs the flashing station's own key: --station-key <file> (or STAMP_STATION_KEY); ${KEY_HINT}`);
      if (key.role !== "flashing-station") throw new CliError(`the station key is a ${key.role}'s, not a flashing station's; ${KEY_HINT}`);
      let image;
      try {
        const prepared = prepareFirmwareImage(resolve(options.firmware), options.rebuild === true);
        image = prepared.image;
        say(`firmware ${image.firmwareHash} (${prepared.built ? "built" : "reused, hashes checked"})`);
      } catch (error) {
        throw new CliError(error instanceof FirmwareImageError ? error.message : String(error));
      }
      let connection;
      try {
        connection = await connect(context, command);
      } catch (error) {
        throw new CliError(`host unreachable: ${error instanceof Error ? error.message : String(error)}`);
      }
      const api = connection.api;
      const registry = apiStationRegistry({ request: (method, path, body) => api.send(method, path, body) });
      const results: (FlashResult | { error: string; code: string })[] = [];
      try {
        for (let i = 0; i < count; i++) {
          const port = options.port.length === 1 ? options.port[0] : options.port[i];
          if (count > 1 && options.port.length === 1 && i > 0) {
            progress.end();
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            await rl.question(`put stamp ${i + 1} of ${count} on ${port} and press Enter `);
            rl.close();
          }
          const label = count > 1 ? `${options.label}-${i + 1}` : options.label;
          const prefix = count > 1 ? `[${i + 1}/${count}] ` : "";
          try {
            const result = await flashStamp({
              port: port,
              image: image,
              registry: registry,
              merchantId: options.merchant,
              shopIds: options.shop,
              label: label,
              labelsDir: resolve(options.labels),
              factoryReset: options.factoryReset === true,
              phoneUrl: options.phoneUrl,
              ble: options.ble === true,
              holdMs: options.holdMs,
              commandTimeoutMs: options.timeoutMs,
              progress: (event) => progress.show(prefix, event),
            });
            results.push(result);
            if (result.revoked !== undefined) say(`${prefix}old stamp ${result.revoked} revoked at the host (its key was destroyed)`);
            progress.end(); // before stdout, which may share the terminal
            if (options.json !== true) context.io.out(`${prefix}stamp ${result.stampId} flashed, registered and locked: ${label} (label ${result.labelPath ?? "-"})\n`);
          } catch (error) {
            if (!(error instanceof FlashError)) throw error;
            results.push({ error: error.message, code: error.code });
            say(`${prefix}error: ${error.message}`);
          }
        }
      } finally {
        progress.end();
        await connection.close();
      }
      if (options.json === true) context.io.out(JSON.stringify(results, null, 2) + "\n");
      const failed = results.filter((r) => "error" in r).length;
      if (failed > 0) throw new CliError(count > 1 ? `${failed} of ${count} stamps failed` : "the stamp was not provisioned", 2);
    });
}
