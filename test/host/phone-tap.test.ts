/**
 * The phone URL as a tap, on both stores: a genuine URL counts once; opened again it is "already
 * used" and writes nothing; an edited URL, one signed for another host, an unknown stamp and junk
 * write nothing at all; a clone's URL is caught against a station tap with the same counter; an
 * old URL is a regression; a revoked stamp's URL raises one alert; twenty openings of one URL at
 * once, from two processes' stores, give exactly one accepted tap.
 */
import { expect, it } from "vitest";
import { checkLedgerEvidence } from "../../host/core/ledger-evidence";
import { newHolder } from "../../host/core/phone/cards";
import { setLoyaltyProgram } from "../../host/core/phone/loyalty";
import { openPhoneTap, PhoneTapOutcome } from "../../host/core/phone/phone-tap";
import { revokeStamp } from "../../host/core/stamp-status";
import { Store } from "../../host/store/store";
import { Purpose } from "../../shared/protocol-constants";
import { describeEachStore, StoreKind } from "../support/test-stores";
import { createTestWorld, must, TestStamp, TestWorld } from "../support/test-world";
import { BASE_URL, editedTokenText, phoneTokenText } from "./phone-fixture";

interface PhoneWorld extends TestWorld {
  holderId: string;
  open(tokenText: string, options?: { holderId?: string; store?: Store; baseUrl?: string }): Promise<PhoneTapOutcome>;
}

async function phoneWorld(kind: StoreKind): Promise<PhoneWorld> {
  const w = await createTestWorld(kind);
  const { holderId } = await newHolder(w.store, Date.now());
  return {
    ...w,
    holderId: holderId,
    open: (tokenText, options = {}) =>
      openPhoneTap(options.store ?? w.store, { baseUrl: options.baseUrl ?? BASE_URL, tokenText: tokenText, holderId: options.holderId ?? holderId, now: Date.now() }),
  };
}

/** Every row of every table, as text: equal before and after when nothing was written. */
function everything(w: TestWorld): Promise<string> {
  return w.database.dump();
}

describeEachStore("a phone URL as a tap", (kind) => {
  it("counts a genuine URL once, records it as a phone tap bound to its origin and card, and says 'already used' after", async () => {
    const w = await phoneWorld(kind);
    const url = phoneTokenText(w.stamp);
    const first = await w.open(url);
    expect(first).toMatchObject({ verdict: { accepted: true, reason: "ACCEPTED", counter: 1 }, merchantId: "bean-bros", stampLabel: "stamp-1", purpose: Purpose.STAMP, quantity: 1 });
    const [event] = await w.store.readLedger(1, 10);
    expect(event).toMatchObject({ transport: "phone", origin: BASE_URL, cardId: w.holderId, verifierId: "", challengeIssuedAt: 0, shopId: "gangnam", counter: 1, purpose: Purpose.STAMP });
    expect(event.nonce).toMatch(/^url:[0-9a-f]{128}$/);

    const before = await everything(w);
    const again = await w.open(url);
    expect(again).toMatchObject({ verdict: { accepted: false, reason: "URL_ALREADY_USED", code: 16 }, merchantId: "bean-bros" });
    // Another browser opening it later gets the same answer.
    const other = await newHolder(w.store, Date.now());
    const afterHolder = await everything(w);
    expect((await w.open(url, { holderId: other.holderId })).verdict.reason).toBe("URL_ALREADY_USED");
    expect(await everything(w)).toBe(afterHolder);
    expect(afterHolder).not.toBe(before);
    expect((await w.store.getStamp(w.stamp.id))?.lastCounter).toBe(1);
  });

  it("writes nothing at all, not even an alert, for an edited URL, a URL signed for another host, an unknown stamp or junk", async () => {
    const w = await phoneWorld(kind);
    const before = await everything(w);
    const edited = await w.open(editedTokenText(phoneTokenText(w.stamp, { counter: 1 })));
    expect(edited).toEqual({ verdict: expect.objectContaining({ reason: "BAD_SIGNATURE" }), merchantId: undefined, stampLabel: undefined, purpose: undefined, quantity: undefined });
    expect((await w.open(phoneTokenText(w.stamp, { counter: 2, baseUrl: "https://other.example" }))).verdict.reason).toBe("BAD_SIGNATURE");
    expect((await w.open(phoneTokenText(new TestStamp(), { counter: 1 }))).verdict.reason).toBe("UNKNOWN_STAMP");
    expect((await w.open("not-a-token")).verdict.reason).toBe("MALFORMED_RESPONSE");
    expect((await w.open(phoneTokenText(w.stamp, { counter: 3 }) + "A")).verdict.reason).toBe("MALFORMED_RESPONSE");
    expect(await everything(w)).toBe(before);
    // The genuine URL of the same counter still counts: the junk did not spend it.
    expect((await w.open(phoneTokenText(w.stamp, { counter: 1 }))).verdict.reason).toBe("ACCEPTED");
  });

  it("catches a clone's URL signed with a counter a station tap already used: COUNTER_FORK, quarantined, CLONE_PROVEN", async () => {
    const w = await phoneWorld(kind);
    expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 1 }))).reason).toBe("ACCEPTED");
    const fork = await w.open(phoneTokenText(w.stamp, { counter: 1 }));
    expect(fork.verdict).toMatchObject({ reason: "COUNTER_FORK", counter: 1 });
    expect((await w.store.getStamp(w.stamp.id))?.status).toBe("quarantined");
    expect((await w.store.listAlerts("bean-bros", { limit: 10 })).map((alert) => alert.kind)).toEqual(["CLONE_PROVEN"]);
    // And the other way round: a station tap with a counter a URL already used.
    const second = await phoneWorld(kind);
    expect((await second.open(phoneTokenText(second.stamp, { counter: 4 }))).verdict.reason).toBe("ACCEPTED");
    expect((await second.submit(second.gangnamStation, second.stamp.answer(await second.challengeFor(second.gangnamStation), { counter: 4 }))).reason).toBe("COUNTER_FORK");
  });

  it("proves a clone from two URLs with one counter: each device picked its own press random, so the messages differ", async () => {
    const w = await phoneWorld(kind);
    expect((await w.open(phoneTokenText(w.stamp, { counter: 7 }))).verdict.reason).toBe("ACCEPTED");
    const copy = await w.open(phoneTokenText(w.stamp, { counter: 7 }));
    expect(copy.verdict).toMatchObject({ reason: "COUNTER_FORK", counter: 7 });
    expect((await w.store.getStamp(w.stamp.id))?.status).toBe("quarantined");
    expect((await w.store.listAlerts("bean-bros", { limit: 10 })).map((alert) => alert.kind)).toEqual(["CLONE_PROVEN"]);
  });

  it("refuses an old URL (COUNTER_REGRESSION, LATE_COUNTER, no quarantine), and a URL without the press flag (counter spent)", async () => {
    const w = await phoneWorld(kind);
    const early = phoneTokenText(w.stamp, { counter: 2 });
    expect((await w.open(phoneTokenText(w.stamp, { counter: 3 }))).verdict.reason).toBe("ACCEPTED");
    expect((await w.open(early)).verdict.reason).toBe("COUNTER_REGRESSION");
    expect(await w.store.getStamp(w.stamp.id)).toMatchObject({ status: "active", lastCounter: 3 });
    expect((await w.open(early)).verdict.reason).toBe("URL_ALREADY_USED");
    expect((await w.store.listAlerts("bean-bros", { limit: 10 })).map((alert) => alert.kind)).toEqual(["LATE_COUNTER"]);

    expect((await w.open(phoneTokenText(w.stamp, { counter: 5, flags: 0 }))).verdict.reason).toBe("PRESENCE_REQUIRED");
    expect((await w.store.getStamp(w.stamp.id))?.lastCounter).toBe(5);
    expect(await w.store.readLedger(1, 10)).toHaveLength(1);
  });

  it("refuses a revoked stamp's URL with one alert, however often the page is reloaded", async () => {
    const w = await phoneWorld(kind);
    must(await revokeStamp(w.store, w.owner, w.stamp.id, Date.now()));
    const url = phoneTokenText(w.stamp);
    expect(await w.open(url)).toMatchObject({ verdict: { reason: "STAMP_REVOKED" }, merchantId: "bean-bros" });
    const before = await everything(w);
    expect((await w.open(url)).verdict.reason).toBe("STAMP_REVOKED");
    expect(await everything(w)).toBe(before);
    expect((await w.store.listAlerts("bean-bros", { limit: 10 })).map((alert) => alert.kind)).toEqual(["REVOKED_STAMP_USED"]);
  });

  it("credits what the merchant's loyalty program says a press is worth", async () => {
    const w = await phoneWorld(kind);
    must(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 8, stampsPerPress: 2, rewardLabel: "a cake" }, Date.now()));
    expect(await w.open(phoneTokenText(w.stamp))).toMatchObject({ verdict: { reason: "ACCEPTED" }, purpose: Purpose.STAMP, quantity: 2 });
  });

  it("of twenty openings of one URL at once, from two stores on one database, accepts exactly one", async () => {
    const w = await phoneWorld(kind);
    const second = await w.database.open();
    try {
      const url = phoneTokenText(w.stamp);
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => w.open(url, { store: i % 2 === 0 ? w.store : second })));
      const reasons = outcomes.map((outcome) => outcome.verdict.reason);
      expect(reasons.filter((reason) => reason === "ACCEPTED")).toHaveLength(1);
      expect(reasons.filter((reason) => reason === "URL_ALREADY_USED")).toHaveLength(19);
      expect(await w.store.readLedger(1, 100)).toHaveLength(1);
      expect(await w.store.findSignedCounters(w.stamp.id, 1)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it("keeps phone taps as evidence: the ledger check re-verifies them, and finds an edited origin, and a card given to a station tap", async () => {
    const w = await phoneWorld(kind);
    expect((await w.open(phoneTokenText(w.stamp))).verdict.reason).toBe("ACCEPTED");
    expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation)))).reason).toBe("ACCEPTED");
    const check = async () => must(await checkLedgerEvidence(w.store, w.operator, { keptCheckpoints: [], hostPublicKey: undefined }));
    expect(await check()).toMatchObject({ intact: true, ledgerEvents: 2, problems: [] });

    // Past the store and its append-only trigger, as someone with the database file would.
    const tamper = async (sql: string) => {
      if (kind === "sqlite") {
        await w.database.execute("DROP TRIGGER IF EXISTS ledger_no_update");
        await w.database.execute(sql);
      } else {
        await w.database.execute(`ALTER TABLE ledger DISABLE TRIGGER ledger_no_change; ${sql}; ALTER TABLE ledger ENABLE TRIGGER ledger_no_change`);
      }
    };
    await tamper("UPDATE ledger SET origin = 'https://other.example' WHERE sequence = 1");
    await tamper(`UPDATE ledger SET card_id = '${w.holderId}' WHERE sequence = 2`);
    const report = await check();
    expect(report.intact).toBe(false);
    expect(report.problems.map((problem) => problem.problem)).toEqual([
      expect.stringMatching(/^event 1: its hash does not match its contents/),
      expect.stringMatching(/^event 1: the stamp's signature does not verify for this origin/),
      expect.stringMatching(/^event 2: its hash does not match its contents/),
    ]);
  });
});
