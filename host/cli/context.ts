import { Command } from "commander";
import { resolve } from "node:path";
import { FieldNames, InProcessApi } from "./api";
import { CliIo } from "./io";
import { LazyStore } from "./lazy-store";

/** What every command needs besides its arguments. */
export interface CliContext {
  io: CliIo;
  /** Stops a running `stamp serve` (tests); SIGINT and SIGTERM always do. */
  stop?: AbortSignal;
}

export const DEFAULT_DB = "./stamp.db";

/** The database path from the global --db option (or STAMP_DB, or the default). */
export function dbPath(command: Command): string {
  const db: unknown = command.optsWithGlobals().db;
  return typeof db === "string" ? db : DEFAULT_DB;
}

/** Whether --db was given (on the command line or through STAMP_DB) rather than defaulted. */
export function dbChosen(command: Command): boolean {
  const source = command.getOptionValueSourceWithGlobals("db");
  return source !== undefined && source !== "default";
}

/** Runs one command's requests against the database, and always closes it. */
export async function withApi<T>(context: CliContext, command: Command, work: (api: InProcessApi) => Promise<T>, readOnly = false): Promise<T> {
  const store = new LazyStore(resolve(dbPath(command)));
  if (readOnly && !store.exists) context.io.err(`note: there is no database at ${store.path} yet\n`);
  const api = new InProcessApi(store);
  try {
    return await work(api);
  } finally {
    await api.close();
  }
}

export type { FieldNames };

/** Prints data as JSON (--json) or as the given readable text. */
export function print(context: CliContext, json: boolean | undefined, data: unknown, text: () => string): void {
  context.io.out(json === true ? JSON.stringify(data, null, 2) + "\n" : text());
}
