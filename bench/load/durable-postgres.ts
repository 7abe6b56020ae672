/**
 * A PostgreSQL server for the load bench with its durability as shipped: fsync, full-page writes
 * and synchronous commit on (the test harness's server, test/support/postgres-server.ts, turns
 * fsync off, which would flatter every commit). Debian's binaries, a fresh temporary directory,
 * 127.0.0.1 on a free port, local trust; pg_ctl waits for readiness itself. As root it runs as
 * the `postgres` user (or `nobody`), since PostgreSQL refuses root.
 */
import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { findPostgresBinaries } from "../../test/support/postgres-server";

const START_TIMEOUT_S = 60;

export interface DurablePostgres {
  /** A postgres:// URL of a new, empty database. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

function freePort(): Promise<number> {
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

/** Whom to run as: this user, or `postgres` (else `nobody`) when this is root. */
function runAsUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    try {
      const id = (flag: string) => Number(execFileSync("id", [flag, name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
      return { uid: id("-u"), gid: id("-g") };
    } catch {
      // no such user: the next one
    }
  }
  throw new Error("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as");
}

export async function startDurablePostgres(): Promise<DurablePostgres | { missing: string }> {
  const found = findPostgresBinaries();
  if ("missing" in found) return found;
  const user = runAsUser();
  const directory = mkdtempSync(join(tmpdir(), "stamp-load-pg-"));
  if (user !== undefined) chownSync(directory, user.uid, user.gid);
  const data = join(directory, "data");
  const run = (file: string, args: string[]) =>
    execFileSync(join(found.bin, file), args, { uid: user?.uid, gid: user?.gid, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" }, timeout: START_TIMEOUT_S * 1000 });
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"]);
  const port = await freePort();
  run("pg_ctl", ["-D", data, "-l", join(directory, "log"), "-w", "-t", String(START_TIMEOUT_S), "-o", `-k ${directory} -h 127.0.0.1 -p ${port} -c max_connections=200`, "start"]);
  return {
    createDatabase: async (name) => {
      const admin = new Client({ host: "127.0.0.1", port: port, user: "postgres", database: "postgres" });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
