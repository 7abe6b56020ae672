import { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadStationKeyFile, StationKey } from "../auth/station-key";
import { ApiClient, ApiCredential } from "../client/api-client";
import { httpTransport, injectTransport } from "../client/transports";
import { HostKey, loadHostKey } from "../ledger/host-key";
import { describeStoreLocation, isPostgresUrl, openStore, storeLocation } from "../store/open-store";
import { Store } from "../store/store";
import { CliApi, FieldNames, tokenCredential } from "./api";
import { CliError, CliIo } from "./io";

/** What every command needs besides its arguments. */
export interface CliContext {
  io: CliIo;
  /** Stops a running `stamp serve` (tests); SIGINT and SIGTERM always do. */
  stop?: AbortSignal;
  /** The environment the CLI reads STAMP_TOKEN from (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** The arguments the CLI was run with (set by runCli). */
  argv?: readonly string[];
}

export const DEFAULT_DB = "./stamp.db";

interface GlobalOptions {
  publicUrl?: string;
  hostKey?: string;
  db?: string;
  url?: string;
  ca?: string;
  tokenFile?: string;
  stationKey?: string;
}

function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** The database from the global --db option (or STAMP_DB, or the default): an absolute SQLite path, or a postgres:// URL as given. */
export function dbPath(command: Command): string {
  return storeLocation(globals(command).db ?? DEFAULT_DB);
}

/** Whether --db was given (on the command line or through STAMP_DB) rather than defaulted. */
export function dbChosen(command: Command): boolean {
  const source = command.getOptionValueSourceWithGlobals("db");
  return source !== undefined && source !== "default";
}

/** Opens the local database (SQLite file or PostgreSQL), which `stamp init` must have made. */
export async function openLocalStore(command: Command): Promise<Store> {
  const path = dbPath(command);
  if (!isPostgresUrl(path) && !existsSync(path)) throw new CliError(`there is no database at ${path}: run \`stamp init\` first (or give --db, or --url for a remote host)`);
  // openStore loads the adapter only now: `stamp --help` and remote commands never load SQLite or pg.
  try {
    return await openStore(path);
  } catch (error) {
    throw new CliError(`cannot open the database ${describeStoreLocation(path)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The base URL phones reach the host at (--public-url, checked when parsed), if given. */
export function publicUrlOf(command: Command): string | undefined {
  return globals(command).publicUrl;
}

/** The host's checkpoint key named by --host-key, if any. */
export function hostKeyOf(command: Command): HostKey | undefined {
  const path = globals(command).hostKey;
  if (path === undefined) return undefined;
  const loaded = loadHostKey(resolve(path));
  if (!loaded.ok) throw new CliError(loaded.error);
  return loaded.value;
}

/** The station key named by --station-key, enrolled. */
export async function stationKeyOf(command: Command): Promise<StationKey | undefined> {
  const path = globals(command).stationKey;
  if (path === undefined) return undefined;
  const loaded = await loadStationKeyFile(resolve(path), { requireEnrolled: true });
  if (!loaded.ok) throw new CliError(loaded.error);
  return loaded.value;
}

async function credentialOf(command: Command, context: CliContext): Promise<ApiCredential> {
  const station = await stationKeyOf(command);
  if (station !== undefined && station.keyId !== null) return { kind: "station", keyId: station.keyId, privateKey: station.privateKey };
  return tokenCredential(globals(command).tokenFile, context.env ?? process.env);
}

function readCa(path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError(`cannot read the CA file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A connection to the API: in process on the local database, or to --url. */
export interface Connection {
  api: CliApi;
  /** The local store, when there is one (`serve`, stations, flashing in process). */
  store: Store | undefined;
  close(): Promise<void>;
}

/** `credential` overrides the one the options name (a station enrolling signs with its new key). */
export async function connect(context: CliContext, command: Command, explicit?: ApiCredential): Promise<Connection> {
  const options = globals(command);
  const credential = explicit ?? (await credentialOf(command, context));
  if (options.url !== undefined) {
    const transport = httpTransport(options.url, { ca: readCa(options.ca) });
    const api = new CliApi(new ApiClient(transport, credential), credential, options.url);
    return { api: api, store: undefined, close: () => api.close() };
  }
  // Loaded here, not at the top: Fastify is most of the CLI's start-up time.
  const { buildServer } = await import("../http/server");
  const store = await openLocalStore(command);
  const publicUrl = publicUrlOf(command);
  const app = buildServer(store, { hostKey: hostKeyOf(command), publicUrl: () => publicUrl });
  const api = new CliApi(new ApiClient(injectTransport(app), credential), credential, "the database " + describeStoreLocation(dbPath(command)));
  return {
    api: api,
    store: store,
    close: async () => {
      await api.close();
      await store.close();
    },
  };
}

/** Runs one command's requests and always closes the connection. */
export async function withApi<T>(context: CliContext, command: Command, work: (api: CliApi) => Promise<T>, credential?: ApiCredential): Promise<T> {
  const connection = await connect(context, command, credential);
  try {
    return await work(connection.api);
  } finally {
    await connection.close();
  }
}

export type { FieldNames };

/** Prints data as JSON (--json) or as the given readable text. */
export function print(context: CliContext, json: boolean | undefined, data: unknown, text: () => string): void {
  context.io.out(json === true ? JSON.stringify(data, null, 2) + "\n" : text());
}

/** One page of a list answer. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** The hint under a list that has more pages. */
export function moreHint(page: Page<unknown>, flag: "--after" | "--before"): string {
  return page.next === null ? "" : `(more: run again with ${flag} ${page.next})\n`;
}
