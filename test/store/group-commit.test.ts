/**
 * Group commit: taps committed at the same time share one transaction on SQLite (one disk sync),
 * each inside its own savepoint. The rules hold inside a batch as between transactions: every
 * tap commits or gets its own outcome, a challenge is spent once even when both answers to it
 * are in one batch, the ledger's hash chain stays gapless; and when the shared transaction fails,
 * every tap of it is refused and nothing of any of them is written. (a) and (b) are the store
 * contract and run on each store; (c) injects a failing COMMIT on each store in its own way.
 * PostgreSQL batches the taps (commitTap) only: its other writes are one transaction each.
 */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { IssuedChallenge, NewAuditEntry, StampRecord } from "../../host/core/model";
import { auditEntryHash } from "../../host/ledger/audit-chain";
import { GENESIS } from "../../host/ledger/chain-hash";
import { ledgerEventHashV2 } from "../../host/ledger/ledger-event-hash";
import { Store, TapCommit } from "../../host/store/store";
import { toHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { createTestDatabase, describeEachStore, StoreKind, TestDatabase } from "../support/test-stores";

const T0 = 1_746_000_000_000;
const VERIFIER = "1000000000000001";

function audit(at: number, action: string, subject: string): NewAuditEntry {
  return { at: at, actor: "test", merchantId: "m1", action: action, subject: subject, detail: JSON.stringify({ subject: subject }) };
}

function stampRecord(n: number): StampRecord {
  const publicKey = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? n : (i * 37) & 0xff));
  return {
    id: toHex(publicKey.subarray(0, 8)),
    publicKey: publicKey,
    label: `stamp ${n}`,
    merchantId: "m1",
    shopIds: ["s1"],
    verifierIds: [VERIFIER],
    status: "active",
    lastCounter: 0,
    registeredAt: T0,
    firmwareHash: undefined,
  };
}

function challenge(nonce: string): IssuedChallenge {
  return { nonce: nonce, verifierId: VERIFIER, issuedAt: Math.floor(T0 / 1000), expiresAt: T0 + 30_000, purpose: Purpose.REDEEM, quantity: 1, usedAt: undefined, cardId: "", voucherId: undefined, receipt: undefined, stationId: "station-1" };
}

/** What an accepted station tap writes (as in store-conformance.test.ts). */
function acceptedTap(stamp: StampRecord, nonce: string, counter: number, at: number): TapCommit {
  const response = toHex(Uint8Array.from({ length: 94 }, (_, i) => (i + counter + stamp.publicKey[0]) & 0xff));
  const issuedAt = Math.floor(T0 / 1000);
  return {
    challenge: { nonce: nonce, verifierId: VERIFIER },
    now: at,
    signed: { stampId: stamp.id, counter: counter, nonce: nonce, verifierId: VERIFIER, challengeIssuedAt: issuedAt, purpose: Purpose.REDEEM, quantity: 1, response: response, at: at },
    raiseCounterTo: counter,
    ledger: { stampId: stamp.id, counter: counter, verifierId: VERIFIER, shopId: "s1", merchantId: "m1", purpose: Purpose.REDEEM, quantity: 1, nonce: nonce, challengeIssuedAt: issuedAt, acceptedAt: at, response: response, transport: "station", origin: "", cardId: "", receipt: undefined },
    quarantine: false,
    alert: undefined,
    audit: [],
    clock: undefined,
    card: undefined,
  };
}

function nonce(i: number): string {
  return i.toString(16).padStart(32, "0");
}

/** Merchant m1, shop s1, verifier VERIFIER, the stamps, and a challenge open for each of `challenges`. */
async function registry(store: Store, stamps: StampRecord[], challenges: number): Promise<void> {
  await store.addMerchant({ id: "m1", name: "Merchant One" }, audit(T0, "merchant.create", "m1"));
  await store.addShop({ id: "s1", merchantId: "m1", name: "Shop One" }, audit(T0, "shop.create", "s1"));
  await store.addVerifier({ id: VERIFIER, shopId: "s1", label: "front", requirePresence: false, purpose: Purpose.REDEEM, quantity: 1 }, audit(T0, "verifier.create", VERIFIER));
  for (const [i, stamp] of stamps.entries()) {
    const proof = "p" + String(i).padStart(63, "0");
    await store.saveProvisioningChallenge(proof, "flasher", T0 + 120_000);
    expect(await store.addStamp(stamp, proof, audit(T0, "stamp.register", stamp.id))).toBe("added");
  }
  for (let i = 1; i <= challenges; i++) expect(await store.saveChallenge(challenge(nonce(i)), 1_000, T0)).toBe("saved");
}

/** The ledger read back: gapless, each event linked to the one before and hashed right. */
async function ledgerIntact(store: Store): Promise<boolean> {
  const events = await store.readLedger(1, 1_000_000);
  return events.every((event, i) => event.sequence === i + 1 && event.previousHash === (i === 0 ? GENESIS : events[i - 1].hash) && event.hash === ledgerEventHashV2({ ...event }));
}

/** The audit chain read back: gapless, each entry linked to the one before and hashed right. */
async function auditIntact(store: Store): Promise<boolean> {
  const entries = await store.readAudit(1, 1_000_000);
  return entries.every((entry, i) => entry.sequence === i + 1 && entry.previousHash === (i === 0 ? GENESIS : entries[i - 1].hash) && entry.hash === auditEntryHash(entry));
}

/** A challenge of `station`, open until `expiresAt`. */
function stationChallenge(n: number, station: string, expiresAt: number): IssuedChallenge {
  return { ...challenge(nonce(n)), stationId: station, expiresAt: expiresAt };
}

async function withStore<T>(database: TestDatabase, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await database.open();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * On PostgreSQL, how many transactions wrote ledger events: a test trigger notes the top-level
 * transaction id of each insert (txid_current() inside a savepoint is still its transaction's).
 */
async function countLedgerTransactions<T>(database: TestDatabase, work: () => Promise<T>): Promise<{ result: T; commits: number }> {
  await database.execute("CREATE TABLE IF NOT EXISTS test_ledger_xacts (xid BIGINT NOT NULL)");
  await database.execute("CREATE OR REPLACE FUNCTION test_note_xact() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO test_ledger_xacts VALUES (txid_current()); RETURN NULL; END $$");
  await database.execute("CREATE OR REPLACE TRIGGER test_note_xact AFTER INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION test_note_xact()");
  await database.execute("DELETE FROM test_ledger_xacts");
  const result = await work();
  return { result: result, commits: Number(await database.value("SELECT COUNT(DISTINCT xid) FROM test_ledger_xacts")) };
}

/** Counts the transactions the taps took while `work` runs: the COMMITs better-sqlite3 runs, or PostgreSQL's ledger transactions. */
async function countCommits<T>(kind: StoreKind, work: () => Promise<T>, database?: TestDatabase): Promise<{ result: T; commits: number | undefined }> {
  if (kind === "postgres" && database !== undefined) return countLedgerTransactions(database, work);
  if (kind !== "sqlite") return { result: await work(), commits: undefined };
  const scratch = new Database(":memory:");
  const statementPrototype = Object.getPrototypeOf(scratch.prepare("SELECT 1")) as { run: (...args: unknown[]) => unknown };
  scratch.close();
  const run = statementPrototype.run;
  let commits = 0;
  const spy = vi.spyOn(statementPrototype, "run").mockImplementation(function (this: { source: string }, ...args: unknown[]) {
    if (this.source === "COMMIT") commits++;
    return run.apply(this, args);
  });
  try {
    return { result: await work(), commits: commits };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describeEachStore("group commit", (kind) => {
  it("(a) commits 32 concurrent taps of 32 stamps, all of them, with the ledger's chain intact", async () => {
    const database = await createTestDatabase(kind);
    await withStore(database, async (store) => {
      const stamps = Array.from({ length: 32 }, (_, i) => stampRecord(i + 1));
      await registry(store, stamps, 32);
      const { result: outcomes, commits } = await countCommits(kind, () => Promise.all(stamps.map((stamp, i) => store.commitTap(acceptedTap(stamp, nonce(i + 1), 1, T0 + 100 + i)))), database);
      expect(outcomes).toEqual(Array(32).fill("committed"));
      // The 32 taps, asked for in one turn of the event loop, took one transaction (one WAL flush,
      // one take of the ledger's append lock on PostgreSQL).
      expect(commits).toBe(1);
      const events = await store.readLedger(1, 100);
      expect(events.map((event) => event.nonce).sort()).toEqual(stamps.map((_, i) => nonce(i + 1)).sort());
      expect(await ledgerIntact(store)).toBe(true);
      for (const stamp of stamps) expect((await store.getStamp(stamp.id))?.lastCounter).toBe(1);
      expect(await database.value("SELECT COUNT(*) FROM challenges WHERE used_at IS NULL")).toBe(0);
    });
  });

  it("(b) spends a challenge once when both answers to it are in one batch: one committed, one challenge-used", async () => {
    const database = await createTestDatabase(kind);
    await withStore(database, async (store) => {
      const [stamp, other] = [stampRecord(1), stampRecord(2)];
      await registry(store, [stamp, other], 2);
      const { result: outcomes, commits } = await countCommits(kind, () =>
        Promise.all([
          store.commitTap(acceptedTap(stamp, nonce(1), 1, T0 + 100)),
          store.commitTap(acceptedTap(other, nonce(2), 1, T0 + 101)),
          store.commitTap(acceptedTap(stamp, nonce(1), 2, T0 + 102)),
        ]),
        database,
      );
      expect(commits).toBe(1);
      expect(outcomes).toEqual(["committed", "committed", "challenge-used"]);
      // The refused tap's savepoint was rolled back alone: no evidence, no counter, no event of it.
      expect((await store.getStamp(stamp.id))?.lastCounter).toBe(1);
      expect(await store.findSignedCounters(stamp.id, 2)).toEqual([]);
      expect((await store.readLedger(1, 100)).map((event) => [event.stampId, event.counter])).toEqual([
        [stamp.id, 1],
        [other.id, 1],
      ]);
      expect(await ledgerIntact(store)).toBe(true);
    });
  });

  it("retires and purges challenges the same way whatever the mix of expired, used and live ones (PostgreSQL: one DELETE for both)", async () => {
    const database = await createTestDatabase(kind);
    await withStore(database, async (store) => {
      await registry(store, [], 0);
      const open = async (): Promise<string[]> => (await Promise.all(Array.from({ length: 40 }, (_, i) => store.getChallenge(nonce(i + 1))))).flatMap((c, i) => (c === undefined ? [] : [nonce(i + 1)]));
      const use = (n: number) => database.execute(`UPDATE challenges SET used_at = ${T0} WHERE nonce = '${nonce(n)}'`);
      const outcomes: string[] = [];
      const save = async (n: number, station: string, expiresAt: number, maxOpen: number, now: number) => outcomes.push(`${n}:${await store.saveChallenge(stationChallenge(n, station, expiresAt), maxOpen, now)}`);
      // Four that will expire: three of station-1 (one then used), one of station-2.
      await save(1, "station-1", T0 + 1_000, 3, T0);
      await save(2, "station-1", T0 + 2_000, 3, T0);
      await save(3, "station-1", T0 + 3_000, 3, T0);
      await save(4, "station-2", T0 + 1_500, 3, T0);
      await use(2);
      // All expired: purged, none of them counted as retired (station-1 has no live one).
      await save(5, "station-1", T0 + 40_000, 3, T0 + 10_000);
      expect(await open()).toEqual([nonce(5)]);
      await save(6, "station-1", T0 + 41_000, 3, T0 + 10_000);
      await save(7, "station-1", T0 + 42_000, 3, T0 + 10_000);
      await save(8, "station-2", T0 + 42_100, 3, T0 + 10_000);
      // station-1 at its share of 3: its oldest live one (5) retired; station-2's untouched.
      await save(9, "station-1", T0 + 43_000, 3, T0 + 10_000);
      expect(await open()).toEqual([nonce(6), nonce(7), nonce(8), nonce(9)]);
      // One used by a tap: it is no longer open, so there is room, and it is kept.
      await use(6);
      await save(10, "station-1", T0 + 44_000, 3, T0 + 10_000);
      expect(await open()).toEqual([nonce(6), nonce(7), nonce(8), nonce(9), nonce(10)]);
      // Expired (6 used, 7 open, 8 of station-2) and live (9, 10) mixed, share 2: the expired
      // purged, and of the live the oldest (9) retired, as if the expired had gone first.
      await save(11, "station-1", T0 + 80_000, 2, T0 + 42_500);
      expect(await open()).toEqual([nonce(10), nonce(11)]);
      // Several expired past the share, no live one past it: purged, not "retired".
      await save(12, "station-1", T0 + 42_600, 3, T0 + 42_500);
      await save(13, "station-1", T0 + 42_700, 3, T0 + 42_500);
      // (13 made 12 the oldest past the share of 3; now 10 and 13 are expired, 11 live.)
      await save(14, "station-1", T0 + 90_000, 2, T0 + 50_000);
      expect(await open()).toEqual([nonce(11), nonce(14)]);
      expect(outcomes).toEqual([
        "1:saved",
        "2:saved",
        "3:saved",
        "4:saved",
        "5:saved",
        "6:saved",
        "7:saved",
        "8:saved",
        "9:oldest-retired",
        "10:saved",
        "11:oldest-retired",
        "12:saved",
        "13:oldest-retired",
        "14:saved",
      ]);
    });
  });

  // PostgreSQL's own ways to fail a batch: a deferred constraint at COMMIT, a trigger refusing one tap.
  if (kind === "postgres") {
    it("(c) refuses every tap of the batch and writes nothing of any of them; the taps retried then commit", async () => {
      const database = await createTestDatabase("postgres");
      await withStore(database, async (store) => {
        const stamps = Array.from({ length: 4 }, (_, i) => stampRecord(i + 1));
        await registry(store, stamps, 4);
        // A poisoned tap: a deferred constraint trigger, which PostgreSQL runs only at COMMIT
        // (releasing a savepoint does not): the batch's COMMIT fails.
        await database.execute(`CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'poisoned by the test'; END $$`);
        await database.execute(`CREATE CONSTRAINT TRIGGER test_poison AFTER INSERT ON ledger DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.nonce = '${nonce(4)}') EXECUTE FUNCTION test_poison()`);
        const before = await database.dump();

        const taps = stamps.map((stamp, i) => acceptedTap(stamp, nonce(i + 1), 1, T0 + 100 + i));
        const settled = await Promise.allSettled(taps.map((tap) => store.commitTap(tap)));
        expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
        expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/poisoned by the test/);
        expect(await database.dump()).toBe(before);

        // The pool's connections are usable again and nothing was half spent: the three good taps, retried, commit.
        expect(await Promise.all(taps.slice(0, 3).map((tap) => store.commitTap(tap)))).toEqual(["committed", "committed", "committed"]);
        expect(await ledgerIntact(store)).toBe(true);
        expect((await store.readLedger(1, 100)).map((event) => event.nonce)).toEqual([nonce(1), nonce(2), nonce(3)]);
      });
    });

    it("keeps both chains intact when taps that appended fail and are rolled back to their savepoints, in one batch and alone", async () => {
      const database = await createTestDatabase("postgres");
      await withStore(database, async (store) => {
        const stamps = Array.from({ length: 5 }, (_, i) => stampRecord(i + 1));
        await registry(store, stamps, 7);
        // An audit entry with the subject "refuse" is refused by the database, after the tap's
        // ledger event (and its audit entries before it) were appended: the tap fails after appending.
        await database.execute(`CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
        await database.execute(`CREATE TRIGGER test_refuse BEFORE INSERT ON audit FOR EACH ROW WHEN (NEW.subject = 'refuse') EXECUTE FUNCTION test_refuse()`);
        const auditBefore = (await store.readAudit(1, 1000)).length;
        const tap = (i: number, subjects: string[], counter = 1) => ({
          ...acceptedTap(stamps[i % 5], nonce(i + 1), counter, T0 + 100 + i),
          audit: subjects.map((subject) => audit(T0 + 100 + i, "tap.test", subject)),
        });
        const { result: settled, commits } = await countCommits(
          "postgres",
          () =>
            Promise.allSettled([
              // First of the batch: a ledger event and an audit entry appended, then refused.
              store.commitTap(tap(0, ["a0", "refuse"])),
              store.commitTap(tap(1, ["a1"])),
              // Ledger appended, then refused; twice in a row.
              store.commitTap(tap(2, ["refuse"])),
              store.commitTap(tap(3, ["a3", "refuse"])),
              // Two entries, the first linked to the head a1 left (this transaction's own append).
              store.commitTap(tap(4, ["a4a", "a4b"])),
            ]),
          database,
        );
        expect(commits).toBe(1);
        expect(settled.map((s) => s.status)).toEqual(["rejected", "fulfilled", "rejected", "rejected", "fulfilled"]);
        expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/refused by the test/);
        expect((await store.readLedger(1, 100)).map((event) => event.nonce)).toEqual([nonce(2), nonce(5)]);
        expect((await store.readAudit(1, 1000)).slice(auditBefore).map((entry) => entry.subject)).toEqual(["a1", "a4a", "a4b"]);
        expect(await ledgerIntact(store)).toBe(true);
        expect(await auditIntact(store)).toBe(true);
        for (const i of [0, 2, 3]) expect(await database.value("SELECT used_at FROM challenges WHERE nonce = ?", nonce(i + 1))).toBeNull();

        // Alone in its batch (no savepoint): the tap that appended and failed is rolled back with
        // its whole transaction, and the next tap, alone too, continues the chains.
        await expect(store.commitTap(tap(5, ["a5", "refuse"]))).rejects.toThrow(/refused by the test/);
        expect(await store.commitTap(tap(0, ["a0"]))).toBe("committed");
        expect(await store.commitTap(tap(6, [], 2))).toBe("committed");
        expect((await store.readLedger(1, 100)).map((event) => event.nonce)).toEqual([nonce(2), nonce(5), nonce(1), nonce(7)]);
        expect((await store.readAudit(1, 1000)).slice(auditBefore).map((entry) => entry.subject)).toEqual(["a1", "a4a", "a4b", "a0"]);
        expect(await database.value("SELECT used_at FROM challenges WHERE nonce = ?", nonce(6))).toBeNull();
        expect(await ledgerIntact(store)).toBe(true);
        expect(await auditIntact(store)).toBe(true);
        // A tap's own outcome when alone, found after it spent its challenge and kept its
        // signature: rolled back whole, so the challenge is still open.
        expect(await store.commitTap({ ...tap(5, []), signed: { ...tap(5, []).signed, stampId: stamps[0].id }, raiseCounterTo: 1 })).toBe("counter-moved");
        expect(await database.value("SELECT used_at FROM challenges WHERE nonce = ?", nonce(6))).toBeNull();
        expect(await store.findSignedCounters(stamps[0].id, 1)).toHaveLength(1);
        expect(await store.commitTap(tap(6, [], 3))).toBe("challenge-used");
        expect((await store.readLedger(1, 100)).length).toBe(4);
        expect(await ledgerIntact(store)).toBe(true);
      });
    });

    it("rolls back alone a tap that fails on its own, and commits the others of its batch", async () => {
      const database = await createTestDatabase("postgres");
      await withStore(database, async (store) => {
        const stamps = Array.from({ length: 3 }, (_, i) => stampRecord(i + 1));
        await registry(store, stamps, 3);
        await database.execute(`CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
        await database.execute(`CREATE TRIGGER test_refuse BEFORE INSERT ON ledger FOR EACH ROW WHEN (NEW.nonce = '${nonce(2)}') EXECUTE FUNCTION test_refuse()`);
        const settled = await Promise.allSettled(stamps.map((stamp, i) => store.commitTap(acceptedTap(stamp, nonce(i + 1), 1, T0 + 100 + i))));
        expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
        expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/refused by the test/);
        expect(await database.value("SELECT used_at FROM challenges WHERE nonce = ?", nonce(2))).toBeNull();
        expect((await store.getStamp(stamps[1].id))?.lastCounter).toBe(0);
        expect((await store.readLedger(1, 100)).map((event) => event.nonce)).toEqual([nonce(1), nonce(3)]);
        expect(await ledgerIntact(store)).toBe(true);
      });
    });
  }
});

describe("group commit on SQLite, when the shared transaction fails", () => {
  it("(c) refuses every tap of the batch and writes nothing of any of them; the taps retried then commit", async () => {
    const database = await createTestDatabase("sqlite");
    await withStore(database, async (store) => {
      const stamps = Array.from({ length: 4 }, (_, i) => stampRecord(i + 1));
      await registry(store, stamps, 4);
      // A poisoned tap: its ledger insert leaves a row that breaks a deferred foreign key, which
      // SQLite checks only at COMMIT (releasing a savepoint does not): the batch's COMMIT fails.
      await database.execute("CREATE TABLE poison (merchant_id TEXT REFERENCES merchants (id) DEFERRABLE INITIALLY DEFERRED)");
      await database.execute(`CREATE TRIGGER poison_tap AFTER INSERT ON ledger WHEN NEW.nonce = '${nonce(4)}' BEGIN INSERT INTO poison VALUES ('no such merchant'); END`);
      const before = await database.dump();

      const taps = stamps.map((stamp, i) => acceptedTap(stamp, nonce(i + 1), 1, T0 + 100 + i));
      const { result: settled, commits } = await countCommits("sqlite", () => Promise.allSettled(taps.map((tap) => store.commitTap(tap))));
      expect(commits).toBe(1);
      expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
      expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
      expect(await database.dump()).toBe(before);
      expect(await store.chainHeads()).toMatchObject({ ledger: { count: 0, headHash: GENESIS } });

      // The connection is usable again and nothing was half spent: the three good taps, retried, commit.
      expect(await Promise.all(taps.slice(0, 3).map((tap) => store.commitTap(tap)))).toEqual(["committed", "committed", "committed"]);
      expect(await ledgerIntact(store)).toBe(true);
      expect((await store.readLedger(1, 100)).map((event) => event.nonce)).toEqual([nonce(1), nonce(2), nonce(3)]);
    });
  });

  it("rolls back alone a tap that throws an error of its own, and commits the others of its batch", async () => {
    const database = await createTestDatabase("sqlite");
    await withStore(database, async (store) => {
      const stamps = Array.from({ length: 3 }, (_, i) => stampRecord(i + 1));
      await registry(store, stamps, 3);
      await database.execute(`CREATE TRIGGER refuse_tap BEFORE INSERT ON ledger WHEN NEW.nonce = '${nonce(2)}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
      const settled = await Promise.allSettled(stamps.map((stamp, i) => store.commitTap(acceptedTap(stamp, nonce(i + 1), 1, T0 + 100 + i))));
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/refused by the test/);
      // Nothing of the refused tap: its challenge still open, its counter unmoved.
      expect(await database.value("SELECT used_at FROM challenges WHERE nonce = ?", nonce(2))).toBeNull();
      expect((await store.getStamp(stamps[1].id))?.lastCounter).toBe(0);
      expect((await store.readLedger(1, 100)).map((event) => event.nonce)).toEqual([nonce(1), nonce(3)]);
      expect(await ledgerIntact(store)).toBe(true);
    });
  });
});
