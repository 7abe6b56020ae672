import Database from "better-sqlite3";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { SqlEditor, TamperDatabases } from "./tamper-databases";

/** SQLite's append-only triggers (host/store/sqlite-schema.ts): rows in sqlite_master, nothing more. */
const SQLITE_TRIGGERS = ["ledger_no_update", "ledger_no_delete", "audit_no_update", "audit_no_delete"];

/** The database files the campaign's host runs on and their copies, in `dir` (the campaign removes it). */
export function sqliteDatabases(dir: string): TamperDatabases {
  return {
    label: "SQLite file",
    async create() {
      return join(dir, "host.db");
    },
    async copy(location, name) {
      const to = join(dir, `${name}.db`);
      copyFileSync(location, to);
      // A WAL left behind holds committed pages the main file does not have yet.
      if (existsSync(`${location}-wal`)) copyFileSync(`${location}-wal`, `${to}-wal`);
      return to;
    },
    async tamper(location, edit) {
      const db = new Database(location);
      try {
        for (const name of SQLITE_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
        const editor: SqlEditor = {
          async run(sql, params = []) {
            db.prepare(sql).run(...params);
          },
        };
        await edit(editor);
      } finally {
        db.close();
      }
    },
    async discard() {
      // The files live in the campaign's directory, removed with it.
    },
  };
}
