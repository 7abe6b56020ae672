/**
 * A database made before phone taps opens with this program: its ledger gains transport, origin
 * and card with the defaults of a station tap, its events keep their hashes, and the tables of
 * holders, workers, passkeys and loyalty programs appear. On PostgreSQL, store_schema goes from
 * version 1 to 2 once, and a database of a newer version than this program knows is refused.
 */
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { GENESIS } from "../../host/ledger/chain-hash";
import { ledgerEventHashV2 } from "../../host/ledger/ledger-event-hash";
import { POSTGRES_SCHEMA, POSTGRES_SCHEMA_VERSION } from "../../host/store/postgres-schema";
import { LedgerEvent } from "../../host/core/model";
import { Purpose } from "../../shared/protocol-constants";
import { createTestDatabase, describeEachStore, TestDatabase } from "../support/test-stores";

/** The ledger as an SQLite database made before issue 11 has it. */
const OLD_SQLITE_LEDGER = `
CREATE TABLE ledger (
  sequence INTEGER PRIMARY KEY, stamp_id TEXT NOT NULL, counter INTEGER NOT NULL,
  verifier_id TEXT NOT NULL, shop_id TEXT NOT NULL, merchant_id TEXT NOT NULL,
  purpose INTEGER NOT NULL, quantity INTEGER NOT NULL, nonce TEXT NOT NULL UNIQUE,
  challenge_issued_at INTEGER NOT NULL DEFAULT 0,
  accepted_at INTEGER NOT NULL, response TEXT NOT NULL, previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL, UNIQUE (stamp_id, counter));`;

/** A station tap written before phone taps existed, with the hash it was written with. */
function oldEvent(): LedgerEvent {
  const unhashed = {
    sequence: 1,
    stampId: "00112233445566aa",
    counter: 7,
    verifierId: "0102030405060708",
    shopId: "gangnam",
    merchantId: "bean-bros",
    purpose: Purpose.STAMP,
    quantity: 1,
    nonce: "ff".repeat(16),
    challengeIssuedAt: 1_735_689_600,
    acceptedAt: 1_735_689_601_234,
    response: "01" + "00".repeat(93),
    transport: "station" as const,
    origin: "",
    cardId: "",
    receipt: undefined,
    previousHash: GENESIS,
  };
  return { ...unhashed, hash: ledgerEventHashV2(unhashed) };
}

const OLD_ROW_COLUMNS = "sequence, stamp_id, counter, verifier_id, shop_id, merchant_id, purpose, quantity, nonce, challenge_issued_at, accepted_at, response, previous_hash, hash";

function oldRowValues(e: LedgerEvent): string {
  return [e.sequence, `'${e.stampId}'`, e.counter, `'${e.verifierId}'`, `'${e.shopId}'`, `'${e.merchantId}'`, e.purpose, e.quantity, `'${e.nonce}'`, e.challengeIssuedAt, e.acceptedAt, `'${e.response}'`, `'${e.previousHash}'`, `'${e.hash}'`].join(", ");
}

async function makeOldDatabase(database: TestDatabase, event: LedgerEvent): Promise<void> {
  if (database.kind === "sqlite") {
    const db = new Database(database.location);
    db.exec(OLD_SQLITE_LEDGER);
    db.exec(`INSERT INTO ledger (${OLD_ROW_COLUMNS}) VALUES (${oldRowValues(event)})`);
    db.close();
  } else {
    await database.execute(POSTGRES_SCHEMA);
    await database.execute(`INSERT INTO ledger (${OLD_ROW_COLUMNS}) VALUES (${oldRowValues(event)})`);
  }
}

describeEachStore("a database made before phone taps", (kind) => {
  it("gains the ledger's new columns with a station tap's defaults, keeps its events' hashes, and the phone tables", async () => {
    const database = await createTestDatabase(kind, { empty: true });
    const event = oldEvent();
    await makeOldDatabase(database, event);
    const store = await database.open();
    try {
      const [read] = await store.readLedger(1, 10);
      expect(read).toEqual(event);
      expect(ledgerEventHashV2(read)).toBe(event.hash);
      await store.addHolder("0".repeat(32), "a".repeat(64), 1);
      expect(await store.findHolder("a".repeat(64))).toBe("0".repeat(32));
      if (kind === "postgres") expect(await database.value("SELECT version FROM store_schema")).toBe(POSTGRES_SCHEMA_VERSION);
    } finally {
      await store.close();
    }
    // Opened again: nothing left to do, nothing changed.
    const before = await database.dump();
    await (await database.open()).close();
    expect(await database.dump()).toBe(before);
    // The database itself refuses a transport that does not exist.
    const bus = { ...event, sequence: 2, counter: 8, nonce: "fe".repeat(16) };
    await expect(database.execute(`INSERT INTO ledger (${OLD_ROW_COLUMNS}, transport) VALUES (${oldRowValues(bus)}, 'bus')`)).rejects.toThrow(/CHECK constraint|check constraint/);
    await database.execute(`INSERT INTO ledger (${OLD_ROW_COLUMNS}, transport) VALUES (${oldRowValues(bus)}, 'phone')`);
  });

  if (kind === "postgres") {
    it("is refused when its store schema is newer than this program's", async () => {
      const database = await createTestDatabase(kind);
      await database.execute(`UPDATE store_schema SET version = ${POSTGRES_SCHEMA_VERSION + 1}`);
      await expect(database.open()).rejects.toThrow(`the database's store schema is version ${POSTGRES_SCHEMA_VERSION + 1}; this program knows versions 1 to ${POSTGRES_SCHEMA_VERSION}`);
    });
  }
});
