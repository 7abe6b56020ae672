import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Purpose } from "../../shared/protocol-constants";
import { SqliteStore } from "../../host/store/sqlite-store";
import { runDemo } from "../../sim/demo";

describe("npm run demo", () => {
  it("enrols its stations, taps through the API, then shows replay, forgery, theft and a proven clone refused, a phone credited without an app, a worker clocked in and out, the owner's reports, a reward earned and redeemed, a coupon used and refused the second time, and a request without a credential refused", async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), "stamp-demo-test-")), "demo.db");
    const lines: string[] = [];
    await runDemo({ dbPath, out: (line) => lines.push(line) });
    const text = lines.join("\n");
    lines.splice(0, lines.length, ...text.split("\n"));
    const row = (event: string) => lines.find((line) => line.includes(` ${event} `)) ?? "";

    // Set up through the access flows: stations enrolled with codes, stamps registered with proofs.
    expect(text).toContain("stamp station enrol (x3)");
    expect(text).toMatch(/stamp flash \(x2\)[^\n]*\n[^\n]*proof of possession/);
    expect(lines.filter((line) => /^ {4}(gangnam|hongdae)-stamp-1 {2}id [0-9a-f]{16} {2}shops /.test(line))).toHaveLength(2);

    expect(lines.filter((line) => /^\d+ +tap .* (NFC|BLE) .* ACCEPTED/.test(line))).toHaveLength(5);
    expect(lines.filter((line) => /^\d+ +tap .* BLE .* ACCEPTED/.test(line))).toHaveLength(2);
    expect(row("replayed response")).toContain("CHALLENGE_REUSED");
    expect(row("forged signature")).toContain("BAD_SIGNATURE");
    expect(row("stolen stamp")).toContain("OUTSIDE_SHOP");
    // The clone: one flash dump booted twice signs one counter twice.
    const boot1 = row("flash dump, boot 1");
    const boot2 = row("flash dump, boot 2");
    expect(boot1).toMatch(/ NFC +4 +ACCEPTED/);
    expect(boot2).toMatch(/ NFC +4 +REJECTED +COUNTER_FORK/);
    expect(row("genuine after clone")).toContain("STAMP_QUARANTINED");
    expect(text).toMatch(/No credential: POST \/v1\/challenges .* 401 UNAUTHENTICATED/);
    expect(text).toMatch(/\[CLONE_PROVEN\] stamp [0-9a-f]{16} at gangnam: two valid signatures with counter 4/);
    expect(text).not.toContain("LATE_COUNTER");
    // A customer's phone, no app: the idle link without a press, then one signed link credited once.
    expect(text).toContain("the phone reads https://stamp.bean-bros.kr/p: a page that asks for a press, nothing signed");
    expect(text).toMatch(/pressed, held to the phone +https:\/\/stamp\.bean-bros\.kr\/t\/[A-Za-z0-9_-]{16}… \(141 characters, NDEF message 138 bytes, 9 READ frames\)/);
    expect(text).toMatch(/the phone opens it +303 -> \/card\/bean-bros\?tap=stamped; new card: stamp_card=<random secret>; HttpOnly; Secure/);
    expect(text).toMatch(/the same link opened again +303 -> \/card\/bean-bros\?tap=already-used/);
    expect(text).toContain("the card at Bean Brothers Coffee: 1 stamp, 9 more for a free item");
    // A worker's phone linked by the owner's invitation, clocked in and out by two presses; the reports.
    expect(text).toMatch(/the worker's phone opens it +303 -> \/card\/bean-bros\?linked=1: this phone is now Kim Ji-woo's work card/);
    expect(text).toMatch(/pressed, held to that phone +303 -> \/card\/bean-bros\?tap=clocked-in/);
    expect(text).toMatch(/8 h 3 min later, again +303 -> \/card\/bean-bros\?tap=clocked-out/);
    expect(text).toMatch(/attendance +Kim Ji-woo +\d{4}-\d{2}-\d{2} +8 h 3 min +missing clock-outs 0/);
    expect(text).toMatch(/come-back +cards with 1-9 stamps not seen for 30 days, as CSV for a message campaign \(1 of them\):\n +card_id,stamps,last_visit\n +[0-9a-f]{32},1,\d{4}-/);
    // Rewards and coupons: a reward completed by presses, redeemed by a press; the come-back coupon used, then refused.
    expect(text).toMatch(/stamp coupons issue +--come-back: 1 coupon "20% off a cake"/);
    expect(text).toMatch(/the customer's third press +303 -> \/card\/bean-bros\?tap=stamped/);
    expect(text).toContain("a reward (a free americano) and a coupon (20% off a cake)");
    expect(text).toMatch(/pressed, held to the phone +303 -> \/card\/bean-bros\?tap=redeemed: reward used, once/);
    expect(text).toMatch(/pressed, held to the phone +303 -> \/card\/bean-bros\?tap=redeemed: coupon used/);
    expect(text).toMatch(/the same coupon a second time 303 -> \/card\/bean-bros\?redeem=used: "This reward or coupon was already used/);
    expect(text).toContain("Ledger: 13 accepted taps, every stamp signature re-verified, hash chains intact.");

    const store = new SqliteStore(dbPath);
    try {
      const statuses = (await store.listStamps("bean-bros", { limit: 10 })).map((s) => s.status).sort();
      expect(statuses).toEqual(["active", "active", "quarantined"]);
      const events = await store.listEvents({ merchantId: "bean-bros", limit: 100 });
      expect(events).toHaveLength(13);
      expect(events.filter((event) => event.transport === "phone")).toHaveLength(7);
      expect(events.filter((event) => event.purpose === Purpose.REDEEM)).toHaveLength(2);
      const alerts = (await store.listAlerts("bean-bros", { limit: 100 })).map((a) => a.kind).sort();
      expect(alerts).toEqual(["CLONE_PROVEN", "FORGED_SIGNATURE", "QUARANTINED_STAMP_USED", "STAMP_OUTSIDE_SHOP"]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
