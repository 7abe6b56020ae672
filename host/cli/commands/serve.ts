import { Command, InvalidArgumentError } from "commander";
import { FastifyInstance } from "fastify";
import { readFileSync } from "node:fs";
import { AddressInfo } from "node:net";
import { StationKey } from "../../auth/station-key";
import { ApiClient } from "../../client/api-client";
import { apiTapService } from "../../client/api-tap-service";
import { OfflineQueue } from "../../client/offline-queue";
import { isHostUnreachable, offlineCapableTapService, startPeriodicSync } from "../../client/offline-tap-service";
import { TapService } from "../../core/counter-station";
import { ApiTransport, httpTransport, injectTransport } from "../../client/transports";
import { defaultAllowedHosts } from "../../http/hardening/allowed-hosts";
import { listenPlan } from "../../http/hardening/tls";
import { VerifierView } from "../../http/views";
import { describeStoreLocation } from "../../store/open-store";
import { Store } from "../../store/store";
import { signChainHeads } from "../../core/ledger-evidence";
import { HostKey } from "../../ledger/host-key";
import { isLoopbackHost } from "../../http/hardening/listen-address";
import { CliContext, dbPath, hostKeyOf, openLocalStore, Page, publicUrlOf, stationKeyOf } from "../context";
import { CliError } from "../io";
import { RunningStations, startStations } from "./stations";
import { logTapVerdicts } from "./verdict-log";
import { parseWorkers, superviseWorkers, workerNumber, workerSetupProblem } from "./serve-workers";

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError("must be a whole number from 0 to 65535 (0: any free port).");
  return Number(value);
}

function parseMode(value: string): "direct" | "pages" {
  if (value !== "direct" && value !== "pages") throw new InvalidArgumentError('must be "direct" (ACR122U-class direct transmit) or "pages" (FF B0 / FF D6 only).');
  return value;
}

function parseHost(value: string): string {
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(value)) throw new InvalidArgumentError("must be a host name or an IP address.");
  return value;
}

function parseMinutes(value: string): number {
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("must be a whole number of minutes, at least 1.");
  return Number(value);
}

/** Signs the chains' heads every `minutes` while they change; the first one at once. */
function startCheckpoints(store: Store, hostKey: HostKey, minutes: number, io: CliContext["io"]): () => void {
  let last = "";
  const sign = async () => {
    const heads = await store.chainHeads();
    const now = JSON.stringify(heads);
    if (now === last) return;
    await signChainHeads(store, hostKey, Date.now());
    last = now;
  };
  const run = () => void sign().catch((error: unknown) => io.err(`checkpoint failed: ${error instanceof Error ? error.message : String(error)}\n`));
  run();
  const timer = setInterval(run, minutes * 60_000);
  return () => clearInterval(timer);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface ServeOptions {
  port: number;
  host: string;
  log?: boolean;
  http: boolean;
  nfc?: boolean;
  ble?: boolean;
  mode: "direct" | "pages";
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp?: boolean;
  allowHost: string[];
  checkpointEvery: number;
  /** The station's own file for working offline (registry copy and queue). */
  offline?: string;
  /** Processes serving the HTTP API on one port (PostgreSQL only; serve-workers.ts). */
  workers: number;
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

/** The station's client: to --url over HTTPS, or in process to this very server's routes. */
function stationTransport(command: Command, app: FastifyInstance | undefined): ApiTransport {
  const { url, ca } = command.optsWithGlobals<{ url?: string; ca?: string }>();
  if (url !== undefined) return httpTransport(url, { ca: ca === undefined ? undefined : readFileSync(ca) });
  if (app === undefined) throw new CliError("a counter station needs --url <host>, or a local database (--db)");
  return injectTransport(app);
}

/** The verifier the station's key is enrolled for, as the host tells it. */
async function enrolledVerifier(client: ApiClient): Promise<VerifierView> {
  const response = await client.request("GET", "/v1/verifiers");
  const page = response.body as Page<VerifierView> | undefined;
  const verifier = response.status === 200 ? page?.items[0] : undefined;
  if (verifier === undefined) throw new CliError(`the host does not accept this station key as a counter station (status ${response.status})`);
  return verifier;
}

/** How often an offline-capable station uploads its queue and refreshes its registry copy. */
const OFFLINE_SYNC_EVERY_MS = 60_000;

/**
 * With --offline <file>: the station keeps judging taps on its registry copy while the host is
 * unreachable (host/client/offline-tap-service.ts). It starts even with the host down, from the
 * copy in its file, and syncs at start, when the host answers again, and every minute.
 */
async function offlineStation(client: ApiClient, file: string, context: CliContext): Promise<{ service: TapService; verifierId: string; stop: () => void }> {
  const queue = new OfflineQueue(file);
  const log = (line: string) => context.io.out(line + "\n");
  const service = offlineCapableTapService(client, queue, { log: log });
  try {
    const report = await service.sync();
    log(`offline copy of the registry as of ${new Date(report.registryAsOf).toISOString()}; ${report.uploaded} queued taps synced`);
  } catch (error) {
    if (!isHostUnreachable(error)) throw error;
    log(`the host is unreachable: working offline, ${queue.count()} taps queued`);
  }
  const copy = queue.registry();
  if (copy === undefined) {
    queue.close();
    throw new CliError("the host is unreachable and this station has no registry copy yet: start it once with the host up");
  }
  const stopSync = startPeriodicSync(service, OFFLINE_SYNC_EVERY_MS, log);
  const stop = () => {
    stopSync();
    queue.close();
  };
  return { service: service, verifierId: copy.verifier.id, stop: stop };
}

async function startStationsFor(command: Command, context: CliContext, options: ServeOptions, app: FastifyInstance | undefined, key: StationKey): Promise<RunningStations> {
  if (key.keyId === null) throw new CliError("the station key is not enrolled: run `stamp station enrol` first");
  const client = new ApiClient(stationTransport(command, app), { kind: "station", keyId: key.keyId, privateKey: key.privateKey });
  const stationOptions = { nfc: options.nfc === true, ble: options.ble === true, nfcMode: options.mode };
  if (options.offline !== undefined) {
    const offline = await offlineStation(client, options.offline, context);
    context.io.out(`counter station ${key.keyId} is verifier ${offline.verifierId}, offline-capable (queue ${options.offline})\n`);
    const running = await startStations(offline.service, { ...stationOptions, verifierId: offline.verifierId }, context.io);
    return {
      async stop() {
        await running.stop();
        offline.stop();
      },
    };
  }
  const verifier = await enrolledVerifier(client);
  context.io.out(`counter station ${key.keyId} is verifier ${verifier.id} (${verifier.label}): ${verifier.purpose} x${verifier.quantity}, presence ${verifier.requirePresence ? "required" : "not needed"}\n`);
  return startStations(apiTapService(client), { ...stationOptions, verifierId: verifier.id }, context.io);
}

export function addServeCommand(program: Command, context: CliContext): void {
  program
    .command("serve")
    .description("run the HTTP API, and with --nfc / --ble a counter station, until SIGINT or SIGTERM; then close the database cleanly")
    .option("--port <port>", "TCP port (0: any free port)", parsePort, 8080)
    .option("--host <host>", "address to listen on", parseHost, "127.0.0.1")
    .option("--tls-cert <file>", "serve HTTPS with this PEM certificate (chain)")
    .option("--tls-key <file>", "and this PEM private key")
    .option("--insecure-http", "allow plain HTTP on a non-loopback address (anyone on the network can read and replay traffic)")
    .option("--allow-host <name>", "also answer requests for this Host name[:port] (the shop-network name); repeatable", collect, [])
    .option("--checkpoint-every <minutes>", "with --host-key: sign the ledger's and audit chain's heads this often, when they changed", parseMinutes, 10)
    .option("--log", "log every request (JSON lines on stderr); failed requests are always logged")
    .option("--no-http", "run only the counter station(s), without the HTTP API")
    .option("--nfc", "be a counter station on the PC/SC (ACR122U-class) readers (needs --station-key)")
    .option("--ble", "be a counter station over Bluetooth LE (bleno) (needs --station-key)")
    .option("--offline <file>", "with --nfc/--ble: keep judging taps on a registry copy while the host is unreachable, queue them in this SQLite file, sync them later")
    .option("--mode <mode>", 'NFC reader commands: "direct" (ACR122U direct transmit) or "pages" (FF B0 / FF D6 only)', parseMode, "direct")
    .option("--workers <n>", "serve the HTTP API from this many processes on one port, to use more cores (PostgreSQL only)", parseWorkers, 1)
    .action(async (options: ServeOptions, command: Command) => {
      const stationWanted = options.nfc === true || options.ble === true;
      if (!stationWanted && !options.http) throw new CliError("--no-http leaves nothing to run: add --nfc or --ble");
      const worker = workerNumber();
      if (options.workers > 1 && worker === undefined) {
        const problem = workerSetupProblem({
          database: dbPath(command),
          http: options.http,
          station: stationWanted,
          argv: context.argv ?? [],
          processArgv: process.argv.slice(2),
        });
        if (problem !== undefined) throw new CliError(problem);
        context.io.out(`stamp host: ${options.workers} workers on port ${options.port} (database ${describeStoreLocation(dbPath(command))})\n`);
        await superviseWorkers(options.workers, untilStopped(context), context);
        return;
      }
      const key = stationWanted ? await stationKeyOf(command) : undefined;
      if (stationWanted && key === undefined) throw new CliError("--nfc and --ble need the station's key: --station-key <file> (`stamp station enrol` makes it)");
      const plan = listenPlan({ host: options.host, tlsCert: options.tlsCert, tlsKey: options.tlsKey, insecureHttp: options.insecureHttp === true });
      if (!plan.ok) throw new CliError(plan.error);
      const remote = command.optsWithGlobals<{ url?: string }>().url !== undefined;
      // Known now when given; on loopback it defaults to http(s)://localhost:<port> once the port is known.
      let publicUrl = publicUrlOf(command);
      const publicHosts = publicUrl === undefined ? [] : [new URL(publicUrl).host];
      const hostKey = hostKeyOf(command);
      // Loaded here, not at the top: Fastify is most of the CLI's start-up time.
      const { buildServer } = await import("../../http/server");
      const store: Store | undefined = options.http || !remote ? await openLocalStore(command) : undefined;
      const app =
        store === undefined
          ? undefined
          : buildServer(store, {
              logLevel: options.log === true ? "info" : "error",
              https: plan.value.https,
              // Any port: the in-process station calls this server by name without one, and a
              // rebinding attack is stopped by the name, which is never the attacker's here.
              allowedHosts: defaultAllowedHosts(options.host, 0, [...options.allowHost, ...publicHosts]),
              hostKey: hostKey,
              publicUrl: () => publicUrl,
            });
      if (app !== undefined && options.http) logTapVerdicts(app, context.io, key?.keyId ?? undefined);
      const stopped = untilStopped(context);
      let stations: RunningStations | undefined;
      // Of several workers, the first alone signs checkpoints: one signer, as with one process.
      const signsCheckpoints = store !== undefined && hostKey !== undefined && (worker === undefined || worker === 1);
      const stopCheckpoints = signsCheckpoints ? startCheckpoints(store, hostKey, options.checkpointEvery, context.io) : () => undefined;
      const closeAll = async () => {
        stopCheckpoints();
        await stations?.stop();
        await app?.close();
        await store?.close();
      };
      let phase: "listen" | "station" = "listen";
      try {
        if (app !== undefined && options.http) {
          await app.listen({ port: options.port, host: options.host });
          const address = app.server.address() as AddressInfo;
          const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
          const scheme = plan.value.https === undefined ? "http" : "https";
          const whose = worker === undefined ? "" : `, worker ${worker}`;
          context.io.out(`stamp host listening on ${scheme}://${host}:${address.port} (database ${describeStoreLocation(dbPath(command))}${whose})\n`);
          if (publicUrl === undefined && isLoopbackHost(options.host)) publicUrl = `${scheme}://localhost:${address.port}`;
          context.io.out(publicUrl === undefined ? "phone pages: off (no --public-url)\n" : `phone pages at ${publicUrl} (stamps flashed with --phone-url ${publicUrl})\n`);
        }
        phase = "station";
        if (key !== undefined) stations = await startStationsFor(command, context, options, app, key);
      } catch (error) {
        await closeAll();
        if (error instanceof CliError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new CliError(phase === "station" ? `cannot start the counter station: ${reason}` : `cannot listen on ${options.host}:${options.port}: ${reason}`);
      }
      const why = await stopped;
      context.io.out(`${why}: shutting down\n`);
      await closeAll();
      context.io.out("stopped; database closed\n");
    });
}
