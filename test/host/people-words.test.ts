/** Reason codes and alert kinds in words; stamp labels unique within a merchant, also on an older database. */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ALERT_SENTENCES, REASON_SENTENCES } from "../../host/core/reason-sentences";
import { SqliteStore } from "../../host/store/sqlite-store";
import { toHex } from "../../shared/hex";
import { Reason, REASON_NAMES } from "../../shared/reason-codes";
import { TestStamp } from "../support/test-world";

const work = mkdtempSync(join(tmpdir(), "stamp-words-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("every reason code and alert kind has a sentence a shop owner understands", () => {
  it("has one sentence per reason name, and no other", () => {
    expect(Object.keys(REASON_SENTENCES).sort()).toEqual([...REASON_NAMES].sort());
    expect(Object.keys(REASON_SENTENCES).sort()).toEqual(Object.keys(Reason).sort());
  });

  it("has one sentence per alert kind", () => {
    expect(Object.keys(ALERT_SENTENCES).sort()).toEqual(["CLONE_PROVEN", "FORGED_REGISTRATION", "FORGED_SIGNATURE", "IMPOSSIBLE_TRAVEL", "LATE_COUNTER", "POSSIBLE_RELAY", "QUARANTINED_STAMP_USED", "REVOKED_STAMP_USED", "STAMP_OUTSIDE_SHOP"]);
  });

  it.each([...Object.entries(REASON_SENTENCES), ...Object.entries(ALERT_SENTENCES)])("%s is in plain words", (code, sentence) => {
    expect(sentence.length).toBeGreaterThan(20);
    // No codes, ids or jargon: lower-case words a person reads aloud.
    expect(sentence).not.toMatch(/[A-Z]{2,}|_|\d{3,}/);
    expect(sentence).not.toMatch(/nonce|signature|verifier|quarantin|challenge|ledger/i);
    expect(sentence).toBe(sentence.trim());
    expect(sentence.toLowerCase()).not.toContain(code.toLowerCase());
  });

  it("says a copied stamp is blocked until the owner checks it", () => {
    expect(REASON_SENTENCES.COUNTER_FORK).toBe("this stamp has been copied: two stamps signed the same number; it is blocked until the owner checks it");
  });
});

function oldDatabaseWithTwins(path: string): { a: TestStamp; b: TestStamp } {
  const store = new SqliteStore(path);
  void store.close();
  const raw = new Database(path);
  raw.exec("DROP INDEX stamps_live_label_by_merchant");
  raw.prepare("INSERT INTO merchants VALUES ('bean-bros', 'Bean Bros')").run();
  const a = new TestStamp();
  const b = new TestStamp();
  const insert = raw.prepare("INSERT INTO stamps (id, public_key, label, merchant_id, status, last_counter, registered_at) VALUES (?, ?, 's1', 'bean-bros', 'active', 0, 1)");
  insert.run(a.id, Buffer.from(toHex(a.publicKey), "hex"));
  insert.run(b.id, Buffer.from(toHex(b.publicKey), "hex"));
  raw.close();
  return { a, b };
}

describe("stamp labels are unique within a merchant in the database", () => {
  it("has a unique index on (merchant, label) among stamps not revoked, in a new database", () => {
    const path = join(work, "new.db");
    void new SqliteStore(path).close();
    const raw = new Database(path, { readonly: true });
    const index = raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'stamps_live_label_by_merchant'").pluck().get();
    raw.close();
    expect(index).toMatch(/CREATE UNIQUE INDEX .* ON stamps \(merchant_id, label\) WHERE status <> 'revoked'/);
  });

  it("still opens a database made before the rule that holds two stamps with one label, and finds both by that label", async () => {
    const path = join(work, "twins.db");
    const { a, b } = oldDatabaseWithTwins(path);
    const store = new SqliteStore(path);
    try {
      expect((await store.listStamps("bean-bros", { limit: 10, label: "s1" })).map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
      expect(await store.listStamps("bean-bros", { limit: 10, label: "s2" })).toEqual([]);
      expect(await store.listStamps("other", { limit: 10, label: "s1" })).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
