/**
 * One shard: a whole PostgreSQL database with the store's own schema, on a test server, and the
 * ways the shard tests look at it from outside the host: a value, every row as text, its ledger
 * chain's lock held from another connection, and whether anything is waiting for that lock.
 */
import { Client } from "pg";
import { openStore } from "../../host/store/open-store";
import { STORE_TYPES } from "../../host/store/postgres-store";
import { TestDatabase } from "../support/test-stores";

export interface ShardDatabase extends TestDatabase {
  /** The database's name on its server (pg_stat_activity's datname). */
  name: string;
  /**
   * Another connection locks the ledger chain's row of chain_append_locks in an open transaction,
   * as a long ledger append would, and keeps it until released.
   */
  holdLedgerLock(): Promise<HeldLock>;
}

export interface HeldLock {
  /**
   * How many sessions of this database are waiting for a lock now, from pg_stat_activity on a
   * third connection (the holder's own transaction would see one snapshot of it throughout).
   */
  waiting(): Promise<number>;
  release(): Promise<void>;
}

export function shardDatabase(url: string): ShardDatabase {
  const name = new URL(url).pathname.slice(1);
  const withClient = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: url, types: STORE_TYPES });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const holding = async (lock: string): Promise<() => Promise<void>> => {
    const other = new Client({ connectionString: url });
    await other.connect();
    await other.query("BEGIN");
    await other.query(lock);
    return async () => {
      await other.query("ROLLBACK");
      await other.end();
    };
  };
  return {
    kind: "postgres",
    name: name,
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
        for (const { name: table } of tables.rows.filter((each) => !except.has(each.name))) {
          dump[table] = (await client.query(`SELECT * FROM "${table}"`)).rows.map((row) => JSON.stringify(row)).sort();
        }
        return JSON.stringify(dump);
      }),
    holdWriteLock: () => holding("SELECT chain FROM chain_append_locks FOR UPDATE"),
    holdLedgerLock: async () => {
      const release = await holding("SELECT chain FROM chain_append_locks WHERE chain = 'ledger' FOR UPDATE");
      const watcher = new Client({ connectionString: url });
      await watcher.connect();
      return {
        waiting: async () => {
          const result = await watcher.query<{ waiting: string }>("SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [name]);
          return Number(result.rows[0].waiting);
        },
        release: async () => {
          await watcher.end();
          await release();
        },
      };
    },
    // The database goes with its server's directory when the server stops.
    discard: async () => undefined,
  };
}
