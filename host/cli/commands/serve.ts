import { Command, InvalidArgumentError } from "commander";
import { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { buildServer } from "../../http/server";
import { SqliteStore } from "../../store/sqlite-store";
import { CliContext, dbPath } from "../context";
import { CliError } from "../io";
import { isHexId } from "../../core/identifiers";
import { PURPOSE_NAMES, PurposeName, purposeFromName } from "../../http/purpose-names";
import { RunningStations, startStations } from "./stations";

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError("must be a whole number from 0 to 65535 (0: any free port).");
  return Number(value);
}

function parseVerifier(value: string): string {
  if (!isHexId(value)) throw new InvalidArgumentError("must be a verifier id: 16 lower-case hex digits.");
  return value;
}

function parsePurpose(value: string): PurposeName {
  const name = PURPOSE_NAMES.find((candidate) => candidate === value);
  if (name === undefined) throw new InvalidArgumentError(`must be one of ${PURPOSE_NAMES.join(", ")}.`);
  return name;
}

function parseQuantity(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw new InvalidArgumentError("must be a whole number from 1 to 65535.");
  return Number(value);
}

function parseMode(value: string): "direct" | "pages" {
  if (value !== "direct" && value !== "pages") throw new InvalidArgumentError('must be "direct" (ACR122U-class direct transmit) or "pages" (FF B0 / FF D6 only).');
  return value;
}

interface ServeOptions {
  port: number;
  host: string;
  log?: boolean;
  http: boolean;
  nfc?: boolean;
  ble?: boolean;
  verifier?: string;
  purpose: PurposeName;
  quantity: number;
  mode: "direct" | "pages";
}

function parseHost(value: string): string {
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(value)) throw new InvalidArgumentError("must be a host name or an IP address.");
  return value;
}

/** Resolves on the first of SIGINT, SIGTERM or the context's stop signal. */
function untilStopped(context: CliContext): Promise<string> {
  return new Promise((resolveStop) => {
    const finish = (why: string) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      context.stop?.removeEventListener("abort", onAbort);
      resolveStop(why);
    };
    const onInt = () => finish("SIGINT");
    const onTerm = () => finish("SIGTERM");
    const onAbort = () => finish("stop");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
    if (context.stop?.aborted === true) finish("stop");
    else context.stop?.addEventListener("abort", onAbort, { once: true });
  });
}

export function addServeCommand(program: Command, context: CliContext): void {
  program
    .command("serve")
    .description("run the HTTP API, and with --nfc / --ble a counter station, until SIGINT or SIGTERM; then close the database cleanly")
    .option("--port <port>", "TCP port (0: any free port)", parsePort, 8080)
    .option("--host <host>", "address to listen on", parseHost, "127.0.0.1")
    .option("--log", "log every request (JSON lines on stderr); failed requests are always logged")
    .option("--no-http", "run only the counter station(s), without the HTTP API")
    .option("--nfc", "be a counter station on the PC/SC (ACR122U-class) readers: stamps are tapped on them")
    .option("--ble", "be a counter station over Bluetooth LE (bleno): pressed stamps connect to it")
    .option("--verifier <id>", "the registered verifier this station is (with --nfc or --ble)", parseVerifier)
    .option("--purpose <purpose>", `what the station's taps are for: ${PURPOSE_NAMES.join(", ")}`, parsePurpose, "stamp")
    .option("--quantity <n>", "how many stamps (or how much) each tap is worth", parseQuantity, 1)
    .option("--mode <mode>", 'NFC reader commands: "direct" (ACR122U direct transmit) or "pages" (FF B0 / FF D6 only)', parseMode, "direct")
    .action(async (options: ServeOptions, command: Command) => {
      const stationWanted = options.nfc === true || options.ble === true;
      if (stationWanted && options.verifier === undefined) throw new CliError("--nfc and --ble need --verifier <id> (see `stamp verifiers list`)");
      if (!stationWanted && !options.http) throw new CliError("--no-http leaves nothing to run: add --nfc or --ble");
      const path = resolve(dbPath(command));
      let store: SqliteStore;
      try {
        store = new SqliteStore(path);
      } catch (error) {
        throw new CliError(`cannot open the database ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (stationWanted && (await store.getVerifier(options.verifier ?? "")) === undefined) {
        await store.close();
        throw new CliError(`verifier ${options.verifier} is not registered (see \`stamp verifiers list\`)`);
      }
      const app = buildServer(store, { logLevel: options.log === true ? "info" : "error" });
      const stopped = untilStopped(context);
      let stations: RunningStations | undefined;
      try {
        if (stationWanted) {
          stations = await startStations(
            store,
            {
              nfc: options.nfc === true,
              ble: options.ble === true,
              verifierId: options.verifier ?? "",
              purpose: purposeFromName(options.purpose),
              quantity: options.quantity,
              nfcMode: options.mode,
            },
            context.io,
          );
        }
        if (options.http) {
          await app.listen({ port: options.port, host: options.host });
          const address = app.server.address() as AddressInfo;
          const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
          context.io.out(`stamp host listening on http://${host}:${address.port} (database ${path})\n`);
        }
      } catch (error) {
        await stations?.stop();
        await app.close();
        await store.close();
        const reason = error instanceof Error ? error.message : String(error);
        throw new CliError(stations === undefined && stationWanted ? `cannot start the counter station: ${reason}` : `cannot listen on ${options.host}:${options.port}: ${reason}`);
      }
      const why = await stopped;
      context.io.out(`${why}: shutting down\n`);
      await stations?.stop();
      await app.close();
      await store.close();
      context.io.out("stopped; database closed\n");
    });
}
