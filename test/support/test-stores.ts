/**
 * The host suite on both stores: `describeEachStore` runs a block of tests once on SQLite and
 * once on PostgreSQL (a real server, see postgres-server.ts, one per test file, started on
 * first use and stopped after the block). Without PostgreSQL's binaries the PostgreSQL half is
 * reported as skipped. STAMP_TEST_STORES=sqlite (or =postgres) runs one half only.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { openStore } from "../../host/store/open-store";
import { STORE_TYPES } from "../../host/store/postgres-store";
import { Store } from "../../host/store/store";
import { snapshotDatabase } from "./database-snapshot";
import {
  findPostgresBinaries,
  PostgresServer,
  POSTGRES_INIT_TIMEOUT_MS,
  POSTGRES_START_TIMEOUT_MS,
  POSTGRES_STOP_AND_CLEAN_TIMEOUT_MS,
  startPostgresServer,
} from "./postgres-server";

export type StoreKind = "sqlite" | "postgres";

const STORE_NAMES: Record<StoreKind, string> = { sqlite: "SQLite", postgres: "PostgreSQL" };

/** A fresh database of one kind, and a way around the store to look at (or tamper with) its rows. */
export interface TestDatabase {
  kind: StoreKind;
  /** The --db value: the SQLite file's path, or the PostgreSQL database's URL. */
  location: string;
  /** One more store on this database, as another host process would open it. */
  open(): Promise<Store>;
  /** One value of a query straight from the database, e.g. a COUNT(*); parameters are written `?`. */
  value(sql: string, ...params: unknown[]): Promise<unknown>;
  /** A statement straight on the database, past the store (to show what the database itself refuses). */
  execute(sql: string): Promise<void>;
  /** Every row of every table but `except`, as text: equal before and after, nothing was written. */
  dump(except?: ReadonlySet<string>): Promise<string>;
  /**
   * Another connection takes what every writer of the chains needs and keeps it until released:
   * SQLite's write lock (BEGIN IMMEDIATE), or PostgreSQL's chain append locks.
   */
  holdWriteLock(): Promise<() => Promise<void>>;
  /** Deletes an SQLite database's directory; a PostgreSQL database goes with its server's directory, when the server stops. */
  discard(): Promise<void>;
}

interface RunningServer {
  server: PostgresServer;
  /**
   * A database that already holds the store's tables (the store made them, as on any new
   * database): test databases are copies of it, which saves making the tables for each test.
   */
  template: string;
}

/** This test file's PostgreSQL server, started by the first block that needs it. */
let running: Promise<RunningServer> | undefined;

async function startServer(): Promise<RunningServer> {
  const server = await startPostgresServer();
  const url = await server.createDatabase();
  await (await openStore(url)).close();
  return { server: server, template: new URL(url).pathname.slice(1) };
}

function runningServer(): Promise<RunningServer> {
  running ??= startServer();
  return running;
}

async function stopServer(): Promise<void> {
  const stopping = running;
  running = undefined;
  if (stopping !== undefined) await (await stopping).server.stop();
}

/**
 * A new database of this kind: an SQLite file in a fresh directory, or a database on this test
 * file's PostgreSQL server (a copy of the template; with `empty`, without any table yet).
 */
export async function createTestDatabase(kind: StoreKind, options: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (kind === "sqlite") {
    return sqliteDatabase(mkdtempSync(join(tmpdir(), "stamp-test-")));
  }
  const { server, template } = await runningServer();
  return postgresDatabase(await server.createDatabase(options.empty === true ? undefined : template));
}

function sqliteDatabase(directory: string): TestDatabase {
  const path = join(directory, "stamp.db");
  const withDatabase = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    kind: "sqlite",
    location: path,
    open: () => openStore(path),
    value: async (sql, ...params) => withDatabase((db) => db.prepare(sql).pluck().get(...params)),
    execute: async (sql) => withDatabase((db) => void db.prepare(sql).run()),
    dump: async (except) => snapshotDatabase(path, except),
    holdWriteLock: async () => {
      const other = new Database(path);
      other.exec("BEGIN IMMEDIATE");
      return async () => {
        other.exec("ROLLBACK");
        other.close();
      };
    },
    discard: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** A PostgreSQL database of a test server, by its URL, seen as a TestDatabase. */
export function postgresDatabase(url: string): TestDatabase {
  const withClient = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: url, types: STORE_TYPES });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    kind: "postgres",
    location: url,
    open: () => openStore(url),
    value: (sql, ...params) =>
      withClient(async (client) => {
        let n = 0;
        const result = await client.query({ text: sql.replace(/\?/g, () => "$" + ++n), values: params, rowMode: "array" });
        return (result.rows[0] as unknown[] | undefined)?.[0];
      }),
    execute: (sql) => withClient(async (client) => void (await client.query(sql))),
    dump: (except = new Set()) =>
      withClient(async (client) => {
        const tables = await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
        const dump: Record<string, string[]> = {};
        for (const { name } of tables.rows.filter((table) => !except.has(table.name))) {
          // Sorted as text: the same rows give the same dump, whatever order the heap keeps them in.
          dump[name] = (await client.query(`SELECT * FROM "${name}"`)).rows.map((row) => JSON.stringify(row)).sort();
        }
        return JSON.stringify(dump);
      }),
    holdWriteLock: async () => {
      const other = new Client({ connectionString: url });
      await other.connect();
      await other.query("BEGIN");
      await other.query("SELECT chain FROM chain_append_locks FOR UPDATE");
      return async () => {
        await other.query("ROLLBACK");
        await other.end();
      };
    },
    discard: async () => undefined,
  };
}

function selectedKinds(): StoreKind[] {
  const wanted = process.env.STAMP_TEST_STORES;
  const kinds: StoreKind[] = ["sqlite", "postgres"];
  return wanted === undefined || wanted === "" ? kinds : kinds.filter((kind) => wanted.split(",").includes(kind));
}

/**
 * `describe(title + " on SQLite", …)` and the same on PostgreSQL. The PostgreSQL block stops
 * its server when done; without the binaries it is skipped, and says so.
 */
export function describeEachStore(title: string, body: (kind: StoreKind) => void): void {
  for (const kind of selectedKinds()) {
    const name = `${title} on ${STORE_NAMES[kind]}`;
    if (kind === "sqlite") {
      describe(name, () => body(kind));
      continue;
    }
    const found = findPostgresBinaries();
    if ("missing" in found) {
      console.warn(`\n!!! SKIPPED: ${name} — ${found.missing} !!!\n`);
      describe.skip(`${name} — SKIPPED: ${found.missing}`, () => body(kind));
      continue;
    }
    describe(name, () => {
      beforeAll(async () => void (await runningServer()), POSTGRES_INIT_TIMEOUT_MS + POSTGRES_START_TIMEOUT_MS);
      afterAll(stopServer, POSTGRES_STOP_AND_CLEAN_TIMEOUT_MS);
      body(kind);
    });
  }
}
