/**
 * Where the ledger-tampering campaign keeps the database its host runs on, and how it copies and
 * edits it as an attacker with direct access to the database would: an SQLite file
 * (sqlite-databases.ts) or a PostgreSQL database (postgres-databases.ts). The tampers are written
 * once, as SQL with `?` parameters, and run on either.
 */

/** One statement at a time on a database, past the store: what an attacker with the database in hand can do. */
export interface SqlEditor {
  run(sql: string, params?: readonly unknown[]): Promise<void>;
}

export interface TamperDatabases {
  /** For the report: "SQLite file", "PostgreSQL". */
  label: string;
  /** A fresh database for the campaign's host: its `--db` location (a file's path or a database URL). */
  create(): Promise<string>;
  /** A copy of a database nobody has open (its host stopped), under a name of its own: the copy's location. */
  copy(location: string, name: string): Promise<string>;
  /**
   * Edits a database as an attacker would: the append-only triggers dropped first (they are only
   * the database's own objects, which whoever holds the database can drop), then `edit`.
   */
  tamper(location: string, edit: (sql: SqlEditor) => Promise<void>): Promise<void>;
  /** Removes every database it made. */
  discard(): Promise<void>;
}
