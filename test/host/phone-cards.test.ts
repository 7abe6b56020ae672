/**
 * Cards without accounts, on both stores: a browser's secret is kept only as a hash; a card
 * shows its stamps, rewards and latest taps; workers are added and invited by the merchant's
 * people, an invitation links one phone once; a worker's presses clock in and out, and the
 * hours shown are never guessed (a missing clock-out counts nothing); two presses at once
 * cannot both clock in.
 */
import { expect, it } from "vitest";
import { cardsOfHolder, cardView, issueHolderSecret, newHolder, resolveHolder } from "../../host/core/phone/cards";
import { getLoyaltyProgram, setLoyaltyProgram } from "../../host/core/phone/loyalty";
import { openPhoneTap } from "../../host/core/phone/phone-tap";
import { acceptWorkerInvitation, addWorker, describeWorkerInvitation, inviteWorker, listWorkers } from "../../host/core/phone/workers";
import { issueToken, authenticateToken } from "../../host/core/access/credentials";
import { Store } from "../../host/store/store";
import { Purpose } from "../../shared/protocol-constants";
import { describeEachStore } from "../support/test-stores";
import { createTestWorld, must, TestStamp } from "../support/test-world";
import { BASE_URL, phoneTokenText } from "./phone-fixture";

const HOUR = 3600_000;
const MINUTE = 60_000;

function press(store: Store, stamp: TestStamp, holderId: string, now: number) {
  return openPhoneTap(store, { baseUrl: BASE_URL, tokenText: phoneTokenText(stamp), holderId: holderId, now: now });
}

describeEachStore("cards, workers and hours", (kind) => {
  it("keeps a browser's card secret only as a hash, and gives a holder's other browser a secret of its own", async () => {
    const w = await createTestWorld(kind);
    const { secret, holderId } = await newHolder(w.store, Date.now());
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(holderId).toMatch(/^[0-9a-f]{32}$/);
    expect(await resolveHolder(w.store, secret)).toBe(holderId);
    const second = await issueHolderSecret(w.store, holderId, Date.now());
    expect(second).not.toBe(secret);
    expect(await resolveHolder(w.store, second)).toBe(holderId);
    expect(await resolveHolder(w.store, secret.slice(0, 42) + (secret[42] === "A" ? "B" : "A"))).toBeUndefined();
    expect(await resolveHolder(w.store, "junk")).toBeUndefined();
    const dump = await w.database.dump();
    expect(dump).toContain(holderId);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(second);
    await expect(issueHolderSecret(w.store, "f".repeat(32), Date.now())).rejects.toThrow(/does not exist/);
  });

  it("shows a customer's card: stamps, rewards ready, the next reward, the latest taps; and lists the holder's cards", async () => {
    const w = await createTestWorld(kind);
    must(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 3, stampsPerPress: 1, rewardLabel: "a free latte" }, Date.now()));
    const { holderId } = await newHolder(w.store, Date.now());
    const start = Date.now();
    for (let i = 0; i < 7; i++) expect((await press(w.store, w.stamp, holderId, start + i * MINUTE)).verdict.reason).toBe("ACCEPTED");
    const view = await cardView(w.store, holderId, "bean-bros", start + HOUR);
    expect(view).toMatchObject({ merchantId: "bean-bros", merchantName: "Bean Bros", kind: "customer", stamps: 7, stampsPerReward: 3, rewardLabel: "a free latte", rewardsReady: 2, nextRewardIn: 2, worker: undefined });
    expect(view?.recent).toHaveLength(7);
    expect(view?.recent[0]).toEqual({ at: start + 6 * MINUTE, purpose: Purpose.STAMP, quantity: 1, shopName: "Gangnam" });
    expect(await cardsOfHolder(w.store, holderId)).toEqual([{ merchantId: "bean-bros", merchantName: "Bean Bros" }]);

    const stranger = await newHolder(w.store, Date.now());
    expect(await cardsOfHolder(w.store, stranger.holderId)).toEqual([]);
    expect(await cardView(w.store, stranger.holderId, "bean-bros", Date.now())).toMatchObject({ stamps: 0, rewardsReady: 0, nextRewardIn: 3, recent: [] });
    expect(await cardView(w.store, holderId, "nobody", Date.now())).toBeUndefined();
    // Station taps are not anybody's card.
    expect((await w.submit(w.gangnamStation, w.stamp.answer(await w.challengeFor(w.gangnamStation)))).reason).toBe("ACCEPTED");
    expect((await cardView(w.store, holderId, "bean-bros", Date.now()))?.stamps).toBe(7);
  });

  it("lets owners and managers set the loyalty program, checked and audited; the default until then", async () => {
    const w = await createTestWorld(kind);
    expect(must(await getLoyaltyProgram(w.store, w.owner, "bean-bros"))).toEqual({ merchantId: "bean-bros", stampsPerReward: 10, stampsPerPress: 1, rewardLabel: "a free item", rewardValidDays: null });
    expect(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 0, stampsPerPress: 1, rewardLabel: "x" }, Date.now())).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 5, stampsPerPress: 101, rewardLabel: "x" }, Date.now())).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 5, stampsPerPress: 1, rewardLabel: "free\u202ecake" }, Date.now())).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await setLoyaltyProgram(w.store, w.gangnamStation.principal, "bean-bros", { stampsPerReward: 5, stampsPerPress: 1, rewardLabel: "x" }, Date.now())).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    must(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 5, stampsPerPress: 2, rewardLabel: "a cake" }, Date.now()));
    expect(must(await getLoyaltyProgram(w.store, w.owner, "bean-bros"))).toMatchObject({ stampsPerReward: 5, stampsPerPress: 2, rewardLabel: "a cake" });
    expect((await w.store.listAudit("bean-bros", { limit: 1 }))[0]).toMatchObject({ action: "loyalty.configure", subject: "bean-bros" });
  });

  it("adds workers and links one phone per worker through a one-time invitation", async () => {
    const w = await createTestWorld(kind);
    const now = Date.now();
    const auditor = must(await authenticateToken(w.store, must(await issueToken(w.store, w.owner, { role: "auditor", merchantId: "bean-bros", label: "books" }, now)).token, now));
    expect(await addWorker(w.store, auditor, { merchantId: "bean-bros", name: "Jiwoo" }, now)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await addWorker(w.store, w.owner, { merchantId: "other", name: "Jiwoo" }, now)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    const jiwoo = must(await addWorker(w.store, w.owner, { merchantId: "bean-bros", name: "Jiwoo" }, now));
    const minho = must(await addWorker(w.store, w.owner, { merchantId: "bean-bros", name: "Minho" }, now));
    expect(must(await listWorkers(w.store, auditor, "bean-bros")).map((worker) => worker.name).sort()).toEqual(["Jiwoo", "Minho"]);

    const invitation = must(await inviteWorker(w.store, w.owner, jiwoo.id, now));
    expect(invitation.expiresAt).toBe(now + 7 * 24 * HOUR);
    expect(must(await describeWorkerInvitation(w.store, { code: invitation.code, now: now }))).toEqual({ workerName: "Jiwoo", merchantName: "Bean Bros", expiresAt: invitation.expiresAt });
    expect(await describeWorkerInvitation(w.store, { code: invitation.code, now: invitation.expiresAt + 1 })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await w.database.dump()).not.toContain(invitation.code);

    const phone = await newHolder(w.store, now);
    expect(await acceptWorkerInvitation(w.store, { code: invitation.code, holderId: phone.holderId, now: invitation.expiresAt + 1 })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(must(await acceptWorkerInvitation(w.store, { code: invitation.code, holderId: phone.holderId, now: now }))).toMatchObject({ worker: { id: jiwoo.id, name: "Jiwoo" }, merchantName: "Bean Bros" });
    const otherPhone = await newHolder(w.store, now);
    expect(await acceptWorkerInvitation(w.store, { code: invitation.code, holderId: otherPhone.holderId, now: now })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/already used/) } });
    expect(await describeWorkerInvitation(w.store, { code: invitation.code, now: now })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    // The same phone cannot become another worker's at this merchant.
    const forMinho = must(await inviteWorker(w.store, w.owner, minho.id, now));
    expect(await acceptWorkerInvitation(w.store, { code: forMinho.code, holderId: phone.holderId, now: now })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/already linked/) } });
    expect(await acceptWorkerInvitation(w.store, { code: "A".repeat(43), holderId: phone.holderId, now: now })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    const actions = (await w.store.listAudit("bean-bros", { limit: 6 })).map((entry) => entry.action);
    expect(actions).toEqual(["worker.invite", "worker.phone-link", "worker.invite", "worker.create", "worker.create", "credential.create"]);
  });

  it("clocks a worker in and out with presses on their phone, and shows hours without guessing a missing clock-out", async () => {
    const w = await createTestWorld(kind);
    const day = Date.parse("2025-03-10T00:00:00Z");
    const worker = must(await addWorker(w.store, w.owner, { merchantId: "bean-bros", name: "Jiwoo" }, day));
    const phone = await newHolder(w.store, day);
    must(await acceptWorkerInvitation(w.store, { code: must(await inviteWorker(w.store, w.owner, worker.id, day)).code, holderId: phone.holderId, now: day }));

    const purposeOf = async (at: number) => {
      const outcome = await press(w.store, w.stamp, phone.holderId, at);
      expect(outcome.verdict.reason).toBe("ACCEPTED");
      return outcome.purpose;
    };
    expect(await purposeOf(day + 9 * HOUR + 2 * MINUTE)).toBe(Purpose.CLOCK_IN);
    const atNoon = await cardView(w.store, phone.holderId, "bean-bros", day + 12 * HOUR);
    expect(atNoon).toMatchObject({ kind: "worker", stamps: 0, worker: { workerId: worker.id, name: "Jiwoo", clockedIn: true, since: day + 9 * HOUR + 2 * MINUTE, days: [] } });
    expect(await purposeOf(day + 17 * HOUR + 5 * MINUTE)).toBe(Purpose.CLOCK_OUT);
    // The next day a clock-in and no clock-out; the day after, the morning press starts a new shift.
    expect(await purposeOf(day + 24 * HOUR + 8 * HOUR)).toBe(Purpose.CLOCK_IN);
    expect(await purposeOf(day + 48 * HOUR + 9 * HOUR)).toBe(Purpose.CLOCK_IN);
    const view = await cardView(w.store, phone.holderId, "bean-bros", day + 48 * HOUR + 10 * HOUR);
    expect(view?.worker).toEqual({
      workerId: worker.id,
      name: "Jiwoo",
      clockedIn: true,
      since: day + 48 * HOUR + 9 * HOUR,
      days: [
        { day: "2025-03-11", minutes: 0, missingClockOut: true },
        { day: "2025-03-10", minutes: 8 * 60 + 3, missingClockOut: false },
      ],
    });
    expect(await purposeOf(day + 48 * HOUR + 12 * HOUR + 30 * MINUTE)).toBe(Purpose.CLOCK_OUT);
    const later = await cardView(w.store, phone.holderId, "bean-bros", day + 48 * HOUR + 13 * HOUR);
    expect(later?.worker).toMatchObject({ clockedIn: false, since: undefined });
    expect(later?.worker?.days[0]).toEqual({ day: "2025-03-12", minutes: 3 * 60 + 30, missingClockOut: false });
  });

  it("counts a shift to the day it began in the shop's time zone", async () => {
    const w = await createTestWorld(kind);
    const start = Date.parse("2025-03-10T23:00:00Z"); // 08:00 on the 11th in Seoul
    const worker = must(await addWorker(w.store, w.owner, { merchantId: "bean-bros", name: "Jiwoo" }, start));
    const phone = await newHolder(w.store, start);
    must(await acceptWorkerInvitation(w.store, { code: must(await inviteWorker(w.store, w.owner, worker.id, start)).code, holderId: phone.holderId, now: start }));
    expect((await press(w.store, w.stamp, phone.holderId, start)).purpose).toBe(Purpose.CLOCK_IN);
    expect((await press(w.store, w.stamp, phone.holderId, start + 9 * HOUR)).purpose).toBe(Purpose.CLOCK_OUT);
    expect((await cardView(w.store, phone.holderId, "bean-bros", start + 10 * HOUR, "Asia/Seoul"))?.worker?.days).toEqual([{ day: "2025-03-11", minutes: 540, missingClockOut: false }]);
    expect((await cardView(w.store, phone.holderId, "bean-bros", start + 10 * HOUR))?.worker?.days).toEqual([{ day: "2025-03-10", minutes: 540, missingClockOut: false }]);
  });

  it("of two presses of two stamps read by one worker's phone at once, from two stores, one clocks in and the other out", async () => {
    const w = await createTestWorld(kind);
    const other = new TestStamp();
    await w.register(other, ["gangnam"], "stamp-2");
    const now = Date.now();
    const worker = must(await addWorker(w.store, w.owner, { merchantId: "bean-bros", name: "Jiwoo" }, now));
    const phone = await newHolder(w.store, now);
    must(await acceptWorkerInvitation(w.store, { code: must(await inviteWorker(w.store, w.owner, worker.id, now)).code, holderId: phone.holderId, now: now }));
    const second = await w.database.open();
    try {
      const outcomes = await Promise.all([press(w.store, w.stamp, phone.holderId, now + 1), press(second, other, phone.holderId, now + 2)]);
      expect(outcomes.map((outcome) => outcome.verdict.reason)).toEqual(["ACCEPTED", "ACCEPTED"]);
      expect(outcomes.map((outcome) => outcome.purpose).sort()).toEqual([Purpose.CLOCK_IN, Purpose.CLOCK_OUT]);
      expect((await w.store.getWorker(worker.id))?.clockedInSince).toBeUndefined();
    } finally {
      await second.close();
    }
  });
});
