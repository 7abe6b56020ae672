/**
 * The store a --db value names: a postgres:// or postgresql:// URL is a PostgreSQL database
 * (shared by any number of host processes and machines), anything else the path of an SQLite
 * file (the embedded default).
 */
import { resolve } from "node:path";
import type { Store } from "./store";

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A URL as given; a path made absolute (relative to the working directory). */
export function storeLocation(value: string): string {
  return isPostgresUrl(value) ? value : resolve(value);
}

/** The location fit to print or log: a URL's password is replaced by "***". */
export function describeStoreLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const url = new URL(location);
    if (url.password !== "") url.password = "***";
    return url.toString();
  } catch {
    return "a PostgreSQL database (unreadable URL)";
  }
}

/**
 * Opens the store; a PostgreSQL database gets its tables made on first use, as an SQLite file
 * does. Each adapter is loaded only when used: a command on SQLite never loads pg, nor the reverse.
 */
export async function openStore(location: string): Promise<Store> {
  if (isPostgresUrl(location)) return (await import("./postgres-store")).PostgresStore.open(location);
  return new (await import("./sqlite-store")).SqliteStore(location);
}
