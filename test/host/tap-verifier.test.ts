import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { toHex } from "../../shared/hex";
import { registerStamp, revokeStamp } from "../../host/core/registry";
import { submitTap } from "../../host/core/tap-verifier";
import { createTestWorld, TestStamp } from "../support/test-world";

describe("verifier core over a real SQLite file", () => {
  it("accepts a good tap once and records exactly one chained ledger event", async () => {
    const w = await createTestWorld();
    const response = w.stamp.answer(await w.challengeFor(w.gangnam.id));
    const verdict = await submitTap(w.store, w.gangnam.id, response, Date.now());
    expect(verdict).toMatchObject({ accepted: true, reason: "ACCEPTED", counter: 1, stampId: w.stamp.id });
    const replay = await submitTap(w.store, w.gangnam.id, response, Date.now());
    expect(replay.reason).toBe("CHALLENGE_REUSED");
    expect(await w.store.listEvents({})).toHaveLength(1);
    expect(await w.store.checkLedger()).toEqual({ intact: true, events: 1 });
  });

  it("rejects expired challenges, challenges of another verifier, and unknown nonces", async () => {
    const w = await createTestWorld();
    const old = await w.challengeFor(w.gangnam.id, Date.now() - 31_000);
    expect((await submitTap(w.store, w.gangnam.id, w.stamp.answer(old), Date.now())).reason).toBe("CHALLENGE_EXPIRED");
    const elsewhere = w.stamp.answer(await w.challengeFor(w.hongdae.id));
    expect((await submitTap(w.store, w.gangnam.id, elsewhere, Date.now())).reason).toBe("WRONG_VERIFIER");
    // Presenting it at the wrong verifier did not burn it for its own verifier.
    expect((await submitTap(w.store, w.hongdae.id, elsewhere, Date.now())).reason).toBe("OUTSIDE_SHOP");
    const unknown = w.stamp.answer(new Uint8Array([1, ...new Uint8Array(8), 0, 0, 0, 0, ...new Uint8Array(16).fill(9), 1, 0, 1]));
    expect((await submitTap(w.store, w.gangnam.id, unknown, Date.now())).reason).toBe("UNKNOWN_CHALLENGE");
  });

  it("writes nothing for malformed bytes or unknown verifiers", async () => {
    const w = await createTestWorld();
    const response = w.stamp.answer(await w.challengeFor(w.gangnam.id));
    expect((await submitTap(w.store, w.gangnam.id, response.subarray(1), Date.now())).reason).toBe("MALFORMED_RESPONSE");
    expect((await submitTap(w.store, "00000000000000ff", response, Date.now())).reason).toBe("UNKNOWN_VERIFIER");
    // The challenge is still unused: the genuine submission goes through.
    expect((await submitTap(w.store, w.gangnam.id, response, Date.now())).accepted).toBe(true);
    expect(await w.store.listAlerts(10)).toEqual([]);
  });

  it("rejects a forged signature and an unregistered stamp, with an alert for the forgery", async () => {
    const w = await createTestWorld();
    const forged = w.stamp.answer(await w.challengeFor(w.gangnam.id));
    forged[forged.length - 40] ^= 1;
    expect((await submitTap(w.store, w.gangnam.id, forged, Date.now())).reason).toBe("BAD_SIGNATURE");
    const stranger = new TestStamp();
    expect((await submitTap(w.store, w.gangnam.id, stranger.answer(await w.challengeFor(w.gangnam.id)), Date.now())).reason).toBe("UNKNOWN_STAMP");
    expect((await w.store.listAlerts(10)).map((a) => a.kind)).toEqual(["FORGED_SIGNATURE"]);
    expect((await w.store.getStamp(w.stamp.id))?.lastCounter).toBe(0);
  });

  it("quarantines a stamp whose counter goes back (a clone) and then refuses it everywhere", async () => {
    const w = await createTestWorld();
    expect((await submitTap(w.store, w.gangnam.id, w.stamp.answer(await w.challengeFor(w.gangnam.id), { counter: 5 }), Date.now())).accepted).toBe(true);
    const clone = await submitTap(w.store, w.gangnam.id, w.stamp.answer(await w.challengeFor(w.gangnam.id), { counter: 5 }), Date.now());
    expect(clone.reason).toBe("COUNTER_REGRESSION");
    expect((await w.store.getStamp(w.stamp.id))?.status).toBe("quarantined");
    const after = await submitTap(w.store, w.gangnam.id, w.stamp.answer(await w.challengeFor(w.gangnam.id), { counter: 6 }), Date.now());
    expect(after.reason).toBe("STAMP_QUARANTINED");
    expect((await w.store.listAlerts(10)).map((a) => a.kind)).toEqual(["CLONE_SUSPECTED", "QUARANTINED_STAMP_USED"]);
  });

  it("rejects a valid stamp outside its shop, alerts, and still spends the counter", async () => {
    const w = await createTestWorld();
    const verdict = await submitTap(w.store, w.hongdae.id, w.stamp.answer(await w.challengeFor(w.hongdae.id), { counter: 3 }), Date.now());
    expect(verdict.reason).toBe("OUTSIDE_SHOP");
    const [alert] = await w.store.listAlerts(10);
    expect(alert).toMatchObject({ kind: "STAMP_OUTSIDE_SHOP", shopId: "hongdae", stampId: w.stamp.id });
    expect(alert.detail).toContain("stolen stamp used at Hongdae");
    const replayedLower = await submitTap(w.store, w.gangnam.id, w.stamp.answer(await w.challengeFor(w.gangnam.id), { counter: 2 }), Date.now());
    expect(replayedLower.reason).toBe("COUNTER_REGRESSION");
  });

  it("requires the presence flag where the verifier asks for it", async () => {
    const w = await createTestWorld();
    const verdict = await submitTap(w.store, w.gangnam.id, w.stamp.answer(await w.challengeFor(w.gangnam.id), { flags: 0 }), Date.now());
    expect(verdict.reason).toBe("PRESENCE_REQUIRED");
  });

  it("refuses a revoked stamp at once", async () => {
    const w = await createTestWorld();
    w.must(await revokeStamp(w.store, w.stamp.id));
    expect((await submitTap(w.store, w.gangnam.id, w.stamp.answer(await w.challengeFor(w.gangnam.id)), Date.now())).reason).toBe("STAMP_REVOKED");
  });

  it("refuses small-order and duplicate public keys at registration", async () => {
    const w = await createTestWorld();
    const identity = "01" + "00".repeat(31);
    const weak = await registerStamp(w.store, { publicKeyHex: identity, label: "x", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [] }, 0);
    expect(weak).toMatchObject({ ok: false, error: { code: "WEAK_KEY" } });
    const duplicate = await registerStamp(w.store, { publicKeyHex: toHex(w.stamp.publicKey), label: "y", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [] }, 0);
    expect(duplicate).toMatchObject({ ok: false, error: { code: "DUPLICATE" } });
    expect(await w.store.listStamps()).toHaveLength(1);
  });

  it("keeps the ledger append-only and detects an edited event", async () => {
    const w = await createTestWorld();
    for (let i = 0; i < 3; i++) await submitTap(w.store, w.gangnam.id, w.stamp.answer(await w.challengeFor(w.gangnam.id)), Date.now());
    const raw = new Database(w.dbPath);
    expect(() => raw.prepare("UPDATE ledger SET quantity = 10 WHERE sequence = 2").run()).toThrow(/append-only/);
    expect(() => raw.prepare("DELETE FROM ledger").run()).toThrow(/append-only/);
    raw.exec("DROP TRIGGER ledger_no_update");
    raw.prepare("UPDATE ledger SET quantity = 10 WHERE sequence = 2").run();
    raw.close();
    expect(await w.store.checkLedger()).toEqual({ intact: false, sequence: 2, problem: "the event was altered" });
  });
});
