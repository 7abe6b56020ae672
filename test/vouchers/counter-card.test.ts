/**
 * A card at the counter reader, on both stores: the card page's code (scanned by the counter
 * station) makes the station's tap count on that card, issuing rewards, or redeem what the holder
 * asked to redeem; a till's receipt (order and amount) goes into the ledger event, whose hash
 * covers it. Codes are refused when unknown, expired or another merchant's; receipts are checked.
 */
import { expect, it } from "vitest";
import { issueChallenge } from "../../host/core/challenge-service";
import { addMerchant } from "../../host/core/registry";
import { checkLedgerEvidence } from "../../host/core/ledger-evidence";
import { cardView, newHolder } from "../../host/core/phone/cards";
import { COUNTER_CODE_TTL_MS, issueCounterCode } from "../../host/core/phone/counter-codes";
import { setLoyaltyProgram } from "../../host/core/phone/loyalty";
import { requestRedemption } from "../../host/core/phone/vouchers";
import { Purpose } from "../../shared/protocol-constants";
import { mustRequest } from "./must-request";
import { describeEachStore } from "../support/test-stores";
import { createTestWorld, must, TestWorld } from "../support/test-world";

const MINUTE = 60_000;

async function counterTap(w: TestWorld, order: Parameters<typeof issueChallenge>[3], now: number) {
  const issued = must(await issueChallenge(w.store, w.gangnamStation.principal, now, order));
  return { issued: issued.issued, verdict: await w.submit(w.gangnamStation, w.stamp.answer(issued.bytes), now + 1000) };
}

describeEachStore("a card at the counter reader, and receipts", (kind) => {
  it("counts a counter tap on the card whose code the station scanned, issuing its rewards, and keeps the receipt", async () => {
    const w = await createTestWorld(kind);
    must(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 2, stampsPerPress: 1, rewardLabel: "a cake" }, Date.now()));
    const { holderId } = await newHolder(w.store, Date.now());
    const t = Date.now();
    const { code } = await issueCounterCode(w.store, { holderId: holderId, merchantId: "bean-bros", now: t });
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const first = await counterTap(w, { card: code, receipt: { orderRef: "A-1001", amount: 4500, currency: "KRW" } }, t);
    expect(first.verdict.reason).toBe("ACCEPTED");
    expect(first.issued).toMatchObject({ cardId: holderId, purpose: Purpose.STAMP, receipt: { orderRef: "A-1001", amount: 4500, currency: "KRW" } });
    expect((await counterTap(w, { card: code }, t + MINUTE)).verdict.reason).toBe("ACCEPTED");
    const view = await cardView(w.store, holderId, "bean-bros", t + 2 * MINUTE);
    expect(view).toMatchObject({ stamps: 2, rewardsReady: 1 });
    expect(view?.recent).toHaveLength(2);

    const events = await w.store.listEvents({ merchantId: "bean-bros", limit: 10 });
    expect(events[1]).toMatchObject({ transport: "station", cardId: holderId, receipt: { orderRef: "A-1001", amount: 4500, currency: "KRW" } });
    expect(events[0]).toMatchObject({ cardId: holderId, receipt: undefined });
    // A tap without a card or receipt stays as it was: no card, no receipt.
    expect((await counterTap(w, {}, t + 3 * MINUTE)).verdict.reason).toBe("ACCEPTED");
    expect((await w.store.listEvents({ merchantId: "bean-bros", limit: 1 }))[0]).toMatchObject({ cardId: "", receipt: undefined });
    const checked = must(await checkLedgerEvidence(w.store, w.operator, { keptCheckpoints: [], hostPublicKey: undefined }));
    expect(checked).toMatchObject({ intact: true, ledgerEvents: 3 });
  });

  it("redeems, through a counter tap, the voucher the identified card asked to redeem, once", async () => {
    const w = await createTestWorld(kind);
    must(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 1, stampsPerPress: 1, rewardLabel: "a cake" }, Date.now()));
    const { holderId } = await newHolder(w.store, Date.now());
    const t = Date.now();
    const { code } = await issueCounterCode(w.store, { holderId: holderId, merchantId: "bean-bros", now: t });
    await counterTap(w, { card: code }, t);
    const reward = (await w.store.vouchers.listCardVouchers(holderId, "bean-bros", 5))[0];
    expect(reward).toMatchObject({ kind: "reward", ordinal: 1 });
    expect((await requestRedemption(w.store, { holderId: holderId, merchantId: "bean-bros", voucherId: reward.id, now: t + MINUTE })).ok).toBe(true);

    const redeeming = await counterTap(w, { card: code, receipt: { orderRef: "A-1002", amount: 0, currency: "KRW" } }, t + 2 * MINUTE);
    expect(redeeming.issued).toMatchObject({ purpose: Purpose.REDEEM, quantity: 1, voucherId: reward.id });
    expect(redeeming.verdict.reason).toBe("ACCEPTED");
    expect((await w.store.vouchers.getVoucher(reward.id))?.usedBy).toBe(redeeming.issued.nonce);
    expect(await w.store.vouchers.findRedemptionRequest(holderId, "bean-bros", t + 2 * MINUTE)).toBeUndefined();
    // The request ended with the press: the next counter tap with the card gives a stamp again.
    expect((await counterTap(w, { card: code }, t + 3 * MINUTE)).issued.purpose).toBe(Purpose.STAMP);
  });

  it("refuses a redeeming counter tap whose voucher was used meanwhile, spending the counter", async () => {
    const w = await createTestWorld(kind);
    must(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 1, stampsPerPress: 1, rewardLabel: "a cake" }, Date.now()));
    const { holderId } = await newHolder(w.store, Date.now());
    const t = Date.now();
    const { code } = await issueCounterCode(w.store, { holderId: holderId, merchantId: "bean-bros", now: t });
    await counterTap(w, { card: code }, t);
    const reward = (await w.store.vouchers.listCardVouchers(holderId, "bean-bros", 5))[0];
    await mustRequest(w.store, { holderId: holderId, merchantId: "bean-bros", voucherId: reward.id, now: t });
    // Two challenges for the same redemption (two tills): the first tap uses the reward, the second is refused.
    const a = must(await issueChallenge(w.store, w.gangnamStation.principal, t + MINUTE, { card: code }));
    const b = must(await issueChallenge(w.store, w.gangnamStation.principal, t + MINUTE, { card: code }));
    expect([a.issued.purpose, b.issued.purpose]).toEqual([Purpose.REDEEM, Purpose.REDEEM]);
    expect((await w.submit(w.gangnamStation, w.stamp.answer(a.bytes), t + MINUTE + 1000)).reason).toBe("ACCEPTED");
    const before = (await w.store.getStamp(w.stamp.id))?.lastCounter ?? 0;
    const second = await w.submit(w.gangnamStation, w.stamp.answer(b.bytes), t + MINUTE + 2000);
    expect(second).toMatchObject({ accepted: false, reason: "VOUCHER_USED" });
    expect((await w.store.getStamp(w.stamp.id))?.lastCounter).toBe(before + 1);
    expect((await w.store.listEvents({ merchantId: "bean-bros", limit: 10 })).filter((e) => e.purpose === Purpose.REDEEM)).toHaveLength(1);
  });

  it("refuses an unknown, expired or other merchant's code, and a malformed receipt", async () => {
    const w = await createTestWorld(kind);
    const { holderId } = await newHolder(w.store, Date.now());
    const t = Date.now();
    const { code } = await issueCounterCode(w.store, { holderId: holderId, merchantId: "bean-bros", now: t });
    const station = w.gangnamStation.principal;
    expect(await issueChallenge(w.store, station, t, { card: "A".repeat(22) })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await issueChallenge(w.store, station, t + COUNTER_CODE_TTL_MS, { card: code })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    must(await addMerchant(w.store, w.operator, { id: "tea-house", name: "Tea House" }, t));
    const foreign = await issueCounterCode(w.store, { holderId: holderId, merchantId: "tea-house", now: t });
    expect(await issueChallenge(w.store, station, t, { card: foreign.code })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    for (const receipt of [
      { orderRef: "", amount: 1, currency: "KRW" },
      { orderRef: "A\u202e1", amount: 1, currency: "KRW" },
      { orderRef: "A-1", amount: -1, currency: "KRW" },
      { orderRef: "A-1", amount: 1.5, currency: "KRW" },
      { orderRef: "A-1", amount: 1, currency: "krw" },
    ]) {
      expect(await issueChallenge(w.store, station, t, { receipt: receipt }), JSON.stringify(receipt)).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    }
    // Nothing was stored for the refused requests.
    expect(must(await issueChallenge(w.store, station, t, { card: code }))).toBeDefined();
  });
});
