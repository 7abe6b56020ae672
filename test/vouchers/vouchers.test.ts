/**
 * Rewards and coupons on both stores: a stamp press that completes the card's stamps issues the
 * reward once; a holder asks to redeem a voucher and only the next verified press of the
 * merchant's stamp uses it, once; a used or expired voucher is refused with its reason and the
 * press still spends its counter; coupons go only to the merchant's own customers.
 */
import { expect, it } from "vitest";
import { cardView, newHolder } from "../../host/core/phone/cards";
import { setLoyaltyProgram } from "../../host/core/phone/loyalty";
import { openPhoneTap } from "../../host/core/phone/phone-tap";
import { REDEMPTION_REQUEST_TTL_MS } from "../../host/core/phone/voucher-model";
import { cancelRedemption, issueCoupons, listVouchers, requestRedemption } from "../../host/core/phone/vouchers";
import { Store } from "../../host/store/store";
import { Purpose } from "../../shared/protocol-constants";
import { mustRequest } from "./must-request";
import { describeEachStore } from "../support/test-stores";
import { createTestWorld, must, TestStamp } from "../support/test-world";
import { BASE_URL, phoneTokenText } from "../host/phone-fixture";

const MINUTE = 60_000;
const DAY = 86_400_000;

function press(store: Store, stamp: TestStamp, holderId: string, now: number) {
  return openPhoneTap(store, { baseUrl: BASE_URL, tokenText: phoneTokenText(stamp), holderId: holderId, now: now });
}

describeEachStore("rewards and coupons", (kind) => {
  it("issues each reward once, when the card's stamps reach it, with the program's expiry", async () => {
    const w = await createTestWorld(kind);
    must(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 3, stampsPerPress: 1, rewardLabel: "a free latte", rewardValidDays: 30 }, Date.now()));
    const { holderId } = await newHolder(w.store, Date.now());
    const start = Date.now();
    for (let i = 0; i < 7; i++) expect((await press(w.store, w.stamp, holderId, start + i * MINUTE)).verdict.reason).toBe("ACCEPTED");
    const view = await cardView(w.store, holderId, "bean-bros", start + 10 * MINUTE);
    expect(view).toMatchObject({ stamps: 7, rewardsReady: 2, nextRewardIn: 2 });
    const rewards = view?.vouchers ?? [];
    expect(rewards.map((r) => [r.kind, r.ordinal, r.label, r.state])).toEqual([
      ["reward", 2, "a free latte", "usable"],
      ["reward", 1, "a free latte", "usable"],
    ]);
    // The third press completed reward 1, the sixth reward 2; each expires 30 days after it.
    expect(rewards.find((r) => r.ordinal === 1)?.expiresAt).toBe(start + 2 * MINUTE + 30 * DAY);
    expect(await w.store.vouchers.rewardsIssued(holderId, "bean-bros")).toBe(2);
  });

  it("redeems a reward only with the next verified press, once; the request ends with the press", async () => {
    const w = await createTestWorld(kind);
    must(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 2, stampsPerPress: 1, rewardLabel: "a cake" }, Date.now()));
    const { holderId } = await newHolder(w.store, Date.now());
    const t = Date.now();
    await press(w.store, w.stamp, holderId, t);
    await press(w.store, w.stamp, holderId, t + MINUTE);
    const reward = (await w.store.vouchers.listCardVouchers(holderId, "bean-bros", 10))[0];
    expect(reward).toMatchObject({ kind: "reward", ordinal: 1, usedAt: undefined, expiresAt: undefined });

    const other = await newHolder(w.store, Date.now());
    expect(await requestRedemption(w.store, { holderId: other.holderId, merchantId: "bean-bros", voucherId: reward.id, now: t + 2 * MINUTE })).toEqual({ ok: false, why: "unknown" });
    const asked = await requestRedemption(w.store, { holderId: holderId, merchantId: "bean-bros", voucherId: reward.id, now: t + 2 * MINUTE });
    expect(asked).toMatchObject({ ok: true, request: { voucherId: reward.id, expiresAt: t + 2 * MINUTE + REDEMPTION_REQUEST_TTL_MS } });
    expect((await cardView(w.store, holderId, "bean-bros", t + 2 * MINUTE))?.redeeming).toEqual({ voucherId: reward.id, expiresAt: t + 2 * MINUTE + REDEMPTION_REQUEST_TTL_MS });
    // Asking used nothing: the reward is still there.
    expect((await w.store.vouchers.getVoucher(reward.id))?.usedAt).toBeUndefined();

    const redeemed = await press(w.store, w.stamp, holderId, t + 3 * MINUTE);
    expect(redeemed).toMatchObject({ verdict: { accepted: true, reason: "ACCEPTED" }, purpose: Purpose.REDEEM, quantity: 1 });
    const used = await w.store.vouchers.getVoucher(reward.id);
    expect(used?.usedAt).toBe(t + 3 * MINUTE);
    const events = await w.store.listEvents({ merchantId: "bean-bros", limit: 1 });
    expect(events[0]).toMatchObject({ purpose: Purpose.REDEEM, quantity: 1, cardId: holderId, transport: "phone", nonce: used?.usedBy });
    const after = await cardView(w.store, holderId, "bean-bros", t + 4 * MINUTE);
    expect(after).toMatchObject({ stamps: 2, rewardsReady: 0, redeeming: undefined });

    // Asking again is refused with the time it was used; the next press is a stamp again.
    expect(await requestRedemption(w.store, { holderId: holderId, merchantId: "bean-bros", voucherId: reward.id, now: t + 5 * MINUTE })).toEqual({ ok: false, why: "used", usedAt: t + 3 * MINUTE });
    expect(await press(w.store, w.stamp, holderId, t + 6 * MINUTE)).toMatchObject({ verdict: { reason: "ACCEPTED" }, purpose: Purpose.STAMP });
  });

  it("refuses a press that would redeem a used voucher (a request left from before its use), spending the counter", async () => {
    const w = await createTestWorld(kind);
    must(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 1, stampsPerPress: 1, rewardLabel: "a cake" }, Date.now()));
    const { holderId } = await newHolder(w.store, Date.now());
    const t = Date.now();
    await press(w.store, w.stamp, holderId, t);
    const reward = (await w.store.vouchers.listCardVouchers(holderId, "bean-bros", 10))[0];
    await mustRequest(w.store, { holderId: holderId, merchantId: "bean-bros", voucherId: reward.id, now: t });
    expect((await press(w.store, w.stamp, holderId, t + MINUTE)).purpose).toBe(Purpose.REDEEM);
    // A second browser's request, made before the use (stale), is still in the table.
    await w.store.vouchers.requestRedemption({ holderId: holderId, merchantId: "bean-bros", voucherId: reward.id, expiresAt: t + 3 * MINUTE });
    const counterBefore = (await w.store.getStamp(w.stamp.id))?.lastCounter ?? 0;
    const refused = await press(w.store, w.stamp, holderId, t + 2 * MINUTE);
    expect(refused.verdict).toMatchObject({ accepted: false, reason: "VOUCHER_USED", code: 17 });
    expect((await w.store.getStamp(w.stamp.id))?.lastCounter).toBe(counterBefore + 1);
    expect(await w.store.vouchers.findRedemptionRequest(holderId, "bean-bros", t + 2 * MINUTE)).toBeUndefined();
    expect((await w.store.vouchers.getVoucher(reward.id))?.usedAt).toBe(t + MINUTE);
    expect((await w.store.listEvents({ merchantId: "bean-bros", limit: 10 })).filter((e) => e.purpose === Purpose.REDEEM)).toHaveLength(1);
  });

  it("of two presses racing to redeem one voucher, exactly one uses it", async () => {
    const w = await createTestWorld(kind);
    must(await setLoyaltyProgram(w.store, w.owner, "bean-bros", { stampsPerReward: 1, stampsPerPress: 1, rewardLabel: "a cake" }, Date.now()));
    const { holderId } = await newHolder(w.store, Date.now());
    const t = Date.now();
    await press(w.store, w.stamp, holderId, t);
    const reward = (await w.store.vouchers.listCardVouchers(holderId, "bean-bros", 10))[0];
    await w.store.vouchers.requestRedemption({ holderId: holderId, merchantId: "bean-bros", voucherId: reward.id, expiresAt: t + 3 * MINUTE });
    const tokens = [phoneTokenText(w.stamp), phoneTokenText(w.stamp), phoneTokenText(w.stamp), phoneTokenText(w.stamp)];
    const outcomes = await Promise.all(tokens.map((token) => openPhoneTap(w.store, { baseUrl: BASE_URL, tokenText: token, holderId: holderId, now: t + MINUTE })));
    const redeems = (await w.store.listEvents({ merchantId: "bean-bros", limit: 20 })).filter((e) => e.purpose === Purpose.REDEEM);
    expect(redeems).toHaveLength(1);
    expect(outcomes.filter((o) => o.purpose === Purpose.REDEEM && o.verdict.accepted)).toHaveLength(1);
    expect((await w.store.vouchers.getVoucher(reward.id))?.usedBy).toBe(redeems[0].nonce);
  });

  it("refuses an expired coupon at the press, and issues coupons only to the merchant's customers", async () => {
    const w = await createTestWorld(kind);
    const { holderId } = await newHolder(w.store, Date.now());
    const t = Date.now();
    await press(w.store, w.stamp, holderId, t);
    const stranger = await newHolder(w.store, Date.now());

    expect(await issueCoupons(w.store, w.owner, { merchantId: "bean-bros", cardIds: [holderId, stranger.holderId], label: "10% off", validDays: 1 }, t)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await w.store.vouchers.listMerchantVouchers("bean-bros", 10)).toEqual([]);
    expect(await issueCoupons(w.store, w.gangnamStation.principal, { merchantId: "bean-bros", cardIds: [holderId], label: "10% off", validDays: 1 }, t)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await issueCoupons(w.store, w.owner, { merchantId: "bean-bros", cardIds: ["nope"], label: "10% off", validDays: 1 }, t)).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(must(await issueCoupons(w.store, w.owner, { merchantId: "bean-bros", cardIds: [holderId, holderId], label: "10% off", validDays: 1 }, t))).toEqual({ issued: 1, expiresAt: t + DAY });
    expect((await w.store.listAudit("bean-bros", { limit: 1 }))[0]).toMatchObject({ action: "coupon.issue" });
    const coupon = must(await listVouchers(w.store, w.owner, "bean-bros", 10))[0];
    expect(coupon).toMatchObject({ kind: "coupon", label: "10% off", holderId: holderId, ordinal: undefined, issuedBy: w.owner.credentialId });

    // Asked a minute before it expires; the press comes a minute after.
    await mustRequest(w.store, { holderId: holderId, merchantId: "bean-bros", voucherId: coupon.id, now: t + DAY - MINUTE });
    const late = await press(w.store, w.stamp, holderId, t + DAY + MINUTE);
    expect(late.verdict).toMatchObject({ accepted: false, reason: "VOUCHER_EXPIRED", code: 18 });
    expect((await w.store.vouchers.getVoucher(coupon.id))?.usedAt).toBeUndefined();
    expect(await requestRedemption(w.store, { holderId: holderId, merchantId: "bean-bros", voucherId: coupon.id, now: t + DAY + 2 * MINUTE })).toEqual({ ok: false, why: "expired", expiredAt: t + DAY });

    // Cancelling a request makes the next press a stamp.
    must(await issueCoupons(w.store, w.owner, { merchantId: "bean-bros", cardIds: [holderId], label: "a muffin", validDays: undefined }, t));
    const muffin = (await w.store.vouchers.listCardVouchers(holderId, "bean-bros", 10)).find((v) => v.label === "a muffin");
    await mustRequest(w.store, { holderId: holderId, merchantId: "bean-bros", voucherId: muffin?.id ?? "", now: t + 2 * DAY });
    await cancelRedemption(w.store, { holderId: holderId, merchantId: "bean-bros" });
    expect((await press(w.store, w.stamp, holderId, t + 2 * DAY + MINUTE)).purpose).toBe(Purpose.STAMP);
  });
});
