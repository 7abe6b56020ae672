import { Client } from "pg";
import { SqlEditor, TamperDatabases } from "./tamper-databases";

/** PostgreSQL's append-only triggers (host/store/postgres-schema.ts), each on its table. */
const POSTGRES_TRIGGERS: readonly [string, string][] = [
  ["ledger_no_change", "ledger"],
  ["ledger_no_truncate", "ledger"],
  ["audit_no_change", "audit"],
  ["audit_no_truncate", "audit"],
];

/** A database name of the server the URL names: the only place names go into SQL text, so kept to [a-z0-9_]. */
function databaseName(location: string): string {
  const name = decodeURIComponent(new URL(location).pathname.slice(1));
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`database name ${name} is not [a-z0-9_]`);
  return name;
}

function withDatabase(location: string, name: string): string {
  const url = new URL(location);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onDatabase<T>(location: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: location });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Databases on a PostgreSQL server the campaign may create databases on (a test server, or a
 * staging one: never a deployment's own): `createDatabase` makes the host's fresh one; copies are
 * `CREATE DATABASE … TEMPLATE` of it, made through the server's `postgres` database, and dropped
 * by discard(). The edits are the same SQL as on SQLite, `?` written `$n`.
 */
export function postgresDatabases(createDatabase: () => Promise<string>): TamperDatabases {
  const made: string[] = [];
  return {
    label: "PostgreSQL",
    create: createDatabase,
    async copy(location, name) {
      const source = databaseName(location);
      const copy = `${source}_${name.replace(/[^a-z0-9]/g, "_")}`;
      await onDatabase(withDatabase(location, "postgres"), (admin) => admin.query(`CREATE DATABASE ${copy} TEMPLATE ${source}`));
      made.push(withDatabase(location, copy));
      return withDatabase(location, copy);
    },
    async tamper(location, edit) {
      await onDatabase(location, async (client) => {
        for (const [trigger, table] of POSTGRES_TRIGGERS) await client.query(`DROP TRIGGER IF EXISTS ${trigger} ON ${table}`);
        const editor: SqlEditor = {
          async run(sql, params = []) {
            let n = 0;
            await client.query(sql.replace(/\?/g, () => `$${++n}`), [...params]);
          },
        };
        await edit(editor);
      });
    },
    async discard() {
      for (const location of made.splice(0)) {
        await onDatabase(withDatabase(location, "postgres"), (admin) => admin.query(`DROP DATABASE IF EXISTS ${databaseName(location)}`));
      }
    },
  };
}
