/** A database made before columns existed opens, keeps its rows, and gains the columns. */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../host/store/sqlite-store";
import { toHex } from "../../shared/hex";
import { TestStamp } from "../support/test-world";

const work = mkdtempSync(join(tmpdir(), "stamp-columns-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function columns(path: string, table: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe("SQLite store: columns added after a database was made", () => {
  it("opens an old database, keeps its stamps, verifiers and alerts, and adds the new columns with their defaults", async () => {
    const path = join(work, "old.db");
    const old = new Database(path);
    old.exec(`
      CREATE TABLE merchants (id TEXT PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE shops (id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL REFERENCES merchants(id), name TEXT NOT NULL);
      CREATE TABLE verifiers (id TEXT PRIMARY KEY, shop_id TEXT NOT NULL REFERENCES shops(id), label TEXT NOT NULL, require_presence INTEGER NOT NULL);
      CREATE TABLE stamps (
        id TEXT PRIMARY KEY, public_key BLOB NOT NULL UNIQUE, label TEXT NOT NULL,
        merchant_id TEXT NOT NULL REFERENCES merchants(id),
        status TEXT NOT NULL CHECK (status IN ('active', 'quarantined', 'revoked')),
        last_counter INTEGER NOT NULL, registered_at INTEGER NOT NULL);
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL,
        stamp_id TEXT NOT NULL, verifier_id TEXT NOT NULL, shop_id TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL);`);
    const before = new TestStamp();
    old.prepare("INSERT INTO merchants VALUES ('bean-bros', 'Bean Brothers')").run();
    old.prepare("INSERT INTO shops VALUES ('gangnam', 'bean-bros', 'Gangnam')").run();
    old.prepare("INSERT INTO verifiers VALUES ('1000000000000001', 'gangnam', 'front', 1)").run();
    old.prepare("INSERT INTO stamps VALUES (?, ?, 'old one', 'bean-bros', 'active', 7, 1000)").run(before.id, Buffer.from(toHex(before.publicKey), "hex"));
    old.prepare("INSERT INTO alerts (at, kind, stamp_id, verifier_id, shop_id, reason, detail) VALUES (1, 'FORGED_SIGNATURE', ?, 'v', 'gangnam', 'BAD_SIGNATURE', 'x')").run(before.id);
    old.close();

    const store = new SqliteStore(path);
    try {
      expect(await store.getStamp(before.id)).toMatchObject({ id: before.id, label: "old one", lastCounter: 7, firmwareHash: undefined });
      expect(await store.getVerifier("1000000000000001")).toMatchObject({ purpose: 1, quantity: 1, requirePresence: true });
      expect(await store.getShop("gangnam")).toEqual({ id: "gangnam", merchantId: "bean-bros", name: "Gangnam" });
      expect(await store.lastAcceptedTap(before.id)).toBeUndefined();
    } finally {
      await store.close();
    }
    expect(columns(path, "stamps")).toContain("firmware_hash");
    expect(columns(path, "verifiers")).toEqual(expect.arrayContaining(["purpose", "quantity"]));
    expect(columns(path, "alerts")).toContain("merchant_id");
    // The travel rule's shop location: an old shop has none, and reads as it did.
    expect(columns(path, "shops")).toEqual(expect.arrayContaining(["latitude", "longitude"]));
    // Opening it again finds the columns there and changes nothing.
    const again = new SqliteStore(path);
    expect((await again.listStamps("bean-bros", { limit: 10 })).length).toBe(1);
    await again.close();
  });
});
