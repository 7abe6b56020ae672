/**
 * The Store contract, the same scenarios on SQLite and on PostgreSQL: every field kept exactly,
 * pages in the same order, duplicates refused, single use and rising counters, both hash chains
 * gapless and checked, the database itself refusing to rewrite them, a busy database reported as
 * such, and the rules holding when two stores (the connections of two processes) race on one
 * database. On PostgreSQL, also: chains byte for byte the ones SQLite writes.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { checkLedgerEvidence, signChainHeads } from "../../host/core/ledger-evidence";
import { CredentialRecord, IssuedChallenge, NewAuditEntry, StampRecord } from "../../host/core/model";
import { revokeStamp } from "../../host/core/stamp-status";
import { GENESIS } from "../../host/ledger/chain-hash";
import { checkEvidence } from "../../host/ledger/evidence-check";
import { createHostKeyFile } from "../../host/ledger/host-key";
import { ledgerEventHashV2 } from "../../host/ledger/ledger-event-hash";
import { DuplicateError, Store, StoreBusyError, TapCommit } from "../../host/store/store";
import { toHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { createTestDatabase, describeEachStore, TestDatabase } from "../support/test-stores";
import { createTestWorld, must } from "../support/test-world";

/** A fixed clock: the same changes give the same chains on both stores. */
const T0 = 1_746_000_000_000;
const VERIFIER = "1000000000000001";
const CHALLENGE_TTL_MS = 30_000;

function audit(at: number, action: string, subject: string, merchantId: string | null = "m1"): NewAuditEntry {
  return { at: at, actor: "test", merchantId: merchantId, action: action, subject: subject, detail: JSON.stringify({ subject: subject, at: at }) };
}

function stampRecord(firstByte: number, label: string, lastCounter = 0): StampRecord {
  const publicKey = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? firstByte : (i * 37) & 0xff));
  publicKey[31] = 0xff;
  return {
    id: toHex(publicKey.subarray(0, 8)),
    publicKey: publicKey,
    label: label,
    merchantId: "m1",
    shopIds: ["s1", "s2"],
    verifierIds: [VERIFIER],
    status: "active",
    lastCounter: lastCounter,
    // The latest time a JavaScript Date holds: a 64-bit integer above 2^32.
    registeredAt: 8_640_000_000_000_000,
    firmwareHash: "f1".repeat(32),
  };
}

/** A merchant m1 with shops s1, s2, verifier VERIFIER at s1 and `stamps` registered, through the store alone. */
async function registry(store: Store, stamps: StampRecord[] = [stampRecord(0x00, "first")]): Promise<void> {
  await store.addMerchant({ id: "m1", name: "Merchant One" }, audit(T0, "merchant.create", "m1"));
  await store.addShop({ id: "s1", merchantId: "m1", name: "Shop One" }, audit(T0 + 1, "shop.create", "s1"));
  await store.addShop({ id: "s2", merchantId: "m1", name: "Shop Two" }, audit(T0 + 2, "shop.create", "s2"));
  await store.addVerifier({ id: VERIFIER, shopId: "s1", label: "front", requirePresence: true, purpose: Purpose.REDEEM, quantity: 7 }, audit(T0 + 3, "verifier.create", VERIFIER));
  for (const [i, stamp] of stamps.entries()) {
    const proofChallenge = String(i).repeat(64).slice(0, 64);
    await store.saveProvisioningChallenge(proofChallenge, "flasher", T0 + 120_000);
    expect(await store.addStamp(stamp, proofChallenge, audit(T0 + 10 + i, "stamp.register", stamp.id))).toBe("added");
  }
}

function challenge(nonce: string, issuedAt = T0): IssuedChallenge {
  return { nonce: nonce, verifierId: VERIFIER, issuedAt: Math.floor(issuedAt / 1000), expiresAt: issuedAt + CHALLENGE_TTL_MS, purpose: Purpose.REDEEM, quantity: 7, usedAt: undefined, cardId: "", voucherId: undefined, receipt: undefined, stationId: "station-1" };
}

/** What an accepted tap writes (the store does not check signatures: the core did). */
function acceptedTap(stamp: StampRecord, nonce: string, counter: number, at: number): TapCommit {
  const response = toHex(Uint8Array.from({ length: 94 }, (_, i) => (i + counter) & 0xff));
  const issuedAt = Math.floor(T0 / 1000);
  return {
    challenge: { nonce: nonce, verifierId: VERIFIER },
    now: at,
    signed: { stampId: stamp.id, counter: counter, nonce: nonce, verifierId: VERIFIER, challengeIssuedAt: issuedAt, purpose: Purpose.REDEEM, quantity: 7, response: response, at: at },
    raiseCounterTo: counter,
    ledger: { stampId: stamp.id, counter: counter, verifierId: VERIFIER, shopId: "s1", merchantId: "m1", purpose: Purpose.REDEEM, quantity: 7, nonce: nonce, challengeIssuedAt: issuedAt, acceptedAt: at, response: response, transport: "station", origin: "", cardId: "", receipt: undefined },
    quarantine: false,
    alert: undefined,
    audit: [],
    clock: undefined,
    card: undefined,
  };
}

function tokenCredential(id: string, role: CredentialRecord["role"], createdBy: string): CredentialRecord {
  return {
    id: id,
    role: role,
    merchantId: role === "operator" ? undefined : "m1",
    verifierId: undefined,
    label: "label " + id,
    secretHash: "ab".repeat(31) + id.slice(-2),
    publicKey: undefined,
    createdAt: T0,
    expiresAt: T0 + 90 * 86_400_000,
    revokedAt: undefined,
    createdBy: createdBy,
  };
}

/** Opens `database` and runs `work` with the store, closing it whatever happens. */
async function withStore<T>(database: TestDatabase, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await database.open();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Two stores on one database: the connections of two host processes. */
async function withTwoStores<T>(database: TestDatabase, work: (stores: [Store, Store]) => Promise<T>): Promise<T> {
  return withStore(database, (first) => withStore(database, (second) => work([first, second])));
}

/** The audit chain through the evidence check; the ledger's links and hashes (its fake responses carry no signature to check). */
async function chainCheck(store: Store): Promise<{ auditIntact: boolean; ledgerLinks: boolean[] }> {
  const report = await checkEvidence({ events: [], audit: await store.readAudit(1, 1_000_000), publicKeyOf: async () => undefined, checkpoints: [], hostPublicKey: undefined });
  const events = await store.readLedger(1, 1_000_000);
  const ledgerLinks = events.map(
    (event, i) => event.sequence === i + 1 && event.previousHash === (i === 0 ? GENESIS : events[i - 1].hash) && event.hash === ledgerEventHashV2({ ...event }),
  );
  return { auditIntact: report.intact && report.problems.length === 0, ledgerLinks: ledgerLinks };
}

describeEachStore("the store contract", (kind) => {
  it("makes its tables on first use, once, when several stores open a new database at the same time", async () => {
    const database = await createTestDatabase(kind, { empty: true });
    const stores = await Promise.all(Array.from({ length: 4 }, () => database.open()));
    try {
      await registry(stores[3]);
      expect(await stores[0].getShop("s1")).toEqual({ id: "s1", merchantId: "m1", name: "Shop One" });
      expect((await stores[1].chainHeads()).audit.count).toBe(5);
    } finally {
      for (const store of stores) await store.close();
    }
  });

  it("keeps every field as written: bytes, booleans, 64-bit integers, null and absent values", async () => {
    const database = await createTestDatabase(kind);
    await withStore(database, async (store) => {
      const stamp = stampRecord(0x00, "first", 0xffff_ffff);
      await registry(store, [stamp]);
      expect(await store.getStamp(stamp.id)).toEqual(stamp);
      expect(await store.getVerifier(VERIFIER)).toEqual({ id: VERIFIER, shopId: "s1", label: "front", requirePresence: true, purpose: Purpose.REDEEM, quantity: 7 });
      expect(await store.getShop("s2")).toEqual({ id: "s2", merchantId: "m1", name: "Shop Two" });
      expect(await store.getMerchant("nobody")).toBeUndefined();

      const station: CredentialRecord = { ...tokenCredential("00000000000000c1", "counter-station", "owner"), secretHash: undefined, verifierId: VERIFIER, publicKey: Uint8Array.from({ length: 32 }, (_, i) => 255 - i) };
      expect(await store.addCredential(station, audit(T0 + 20, "credential.create", station.id))).toBe(true);
      expect(await store.getCredential(station.id)).toEqual(station);
      const token = tokenCredential("00000000000000c2", "owner", "operator");
      await store.addCredential(token, audit(T0 + 21, "credential.create", token.id));
      expect(await store.findTokenCredential(token.secretHash ?? "")).toEqual(token);

      expect(await store.saveChallenge(challenge("aa".repeat(16)), 16, T0)).toBe("saved");
      expect(await store.getChallenge("aa".repeat(16))).toEqual(challenge("aa".repeat(16)));
      await store.approveFirmware({ hash: "f1".repeat(32), label: "v1", approvedAt: T0 }, audit(T0 + 22, "firmware.approve", "f1", null));
      expect(await store.isFirmwareApproved("f1".repeat(32))).toBe(true);
      expect(await store.listFirmware()).toEqual([{ hash: "f1".repeat(32), label: "v1", approvedAt: T0 }]);
      expect(await store.getProvisioningChallenge("0".repeat(64))).toEqual({ credentialId: "flasher", expiresAt: T0 + 120_000, used: true });

      const checkpoint = { chain: "audit" as const, count: 9, headHash: "c".repeat(64), at: T0, hostKeyId: "0123456789abcdef", signature: "d".repeat(128) };
      await store.saveCheckpoint(checkpoint);
      await store.saveCheckpoint(checkpoint);
      expect(await store.listCheckpoints()).toEqual([checkpoint]);
    });
  });

  it("lists by id in bytewise order, a page at a time, whatever the database's locale", async () => {
    const database = await createTestDatabase(kind);
    await withStore(database, async (store) => {
      for (const [i, id] of ["b", "B", "a-2", "Z", "a", "_x"].entries()) await store.addMerchant({ id: id, name: id }, audit(T0 + i, "merchant.create", id, id));
      const first = await store.listMerchants(undefined, { limit: 4 });
      const second = await store.listMerchants(undefined, { limit: 4, after: first[first.length - 1].id });
      expect([...first, ...second].map((m) => m.id)).toEqual(["B", "Z", "_x", "a", "a-2", "b"]);
      expect(await store.listMerchants("a", { limit: 10 })).toEqual([{ id: "a", name: "a" }]);
      const newestFirst = await store.listAudit(undefined, { limit: 2, before: 5 });
      expect(newestFirst.map((entry) => entry.sequence)).toEqual([4, 3]);
    });
  });

  it("refuses a duplicate with DuplicateError and writes nothing", async () => {
    const database = await createTestDatabase(kind);
    await withStore(database, async (store) => {
      const stamp = stampRecord(0x00, "first");
      await registry(store, [stamp]);
      const before = await database.dump();
      await expect(store.addMerchant({ id: "m1", name: "again" }, audit(T0 + 50, "merchant.create", "m1"))).rejects.toBeInstanceOf(DuplicateError);
      expect(await database.dump()).toBe(before);
      await store.saveProvisioningChallenge("e".repeat(64), "flasher", T0 + 120_000);
      const withChallenge = await database.dump();
      const sameKey = { ...stamp, label: "other" };
      await expect(store.addStamp(sameKey, "e".repeat(64), audit(T0 + 51, "stamp.register", stamp.id))).rejects.toBeInstanceOf(DuplicateError);
      const sameLabel = stampRecord(0x01, "first");
      await expect(store.addStamp(sameLabel, "e".repeat(64), audit(T0 + 52, "stamp.register", sameLabel.id))).rejects.toThrow(/label "first" is already used/);
      expect(await database.dump()).toBe(withChallenge);
      // The proof's challenge was not spent by the refused registrations; once spent, it is spent.
      const fresh = stampRecord(0x02, "second");
      expect(await store.addStamp(fresh, "e".repeat(64), audit(T0 + 53, "stamp.register", fresh.id))).toBe("added");
      expect(await store.addStamp(stampRecord(0x03, "third"), "e".repeat(64), audit(T0 + 54, "stamp.register", "x"))).toBe("challenge-used");
    });
  });

  it("spends a challenge once, only ever raises a counter, and keeps the evidence of every signed counter", async () => {
    const database = await createTestDatabase(kind);
    await withStore(database, async (store) => {
      const stamp = stampRecord(0x00, "first");
      await registry(store, [stamp]);
      for (const nonce of ["01", "02", "03"]) await store.saveChallenge(challenge(nonce.repeat(16)), 16, T0);
      expect(await store.commitTap(acceptedTap(stamp, "01".repeat(16), 5, T0 + 100))).toBe("committed");
      expect(await store.commitTap(acceptedTap(stamp, "01".repeat(16), 6, T0 + 101))).toBe("challenge-used");
      expect(await store.commitTap(acceptedTap(stamp, "02".repeat(16), 5, T0 + 102))).toBe("counter-moved");
      // The lost race wrote nothing: its challenge is still open, its signature not kept.
      expect((await store.getChallenge("02".repeat(16)))?.usedAt).toBeUndefined();
      expect((await store.findSignedCounters(stamp.id, 5)).map((s) => s.nonce)).toEqual(["01".repeat(16)]);
      const fork: TapCommit = { ...acceptedTap(stamp, "02".repeat(16), 5, T0 + 103), raiseCounterTo: undefined, ledger: undefined, quarantine: true, audit: [audit(T0 + 103, "stamp.quarantine", stamp.id)] };
      expect(await store.commitTap(fork)).toBe("committed");
      expect(await store.getStamp(stamp.id)).toMatchObject({ status: "quarantined", lastCounter: 5 });
      expect((await store.findSignedCounters(stamp.id, 5)).map((s) => s.nonce)).toEqual(["01".repeat(16), "02".repeat(16)]);
      const [event] = await store.listEvents({ merchantId: "m1", limit: 10 });
      expect(event).toMatchObject({ sequence: 1, counter: 5, stampLabel: "first", shopName: "Shop One", verifierLabel: "front", acceptedAt: T0 + 100 });
    });
  });

  it("at a station's open-challenge cap, retires its oldest unused challenge for the new one: never a used one, never another station's", async () => {
    const database = await createTestDatabase(kind);
    await withStore(database, async (store) => {
      const stamp = stampRecord(0x00, "first");
      await registry(store, [stamp]);
      const otherStation = { ...challenge("0f".repeat(16), T0), stationId: "station-2" };
      expect(await store.saveChallenge(otherStation, 3, T0)).toBe("saved");
      for (const [i, nonce] of ["01", "02", "03"].entries()) expect(await store.saveChallenge(challenge(nonce.repeat(16), T0 + i), 3, T0 + i)).toBe("saved");
      // The oldest is spent: it no longer counts, and it stays (a replay of its tap meets it used).
      expect(await store.commitTap(acceptedTap(stamp, "01".repeat(16), 1, T0 + 3))).toBe("committed");
      expect(await store.saveChallenge(challenge("04".repeat(16), T0 + 4), 3, T0 + 4)).toBe("saved");
      // At the cap again: the oldest unused one (02) makes room.
      expect(await store.saveChallenge(challenge("05".repeat(16), T0 + 5), 3, T0 + 5)).toBe("oldest-retired");
      expect(await store.getChallenge("02".repeat(16))).toBeUndefined();
      expect((await store.getChallenge("01".repeat(16)))?.usedAt).toBe(T0 + 3);
      for (const nonce of ["03", "04", "05", "0f"]) expect((await store.getChallenge(nonce.repeat(16)))?.usedAt).toBeUndefined();
      // A lower cap retires as many as it takes, oldest first.
      expect(await store.saveChallenge(challenge("06".repeat(16), T0 + 6), 2, T0 + 6)).toBe("oldest-retired");
      expect(await Promise.all(["03", "04", "05", "06"].map(async (nonce) => (await store.getChallenge(nonce.repeat(16))) !== undefined))).toEqual([false, false, true, true]);
      // A tap answering a retired challenge finds nothing to spend.
      expect(await store.commitTap(acceptedTap(stamp, "02".repeat(16), 2, T0 + 7))).toBe("challenge-used");
      expect(await store.getChallenge("0f".repeat(16))).toEqual(otherStation);
    });
  });

  it("keeps a phone tap's evidence once (its single use), and moves a worker's clock only from the state read", async () => {
    const database = await createTestDatabase(kind);
    await withStore(database, async (store) => {
      const stamp = stampRecord(0x00, "first");
      await registry(store, [stamp]);
      const worker = { id: "00000000000000e1", merchantId: "m1", name: "Jiwoo", createdAt: T0, clockedInSince: undefined };
      await store.addWorker(worker, audit(T0 + 30, "worker.create", worker.id));
      /** What an accepted phone tap writes: no challenge, its evidence id as nonce, a card and an origin. */
      const phoneTap = (counter: number, at: number, clock: TapCommit["clock"]): TapCommit => {
        const evidenceId = "url:" + String(counter).repeat(128);
        const response = toHex(Uint8Array.from({ length: 78 }, (_, i) => (i + counter) & 0xff));
        return {
          challenge: undefined,
          now: at,
          signed: { stampId: stamp.id, counter: counter, nonce: evidenceId, verifierId: "", challengeIssuedAt: 0, purpose: Purpose.CLOCK_IN, quantity: 1, response: response, at: at },
          raiseCounterTo: counter,
          ledger: {
            stampId: stamp.id, counter: counter, verifierId: "", shopId: "s1", merchantId: "m1", purpose: Purpose.CLOCK_IN, quantity: 1, nonce: evidenceId,
            challengeIssuedAt: 0, acceptedAt: at, response: response, transport: "phone", origin: "https://stamp.example", cardId: "c".repeat(32), receipt: undefined,
          },
          quarantine: false,
          alert: undefined,
          audit: [],
          clock: clock,
          card: undefined,
        };
      };
      expect(await store.commitTap(phoneTap(1, T0 + 100, { workerId: worker.id, from: undefined, to: T0 + 100 }))).toBe("committed");
      const before = await database.dump();
      expect(await store.commitTap({ ...phoneTap(1, T0 + 101, undefined), raiseCounterTo: undefined, ledger: undefined })).toBe("evidence-kept");
      expect(await store.commitTap(phoneTap(2, T0 + 102, { workerId: worker.id, from: undefined, to: T0 + 102 }))).toBe("clock-moved");
      expect(await database.dump()).toBe(before);
      expect(await store.commitTap(phoneTap(2, T0 + 103, { workerId: worker.id, from: T0 + 100, to: undefined }))).toBe("committed");
      expect(await store.getWorker(worker.id)).toEqual(worker);
      const events = await store.readLedger(1, 10);
      expect(events.map((event) => [event.transport, event.origin, event.cardId, event.counter])).toEqual([
        ["phone", "https://stamp.example", "c".repeat(32), 1],
        ["phone", "https://stamp.example", "c".repeat(32), 2],
      ]);
      expect(await chainCheck(store)).toEqual({ auditIntact: true, ledgerLinks: [true, true] });
    });
  });

  it("keeps both chains gapless through taps, refusals and a revocation, and the ledger check passes, checkpoints included", async () => {
    const w = await createTestWorld(kind);
    for (let i = 0; i < 3; i++) expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation)))).reason).toBe("ACCEPTED");
    expect((await w.submit(w.hongdaeStation, w.stamp.answer(await w.challengeFor(w.hongdaeStation)))).reason).toBe("OUTSIDE_SHOP");
    const copy = w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 5 });
    expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 5 }))).reason).toBe("ACCEPTED");
    expect((await w.submit(w.gangnamStation, copy)).reason).toBe("COUNTER_FORK");
    must(await revokeStamp(w.store, w.owner, w.stamp.id, Date.now()));
    const hostKey = createHostKeyFile(join(mkdtempSync(join(tmpdir(), "stamp-host-key-")), "host.key"));
    if (!hostKey.ok) throw new Error(hostKey.error);
    await signChainHeads(w.store, hostKey.value, Date.now());
    const report = must(await checkLedgerEvidence(w.store, w.operator, { keptCheckpoints: [], hostPublicKey: hostKey.value.publicKey }));
    expect(report).toMatchObject({ intact: true, ledgerEvents: 4, checkpointsChecked: 2, problems: [] });
    const heads = await w.store.chainHeads();
    expect(heads.ledger.count).toBe(4);
    expect(heads.audit.count).toBe(report.auditEntries);
    await w.store.close();
  });

  it("has the database itself refuse to change or delete ledger events and audit entries", async () => {
    const w = await createTestWorld(kind);
    await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation)));
    await expect(w.database.execute("UPDATE ledger SET quantity = 99")).rejects.toThrow(/append-only/);
    await expect(w.database.execute("DELETE FROM ledger")).rejects.toThrow(/append-only/);
    await expect(w.database.execute("UPDATE audit SET detail = '{}'")).rejects.toThrow(/append-only/);
    await expect(w.database.execute("DELETE FROM audit")).rejects.toThrow(/append-only/);
    expect(await w.database.value("SELECT COUNT(*) FROM ledger")).toBe(1);
    await w.store.close();
  });

  it("answers a write that waits on another writer's lock with StoreBusyError, and goes on reading meanwhile", async () => {
    const database = await createTestDatabase(kind);
    await withStore(database, async (store) => {
      await registry(store);
      const release = await database.holdWriteLock();
      try {
        const started = Date.now();
        const write = store.addShop({ id: "s3", merchantId: "m1", name: "Shop Three" }, audit(T0 + 60, "shop.create", "s3"));
        expect(await store.getShop("s1")).toMatchObject({ name: "Shop One" });
        await expect(write).rejects.toBeInstanceOf(StoreBusyError);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
      } finally {
        await release();
      }
      await store.addShop({ id: "s3", merchantId: "m1", name: "Shop Three" }, audit(T0 + 61, "shop.create", "s3"));
      expect(await store.getShop("s3")).toMatchObject({ name: "Shop Three" });
    });
  }, 30_000);

  it("with two stores on one database racing: one tap per challenge, one of two equal counters, one bootstrap, one redemption, one use of a nonce", async () => {
    const database = await createTestDatabase(kind);
    await withTwoStores(database, async ([a, b]) => {
      const stamp = stampRecord(0x00, "first");
      await registry(a, [stamp]);
      await a.saveChallenge(challenge("01".repeat(16)), 16, T0);
      const sameResponse = await Promise.all([a, b, a, b, a, b].map((store, i) => store.commitTap(acceptedTap(stamp, "01".repeat(16), 1, T0 + 100 + i))));
      expect(sameResponse.filter((outcome) => outcome === "committed")).toHaveLength(1);
      expect(sameResponse.filter((outcome) => outcome === "challenge-used")).toHaveLength(5);

      await b.saveChallenge(challenge("02".repeat(16)), 16, T0);
      await a.saveChallenge(challenge("03".repeat(16)), 16, T0);
      const equalCounters = await Promise.all([a.commitTap(acceptedTap(stamp, "02".repeat(16), 2, T0 + 200)), b.commitTap(acceptedTap(stamp, "03".repeat(16), 2, T0 + 201))]);
      expect(equalCounters.sort()).toEqual(["committed", "counter-moved"]);
      expect((await b.getStamp(stamp.id))?.lastCounter).toBe(2);

      const operators = ["00000000000000a1", "00000000000000a2", "00000000000000a3", "00000000000000a4"].map((id) => tokenCredential(id, "operator", "init"));
      const bootstraps = await Promise.all(operators.map((operator, i) => [a, b][i % 2].addCredential(operator, audit(T0 + 300 + i, "credential.bootstrap", operator.id, null), true)));
      expect(bootstraps.filter(Boolean)).toHaveLength(1);

      await a.addEnrolmentCode({ codeHash: "code", role: "counter-station", merchantId: "m1", verifierId: VERIFIER, expiresAt: T0 + 3_600_000, createdBy: "owner" }, audit(T0 + 400, "enrolment-code.create", VERIFIER));
      const redeemed = await Promise.all(
        ["00000000000000b1", "00000000000000b2", "00000000000000b3", "00000000000000b4"].map((id, i) =>
          [a, b][i % 2].redeemEnrolmentCode("code", T0 + 500, () => ({ ...tokenCredential(id, "counter-station", "owner"), secretHash: undefined, publicKey: Uint8Array.from({ length: 32 }, () => i + 1) }), (credential) => audit(T0 + 500 + i, "credential.enrol", credential.id)),
        ),
      );
      expect(redeemed.filter((outcome) => outcome.ok)).toHaveLength(1);
      expect(redeemed.filter((outcome) => !outcome.ok && outcome.why === "used")).toHaveLength(3);

      const nonceUses = await Promise.all([a, b, a, b, a, b].map((store) => store.useRequestNonce("00000000000000c2", "nonce-1", T0 + 60_000, T0)));
      expect(nonceUses.filter(Boolean)).toHaveLength(1);

      expect(await a.chainHeads()).toEqual(await b.chainHeads());
      expect(await chainCheck(a)).toEqual({ auditIntact: true, ledgerLinks: [true, true] });
    });
  });

  it("with two stores on one database racing: the open-challenge cap holds, and concurrent audit appends chain without a gap", async () => {
    const database = await createTestDatabase(kind);
    await withTwoStores(database, async ([a, b]) => {
      await registry(a, []);
      // Every save is served; each past the third retires an older one, so the station never holds more than 3.
      const saves = await Promise.all(Array.from({ length: 10 }, (_, i) => [a, b][i % 2].saveChallenge(challenge(String(i).padStart(32, "0")), 3, T0)));
      expect(saves.filter((outcome) => outcome === "saved")).toHaveLength(3);
      expect(saves.filter((outcome) => outcome === "oldest-retired")).toHaveLength(7);
      expect(Number(await database.value("SELECT COUNT(*) FROM challenges WHERE station_id = ? AND used_at IS NULL", "station-1"))).toBe(3);

      await Promise.all(Array.from({ length: 24 }, (_, i) => [a, b][i % 2].addShop({ id: `shop-${i}`, merchantId: "m1", name: `Shop ${i}` }, audit(T0 + 1000 + i, "shop.create", `shop-${i}`))));
      const entries = await b.readAudit(1, 1000);
      expect(entries.map((entry) => entry.sequence)).toEqual(Array.from({ length: entries.length }, (_, i) => i + 1));
      expect(entries).toHaveLength(4 + 24);
      expect(await chainCheck(a)).toEqual({ auditIntact: true, ledgerLinks: [] });
    });
  });

  it("shows a status change made through one store to the other at once (a revocation is effective at the next tap)", async () => {
    const database = await createTestDatabase(kind);
    await withTwoStores(database, async ([a, b]) => {
      const stamp = stampRecord(0x00, "first");
      await registry(a, [stamp]);
      expect((await b.getStamp(stamp.id))?.status).toBe("active");
      expect(await a.setStampStatus(stamp.id, ["active", "quarantined"], "revoked", audit(T0 + 700, "stamp.revoke", stamp.id))).toBe(true);
      expect((await b.getStamp(stamp.id))?.status).toBe("revoked");
      expect(await b.setStampStatus(stamp.id, ["quarantined"], "active", audit(T0 + 701, "stamp.reinstate", stamp.id))).toBe(false);
      expect((await a.listAudit("m1", { limit: 1 }))[0]).toMatchObject({ action: "stamp.revoke" });
    });
  });

  if (kind === "postgres") {
    it("refuses to read a 64-bit integer beyond the exact range of a JavaScript number, rather than round it", async () => {
      const database = await createTestDatabase(kind);
      await withStore(database, async (store) => {
        const stamp = stampRecord(0x00, "first");
        await registry(store, [stamp]);
        await database.execute(`UPDATE stamps SET last_counter = ${2n ** 53n + 1n}`);
        await expect(store.getStamp(stamp.id)).rejects.toThrow(/9007199254740993, outside the range of exact JavaScript integers/);
      });
    });

    it("writes the very chains SQLite writes for the same changes, byte for byte", async () => {
      const chainsAfterTheSameChanges = async (database: TestDatabase) =>
        withStore(database, async (store) => {
          const stamp = stampRecord(0x00, "first");
          await registry(store, [stamp]);
          await store.saveChallenge(challenge("01".repeat(16)), 16, T0);
          await store.saveChallenge(challenge("02".repeat(16)), 16, T0);
          await store.commitTap(acceptedTap(stamp, "01".repeat(16), 4_294_967_295, T0 + 100));
          await store.commitTap({ ...acceptedTap(stamp, "02".repeat(16), 4_294_967_295, T0 + 101), raiseCounterTo: undefined, ledger: undefined, quarantine: true, audit: [audit(T0 + 101, "stamp.quarantine", stamp.id)] });
          await store.setStampStatus(stamp.id, ["quarantined"], "revoked", audit(T0 + 102, "stamp.revoke", stamp.id));
          return { ledger: await store.readLedger(1, 100), audit: await store.readAudit(1, 100), stamps: await store.readStamps({ limit: 10 }), heads: await store.chainHeads() };
        });
      const onPostgres = await chainsAfterTheSameChanges(await createTestDatabase(kind));
      const onSqlite = await chainsAfterTheSameChanges(await createTestDatabase("sqlite"));
      expect(onPostgres.ledger).toHaveLength(1);
      expect(onPostgres.audit).toHaveLength(7);
      expect(onPostgres).toEqual(onSqlite);
    });
  }
});
