/**
 * One shard: a whole PostgreSQL database with the store's own schema, on a test server, and the
 * ways the shard tests look at it from outside the host: a value, every row as text, its ledger
 * chain's lock held from another connection, and whether anything is waiting for that lock.
 */
import { Client } from "pg";
import { postgresDatabase, TestDatabase } from "../support/test-stores";

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
  return {
    ...postgresDatabase(url),
    name: name,
    holdLedgerLock: async () => {
      const holder = new Client({ connectionString: url });
      await holder.connect();
      await holder.query("BEGIN");
      await holder.query("SELECT chain FROM chain_append_locks WHERE chain = 'ledger' FOR UPDATE");
      const watcher = new Client({ connectionString: url });
      await watcher.connect();
      return {
        waiting: async () => {
          const result = await watcher.query<{ waiting: string }>("SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [name]);
          return Number(result.rows[0].waiting);
        },
        release: async () => {
          await watcher.end();
          await holder.query("ROLLBACK");
          await holder.end();
        },
      };
    },
  };
}
