import Database from "better-sqlite3";

/** Statements prepared once per text on one connection: preparing costs more than most of them take to run. */
export class SqliteStatements {
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  get(text: string): Database.Statement {
    let statement = this.prepared.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.prepared.set(text, statement);
    }
    return statement;
  }
}
