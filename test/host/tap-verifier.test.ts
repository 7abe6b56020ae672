import { expect, it } from "vitest";
import { Principal } from "../../host/core/access/principal";
import { issueChallenge, MAX_OPEN_CHALLENGES } from "../../host/core/challenge-service";
import { configureVerifier } from "../../host/core/registry";
import { reinstateStamp, revokeStamp } from "../../host/core/stamp-status";
import { submitTap } from "../../host/core/tap-verifier";
import { Purpose } from "../../shared/protocol-constants";
import { describeEachStore } from "../support/test-stores";
import { createTestWorld, must, TestStamp, TestWorld } from "../support/test-world";

async function alertKinds(w: TestWorld): Promise<string[]> {
  return (await w.store.listAlerts("bean-bros", { limit: 100 })).map((a) => a.kind).reverse();
}

async function events(w: TestWorld) {
  return w.store.listEvents({ merchantId: "bean-bros", limit: 100 });
}

describeEachStore("verifier core over a real database", (kind) => {
  it("accepts a good tap once and records exactly one chained ledger event", async () => {
    const w = await createTestWorld(kind);
    const response = w.stamp.answer(await w.challengeFor(w.gangnamStation));
    expect(await w.submit(w.gangnamStation, response)).toMatchObject({ accepted: true, reason: "ACCEPTED", counter: 1, stampId: w.stamp.id });
    expect((await w.submit(w.gangnamStation, response)).reason).toBe("CHALLENGE_REUSED");
    expect(await events(w)).toHaveLength(1);
    expect((await w.store.chainHeads()).ledger.count).toBe(1);
  });

  it("rejects expired challenges, challenges of another verifier, and unknown nonces", async () => {
    const w = await createTestWorld(kind);
    const old = await w.challengeFor(w.gangnamStation, Date.now() - 31_000);
    expect((await w.submit(w.gangnamStation, w.stamp.answer(old))).reason).toBe("CHALLENGE_EXPIRED");
    const elsewhere = w.stamp.answer(await w.challengeFor(w.hongdaeStation));
    expect((await w.submit(w.gangnamStation, elsewhere)).reason).toBe("WRONG_VERIFIER");
    // Presenting it at the wrong verifier did not burn it for its own verifier.
    expect((await w.submit(w.hongdaeStation, elsewhere)).reason).toBe("OUTSIDE_SHOP");
    const unknown = w.stamp.answer(new Uint8Array([1, ...new Uint8Array(8), 0, 0, 0, 0, ...new Uint8Array(16).fill(9), 1, 0, 1]));
    expect((await w.submit(w.gangnamStation, unknown)).reason).toBe("UNKNOWN_CHALLENGE");
  });

  it("writes nothing for malformed bytes or a credential that is not a counter station", async () => {
    const w = await createTestWorld(kind);
    const response = w.stamp.answer(await w.challengeFor(w.gangnamStation));
    expect((await w.submit(w.gangnamStation, response.subarray(1))).reason).toBe("MALFORMED_RESPONSE");
    expect((await submitTap(w.store, w.owner, response, Date.now())).reason).toBe("UNKNOWN_VERIFIER");
    expect((await submitTap(w.store, w.flasher.principal, response, Date.now())).reason).toBe("UNKNOWN_VERIFIER");
    // The challenge is still unused: the genuine submission goes through.
    expect((await w.submit(w.gangnamStation, response)).accepted).toBe(true);
    expect(await alertKinds(w)).toEqual([]);
  });

  it("does not let junk that names an overheard nonce burn the challenge (the genuine answer still counts)", async () => {
    const w = await createTestWorld(kind);
    const genuine = w.stamp.answer(await w.challengeFor(w.gangnamStation));
    const junk = Uint8Array.from(genuine);
    junk[junk.length - 1] ^= 0xff;
    expect((await w.submit(w.gangnamStation, junk)).reason).toBe("BAD_SIGNATURE");
    expect((await w.submit(w.gangnamStation, junk)).reason).toBe("BAD_SIGNATURE");
    expect((await w.submit(w.gangnamStation, genuine)).reason).toBe("ACCEPTED");
    expect(await alertKinds(w)).toEqual(["FORGED_SIGNATURE", "FORGED_SIGNATURE"]);
  });

  it("rejects a forged signature and an unregistered stamp, with an alert for the forgery", async () => {
    const w = await createTestWorld(kind);
    const forged = w.stamp.answer(await w.challengeFor(w.gangnamStation));
    forged[forged.length - 40] ^= 1;
    expect((await w.submit(w.gangnamStation, forged)).reason).toBe("BAD_SIGNATURE");
    const stranger = new TestStamp();
    expect((await w.submit(w.gangnamStation, stranger.answer(await w.challengeFor(w.gangnamStation)))).reason).toBe("UNKNOWN_STAMP");
    expect(await alertKinds(w)).toEqual(["FORGED_SIGNATURE"]);
    expect((await w.store.getStamp(w.stamp.id))?.lastCounter).toBe(0);
  });

  it("quarantines on proof: two valid signatures with one counter over different challenges", async () => {
    const w = await createTestWorld(kind);
    expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 5 }))).accepted).toBe(true);
    const clone = await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 5 }));
    expect(clone.reason).toBe("COUNTER_FORK");
    expect((await w.store.getStamp(w.stamp.id))?.status).toBe("quarantined");
    const after = await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 6 }));
    expect(after.reason).toBe("STAMP_QUARANTINED");
    expect(await alertKinds(w)).toEqual(["CLONE_PROVEN", "QUARANTINED_STAMP_USED"]);
    // Both signatures are kept as the evidence.
    expect((await w.store.findSignedCounters(w.stamp.id, 5)).map((s) => s.counter)).toEqual([5, 5]);
  });

  it("one NFC contact without a press cannot get a genuine stamp quarantined (replies relayed out of order)", async () => {
    const w = await createTestWorld(kind);
    const first = w.stamp.answer(await w.challengeFor(w.gangnamStation), { flags: 0 });
    const second = w.stamp.answer(await w.challengeFor(w.gangnamStation), { flags: 0 });
    expect((await w.submit(w.gangnamStation, second)).reason).toBe("PRESENCE_REQUIRED");
    const late = await w.submit(w.gangnamStation, first);
    expect(late.reason).toBe("COUNTER_REGRESSION");
    expect((await w.store.getStamp(w.stamp.id))?.status).toBe("active");
    expect(await alertKinds(w)).toEqual(["LATE_COUNTER"]);
    // The genuine stamp's next press is accepted.
    expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation)))).reason).toBe("ACCEPTED");
  });

  it("a clone restored from a flash dump is proven within one tap of the divergence, whichever taps first", async () => {
    const w = await createTestWorld(kind);
    for (let i = 0; i < 3; i++) expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation)))).accepted).toBe(true);
    // The dump was taken at counter 3: the genuine stamp and the copy both sign 4 next.
    const genuine = w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 4 });
    const copy = w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 4 });
    expect((await w.submit(w.gangnamStation, copy)).accepted).toBe(true);
    expect((await w.submit(w.gangnamStation, genuine)).reason).toBe("COUNTER_FORK");
    expect((await w.store.getStamp(w.stamp.id))?.status).toBe("quarantined");
  });

  it("lets the owner reinstate a quarantined stamp with a recorded reason, and never a revoked one", async () => {
    const w = await createTestWorld(kind);
    await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 2 }));
    await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 2 }));
    expect((await w.store.getStamp(w.stamp.id))?.status).toBe("quarantined");
    const refusedBlank = await reinstateStamp(w.store, w.owner, w.stamp.id, "  ", Date.now());
    expect(refusedBlank.ok ? "ok" : refusedBlank.error.code).toBe("INVALID_INPUT");
    expect((await reinstateStamp(w.store, w.gangnamStation.principal, w.stamp.id, "x", Date.now())).ok).toBe(false);
    const back = must(await reinstateStamp(w.store, w.owner, w.stamp.id, "checked at the counter: relay test", Date.now()));
    expect(back).toMatchObject({ status: "active", lastCounter: 2 });
    const [entry] = await w.store.listAudit("bean-bros", { limit: 1 });
    expect(entry).toMatchObject({ action: "stamp.reinstate", subject: w.stamp.id, actor: w.owner.credentialId });
    expect(JSON.parse(entry.detail)).toMatchObject({ reason: "checked at the counter: relay test" });
    expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 3 }))).reason).toBe("ACCEPTED");
    must(await revokeStamp(w.store, w.owner, w.stamp.id, Date.now()));
    const again = await reinstateStamp(w.store, w.owner, w.stamp.id, "oops", Date.now());
    expect(again.ok ? "ok" : again.error.code).toBe("CONFLICT");
  });

  it("rejects a valid stamp outside its shop, alerts, and still spends the counter", async () => {
    const w = await createTestWorld(kind);
    const verdict = await w.submit(w.hongdaeStation, w.stamp.answer(await w.challengeFor(w.hongdaeStation), { counter: 3 }));
    expect(verdict.reason).toBe("OUTSIDE_SHOP");
    const [alert] = await w.store.listAlerts("bean-bros", { limit: 10 });
    expect(alert).toMatchObject({ kind: "STAMP_OUTSIDE_SHOP", shopId: "hongdae", stampId: w.stamp.id });
    expect(alert.detail).toContain("stolen stamp used at Hongdae");
    const replayedLower = await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 2 }));
    expect(replayedLower.reason).toBe("COUNTER_REGRESSION");
  });

  it("requires the presence flag where the verifier asks for it", async () => {
    const w = await createTestWorld(kind);
    const verdict = await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation), { flags: 0 }));
    expect(verdict.reason).toBe("PRESENCE_REQUIRED");
  });

  it("records what the merchant configured a tap to be worth, whatever anyone else wants", async () => {
    const w = await createTestWorld(kind);
    must(await configureVerifier(w.store, w.owner, w.gangnam.id, { purpose: Purpose.REDEEM, quantity: 10 }, Date.now()));
    const stationTry = await configureVerifier(w.store, w.gangnamStation.principal, w.gangnam.id, { quantity: 100 }, Date.now());
    expect(stationTry.ok ? "changed" : stationTry.error.code).toBe("FORBIDDEN");
    const tooMuch = await configureVerifier(w.store, w.owner, w.gangnam.id, { quantity: 65535 }, Date.now());
    expect(tooMuch.ok ? "changed" : tooMuch.error.code).toBe("INVALID_INPUT");
    expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation)))).accepted).toBe(true);
    const [event] = await events(w);
    expect(event).toMatchObject({ purpose: Purpose.REDEEM, quantity: 10 });
  });

  it("issues challenges only to a counter station, for its own verifier, and caps the open ones", async () => {
    const w = await createTestWorld(kind);
    for (const who of [w.owner, w.operator, w.flasher.principal] as Principal[]) {
      const refused = await issueChallenge(w.store, who, Date.now());
      expect(refused.ok ? "issued" : refused.error.code).toBe("FORBIDDEN");
    }
    const now = Date.now();
    let refusedAtCap = 0;
    for (let i = 0; i < 20; i++) {
      const issued = await issueChallenge(w.store, w.gangnamStation.principal, now);
      if (!issued.ok) refusedAtCap++;
    }
    // Past its 16, the station is still served: its oldest open challenges are retired instead.
    expect(refusedAtCap).toBe(0);
    expect(Number(await w.database.value("SELECT COUNT(*) FROM challenges WHERE used_at IS NULL"))).toBe(MAX_OPEN_CHALLENGES);
    // Expired ones are purged as new ones are issued: the station is not locked out.
    expect((await issueChallenge(w.store, w.gangnamStation.principal, now + 31_000)).ok).toBe(true);
    expect(await w.database.value("SELECT COUNT(*) FROM challenges")).toBe(1);
  });

  it("keeps the ledger append-only at the database level", async () => {
    const w = await createTestWorld(kind);
    await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation)));
    await expect(w.database.execute("UPDATE ledger SET quantity = 99")).rejects.toThrow(/append-only/);
    await expect(w.database.execute("DELETE FROM ledger")).rejects.toThrow(/append-only/);
    await expect(w.database.execute("DELETE FROM audit")).rejects.toThrow(/append-only/);
  });
});
