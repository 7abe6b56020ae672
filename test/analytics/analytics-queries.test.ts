/**
 * The merchant's analytics on both stores, against a generated month of taps (fixed seed) made
 * through the real tap flows: each report equals what plain code here computes from the taps as
 * they were made (not from the ledger, nor with SQL). Days are Seoul's (UTC+9, no daylight
 * saving since 1988): computed here by shifting the instant, not with Intl.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Purpose } from "../../shared/protocol-constants";
import { authenticateToken, issueToken } from "../../host/core/access/credentials";
import { attendanceRangeReport, comeBackReport, dailyReport, frequencyReport } from "../../host/core/analytics/analytics-reports";
import { addMerchant, addShop } from "../../host/core/registry";
import { describeEachStore } from "../support/test-stores";
import { must } from "../support/test-world";
import { generateMonth, MonthOfTaps, RecordedTap } from "./month-of-taps";

const ZONE = "Asia/Seoul";
const DAY = 86_400_000;
const MAX_SHIFT = 16 * 3_600_000;
const GENERATE_TIMEOUT_MS = 120_000;
const QUERY_TIMEOUT_MS = 20_000;

function seoulDay(at: number): string {
  return new Date(at + 9 * 3_600_000).toISOString().slice(0, 10);
}

const isCustomerTap = (tap: RecordedTap) => tap.purpose === Purpose.STAMP || tap.purpose === Purpose.REDEEM;

function expectedDaily(taps: readonly RecordedTap[], shopId?: string) {
  const groups = new Map<string, { day: string; shopId: string | null; stamps: number; cards: Set<string> }>();
  for (const tap of taps) {
    if (!isCustomerTap(tap) || (shopId !== undefined && tap.shopId !== shopId)) continue;
    for (const shop of [tap.shopId, null]) {
      const key = `${seoulDay(tap.at)}|${shop ?? "~all"}`;
      const group = groups.get(key) ?? { day: seoulDay(tap.at), shopId: shop, stamps: 0, cards: new Set<string>() };
      if (tap.purpose === Purpose.STAMP) group.stamps += tap.quantity;
      if (tap.cardId !== null) group.cards.add(tap.cardId);
      groups.set(key, group);
    }
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, g]) => ({ day: g.day, shopId: g.shopId, shopName: g.shopId === null ? null : g.shopId === "gangnam" ? "Gangnam" : "Hongdae", stamps: g.stamps, customers: g.cards.size }));
}

function expectedFrequency(taps: readonly RecordedTap[]) {
  const days = new Map<string, Set<string>>();
  for (const tap of taps) if (isCustomerTap(tap) && tap.cardId !== null) days.set(tap.cardId, (days.get(tap.cardId) ?? new Set()).add(seoulDay(tap.at)));
  const histogram = new Map<number, number>();
  for (const set of days.values()) histogram.set(set.size, (histogram.get(set.size) ?? 0) + 1);
  return [...histogram.entries()].sort(([a], [b]) => a - b).map(([visitDays, cards]) => ({ visitDays: visitDays, cards: cards }));
}

function expectedComeBack(taps: readonly RecordedTap[], minStamps: number, maxStamps: number, quietSince: number) {
  const cards = new Map<string, { stamps: number; lastVisit: number }>();
  for (const tap of taps) {
    if (!isCustomerTap(tap) || tap.cardId === null) continue;
    const card = cards.get(tap.cardId) ?? { stamps: 0, lastVisit: 0 };
    if (tap.purpose === Purpose.STAMP) card.stamps += tap.quantity;
    card.lastVisit = Math.max(card.lastVisit, tap.at);
    cards.set(tap.cardId, card);
  }
  return [...cards.entries()]
    .filter(([, card]) => card.stamps >= minStamps && card.stamps <= maxStamps && card.lastVisit < quietSince)
    .sort(([a, x], [b, y]) => x.lastVisit - y.lastVisit || (a < b ? -1 : 1))
    .map(([cardId, card]) => ({ cardId: cardId, stamps: card.stamps, lastVisit: card.lastVisit }));
}

/** Each worker's clock taps in order: a clock-in directly followed by a clock-out is a shift; otherwise missing, or open if it is the last one and recent. */
function expectedAttendance(month: MonthOfTaps) {
  const workers = [];
  const missing: { workerId: string; day: string; clockIn: number }[] = [];
  const open: { workerId: string; clockIn: number }[] = [];
  for (const worker of month.workers) {
    const clock = month.taps.filter((tap) => tap.workerId === worker.id);
    const dayMs = new Map<string, { ms: number; missing: number }>();
    clock.forEach((tap, i) => {
      if (tap.purpose !== Purpose.CLOCK_IN) return;
      const next = clock[i + 1];
      if (next === undefined && month.now - tap.at < MAX_SHIFT) return void open.push({ workerId: worker.id, clockIn: tap.at });
      const day = dayMs.get(seoulDay(tap.at)) ?? { ms: 0, missing: 0 };
      dayMs.set(seoulDay(tap.at), day);
      if (next !== undefined && next.purpose === Purpose.CLOCK_OUT) day.ms += next.at - tap.at;
      else {
        day.missing += 1;
        missing.push({ workerId: worker.id, day: seoulDay(tap.at), clockIn: tap.at });
      }
    });
    const days = [...dayMs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, d]) => ({ period: day, minutes: Math.floor(d.ms / 60_000), missingClockOuts: d.missing }));
    const months = new Map<string, { period: string; minutes: number; missingClockOuts: number }>();
    for (const d of days) {
      const m = months.get(d.period.slice(0, 7)) ?? { period: d.period.slice(0, 7), minutes: 0, missingClockOuts: 0 };
      m.minutes += d.minutes;
      m.missingClockOuts += d.missingClockOuts;
      months.set(m.period, m);
    }
    workers.push({ workerId: worker.id, workerName: worker.name, days: days, months: [...months.values()] });
  }
  workers.sort((a, b) => (a.workerId < b.workerId ? -1 : 1));
  return { workers, missing, open };
}

describeEachStore("analytics over a generated month of taps", (kind) => {
  let month: MonthOfTaps;
  let range: { merchantId: string; from: string; to: string; timeZone: string };

  beforeAll(async () => {
    month = await generateMonth(kind);
    range = { merchantId: "bean-bros", from: seoulDay(month.start), to: seoulDay(month.now), timeZone: ZONE };
  }, GENERATE_TIMEOUT_MS);

  it("gives stamps and unique customers per day and shop, and per day for all shops", async () => {
    const report = must(await dailyReport(month.world.store, month.world.owner, range, month.now));
    expect(report).toMatchObject({ merchantId: "bean-bros", shopId: null, timeZone: ZONE, from: range.from, to: range.to });
    const expected = expectedDaily(month.taps);
    expect(expected.length).toBeGreaterThan(40);
    expect(report.days).toEqual(expected);
    const hongdae = must(await dailyReport(month.world.store, month.world.owner, { ...range, shopId: "hongdae" }, month.now));
    expect(hongdae.days).toEqual(expectedDaily(month.taps, "hongdae"));
    // A narrower range holds exactly its days.
    const week = must(await dailyReport(month.world.store, month.world.owner, { ...range, from: seoulDay(month.start + 10 * DAY), to: seoulDay(month.start + 16 * DAY) }, month.now));
    expect(week.days).toEqual(expected.filter((row) => row.day >= week.from && row.day <= week.to));
  }, QUERY_TIMEOUT_MS);

  it("counts cards by the number of days they came on", async () => {
    const report = must(await frequencyReport(month.world.store, month.world.owner, range, month.now));
    const expected = expectedFrequency(month.taps);
    expect(expected.length).toBeGreaterThan(3);
    expect(report.frequency).toEqual(expected);
    expect(report.cards).toBe(24);
  }, QUERY_TIMEOUT_MS);

  it("lists the cards that stopped at some stamps and have not come back, longest gone first", async () => {
    const report = must(await comeBackReport(month.world.store, month.world.owner, { merchantId: "bean-bros", minStamps: 4, maxStamps: 12, quietDays: 7 }, month.now));
    const expected = expectedComeBack(month.taps, 4, 12, month.now - 7 * DAY);
    expect(expected.length).toBeGreaterThan(2);
    expect(report).toMatchObject({ minStamps: 4, maxStamps: 12, quietDays: 7, quietSince: month.now - 7 * DAY, truncated: false });
    expect(report.cards).toEqual(expected);
    const first = must(await comeBackReport(month.world.store, month.world.owner, { merchantId: "bean-bros", minStamps: 4, maxStamps: 12, quietDays: 7, limit: 2 }, month.now));
    expect(first).toMatchObject({ cards: expected.slice(0, 2), truncated: true });
  }, QUERY_TIMEOUT_MS);

  it("reports workers' minutes per day and month; missing clock-outs counted and listed, the open shift apart", async () => {
    const report = must(await attendanceRangeReport(month.world.store, month.world.owner, range, month.now));
    const expected = expectedAttendance(month);
    expect(expected.missing.length).toBeGreaterThan(1);
    expect(expected.open).toHaveLength(1);
    expect(report.workers).toEqual(expected.workers);
    expect(report.missingClockOuts.map((m) => ({ workerId: m.workerId, day: m.day, clockIn: m.clockIn }))).toEqual(expected.missing.sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : a.clockIn - b.clockIn)));
    expect(report.openShifts.map((o) => ({ workerId: o.workerId, clockIn: o.clockIn }))).toEqual(expected.open);
  }, QUERY_TIMEOUT_MS);

  it("lets the merchant's owner, manager and auditor read, nobody else; another merchant's is not there", async () => {
    const { store, owner, operator, gangnamStation } = month.world;
    const at = Date.now();
    const auditorToken = must(await issueToken(store, owner, { role: "auditor", merchantId: "bean-bros", label: "books" }, at));
    const auditor = must(await authenticateToken(store, auditorToken.token, at));
    expect((await dailyReport(store, auditor, range, month.now)).ok).toBe(true);
    expect(await dailyReport(store, gangnamStation.principal, range, month.now)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await comeBackReport(store, operator, { merchantId: "bean-bros" }, month.now)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    must(await addMerchant(store, operator, { id: "tea-house", name: "Tea House" }, at));
    const teaOwnerToken = must(await issueToken(store, operator, { role: "owner", merchantId: "tea-house", label: "tea" }, at));
    const teaOwner = must(await authenticateToken(store, teaOwnerToken.token, at));
    must(await addShop(store, teaOwner, { id: "tea-main", merchantId: "tea-house", name: "Tea Main" }, at));
    expect(await attendanceRangeReport(store, teaOwner, range, month.now)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await dailyReport(store, owner, { ...range, shopId: "tea-main" }, month.now)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(must(await dailyReport(store, teaOwner, { ...range, merchantId: "tea-house" }, month.now)).days).toEqual([]);
  }, QUERY_TIMEOUT_MS);

  it("refuses a time zone it does not know, a range backwards or longer than a year, and bounds out of range", async () => {
    const { store, owner } = month.world;
    expect(await dailyReport(store, owner, { ...range, timeZone: "Mars/Olympus" }, month.now)).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await dailyReport(store, owner, { ...range, from: range.to, to: range.from }, month.now)).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await frequencyReport(store, owner, { ...range, from: "2024-01-01", to: "2025-01-01" }, month.now)).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await dailyReport(store, owner, { ...range, from: "2025-02-30" }, month.now)).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await comeBackReport(store, owner, { merchantId: "bean-bros", minStamps: 5, maxStamps: 4 }, month.now)).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await comeBackReport(store, owner, { merchantId: "bean-bros", quietDays: 0 }, month.now)).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
  }, QUERY_TIMEOUT_MS);
});

describe("the analytics' defaults", () => {
  it("reads the last 30 days in UTC when no range is given", { timeout: GENERATE_TIMEOUT_MS }, async () => {
    const month = await generateMonth("sqlite", 7);
    const report = must(await dailyReport(month.world.store, month.world.owner, { merchantId: "bean-bros" }, month.now));
    expect(report.timeZone).toBe("UTC");
    expect(report.to).toBe(new Date(month.now).toISOString().slice(0, 10));
    expect(report.from).toBe(new Date(month.now - 29 * DAY).toISOString().slice(0, 10));
    const utcStamps = month.taps.filter((tap) => tap.purpose === Purpose.STAMP && tap.at >= Date.parse(report.from)).reduce((sum, tap) => sum + tap.quantity, 0);
    expect(report.days.filter((row) => row.shopId === null).reduce((sum, row) => sum + row.stamps, 0)).toBe(utcStamps);
  });
});
