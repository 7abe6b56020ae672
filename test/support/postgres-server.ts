/**
 * A real PostgreSQL server for tests, from the Debian `postgresql` package's binaries
 * (/usr/lib/postgresql/<version>/bin), in a fresh temporary directory: its data directory and
 * its unix socket are there, and it listens on a free TCP port of 127.0.0.1 only, trusting
 * local connections (nothing else can reach it). fsync is off: these servers hold test data
 * only, and the rules under test are about concurrency, not power cuts.
 *
 * initdb and postgres refuse to run as root: as root they run as the `postgres` user (or
 * `nobody` where there is none), which then owns the temporary directory.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Client } from "pg";

/** initdb on a loaded machine takes a few seconds; starting, about one. */
export const POSTGRES_INIT_TIMEOUT_MS = 60_000;
export const POSTGRES_START_TIMEOUT_MS = 30_000;
/** An immediate shutdown (SIGQUIT) ends the server well within this; then SIGKILL. */
const POSTGRES_STOP_TIMEOUT_MS = 10_000;
/** Stopping: the shutdown, then deleting the data directory (tens of MB) on a busy disk. */
export const POSTGRES_STOP_AND_CLEAN_TIMEOUT_MS = 60_000;
const SUPERUSER = "postgres";
const READY_LINE = "database system is ready to accept connections";

/** The newest /usr/lib/postgresql/<version>/bin holding initdb and postgres, or why there is none. */
export function findPostgresBinaries(): { bin: string } | { missing: string } {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(root, version, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "postgres"))) return { bin: bin };
  }
  return { missing: `no PostgreSQL server binaries in ${root}/<version>/bin (install the Debian package postgresql: npm run setup does)` };
}

/** Whom the server runs as: this process's user, or an unprivileged one when this is root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of [SUPERUSER, "nobody"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
      return { uid: uid, gid: gid };
    } catch {
      // no such user: try the next one
    }
  }
  throw new Error("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  port: number;
  /** The directory of the server's unix socket (and data). */
  directory: string;
  /** Creates a database, empty or a copy of `template` (which nobody may be connected to), and returns its postgres:// URL. */
  createDatabase(template?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Runs a binary as the server's user, failing with its output after `timeoutMs`. */
function runAs(user: { uid: number; gid: number } | undefined, file: string, args: string[], timeoutMs: number): void {
  execFileSync(file, args, { uid: user?.uid, gid: user?.gid, timeout: timeoutMs, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
}

/** Starts a server; it is ready (its log said so) when this resolves. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const found = findPostgresBinaries();
  if ("missing" in found) throw new Error(found.missing);
  const user = serverUser();
  const directory = mkdtempSync(join(tmpdir(), "stamp-pg-"));
  if (user !== undefined) chownSync(directory, user.uid, user.gid);
  const data = join(directory, "data");
  runAs(user, join(found.bin, "initdb"), ["-D", data, "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], POSTGRES_INIT_TIMEOUT_MS);
  const port = await freePort();
  const server = spawn(
    join(found.bin, "postgres"),
    ["-D", data, "-k", directory, "-h", "127.0.0.1", "-p", String(port), "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=200"],
    { uid: user?.uid, gid: user?.gid, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } },
  );
  try {
    await untilReady(server);
  } catch (error) {
    server.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  let databases = 0;
  return {
    port: port,
    directory: directory,
    createDatabase: async (template?: string) => {
      const name = `stamp_test_${++databases}`;
      const admin = new Client({ host: "127.0.0.1", port: port, user: SUPERUSER, database: "postgres" });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}` + (template === undefined ? "" : ` TEMPLATE ${template}`));
      } finally {
        await admin.end();
      }
      return `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`;
    },
    stop: async () => {
      await stopServer(server);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Resolves on the server's "ready to accept connections" log line; rejects if it exits first or after POSTGRES_START_TIMEOUT_MS. */
function untilReady(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => finish(new Error(`PostgreSQL was not ready after ${POSTGRES_START_TIMEOUT_MS} ms:\n${log}`)), POSTGRES_START_TIMEOUT_MS);
    const onLog = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(READY_LINE)) finish(undefined);
    };
    const onExit = (code: number | null) => finish(new Error(`PostgreSQL exited (${code}) before it was ready:\n${log}`));
    const finish = (error: Error | undefined) => {
      clearTimeout(timer);
      server.stderr?.off("data", onLog);
      server.stdout?.off("data", onLog);
      server.off("exit", onExit);
      // Keep draining its output, or a full pipe would stall the server.
      server.stderr?.resume();
      server.stdout?.resume();
      if (error === undefined) resolve();
      else reject(error);
    };
    server.stderr?.on("data", onLog);
    server.stdout?.on("data", onLog);
    server.once("exit", onExit);
  });
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.kill("SIGKILL"), POSTGRES_STOP_TIMEOUT_MS);
    server.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    // SIGQUIT: PostgreSQL's immediate shutdown, without the final checkpoint: the data directory is deleted next anyway.
    server.kill("SIGQUIT");
  });
}
