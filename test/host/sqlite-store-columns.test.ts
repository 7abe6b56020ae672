/** A database made before the stamps table had its firmware_hash column opens, keeps its rows, and gains the column. */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { addShop, registerStamp } from "../../host/core/registry";
import { SqliteStore } from "../../host/store/sqlite-store";
import { toHex } from "../../shared/hex";
import { TestStamp } from "../support/test-world";

function newKey(): { id: string; publicKeyHex: string } {
  const stamp = new TestStamp();
  return { id: stamp.id, publicKeyHex: toHex(stamp.publicKey) };
}

const work = mkdtempSync(join(tmpdir(), "stamp-columns-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("SQLite store: columns added after a database was made", () => {
  it("opens a database without stamps.firmware_hash, reads its stamps as registered by hand, and records the hash of new ones", async () => {
    const path = join(work, "old.db");
    const old = new Database(path);
    old.exec(`
      CREATE TABLE merchants (id TEXT PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE stamps (
        id TEXT PRIMARY KEY, public_key BLOB NOT NULL UNIQUE, label TEXT NOT NULL,
        merchant_id TEXT NOT NULL REFERENCES merchants(id),
        status TEXT NOT NULL CHECK (status IN ('active', 'quarantined', 'revoked')),
        last_counter INTEGER NOT NULL, registered_at INTEGER NOT NULL);`);
    const before = newKey();
    old.prepare("INSERT INTO merchants VALUES ('bean-bros', 'Bean Brothers')").run();
    old.prepare("INSERT INTO stamps VALUES (?, ?, 'old one', 'bean-bros', 'active', 7, 1000)").run(before.id, Buffer.from(before.publicKeyHex, "hex"));
    old.close();

    const store = new SqliteStore(path);
    try {
      const kept = await store.getStamp(before.id);
      expect(kept).toMatchObject({ id: before.id, label: "old one", lastCounter: 7, firmwareHash: undefined });
      expect((await addShop(store, { id: "gangnam", merchantId: "bean-bros", name: "Gangnam" })).ok).toBe(true);
      const flashed = newKey();
      const hash = "ab".repeat(32);
      const registered = await registerStamp(store, { publicKeyHex: flashed.publicKeyHex, label: "flashed", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [], firmwareHash: hash }, 2000);
      expect(registered.ok).toBe(true);
      expect((await store.getStamp(flashed.id))?.firmwareHash).toBe(hash);
      const refused = await registerStamp(store, { publicKeyHex: newKey().publicKeyHex, label: "x", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [], firmwareHash: "AB" }, 2000);
      expect(refused.ok ? "registered" : refused.error.code).toBe("INVALID_INPUT");
    } finally {
      await store.close();
    }
    // Opening it again finds the column there and changes nothing.
    const again = new SqliteStore(path);
    expect((await again.listStamps()).length).toBe(2);
    await again.close();
  });
});
