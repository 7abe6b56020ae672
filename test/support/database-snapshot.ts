import Database from "better-sqlite3";

/** Every row of every table but `except`, to prove that a refused request or command wrote nothing. */
export function snapshotDatabase(dbPath: string, except: ReadonlySet<string> = new Set()): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const dump: Record<string, unknown[]> = {};
    for (const table of tables.filter((name) => !except.has(name))) dump[table] = db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all();
    return JSON.stringify(dump);
  } finally {
    db.close();
  }
}
