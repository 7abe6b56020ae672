/**
 * `stamp analytics` as a person runs it: real `stamp` processes asking a real `stamp serve`
 * (--url, the owner's token file) for the come-back list and the daily figures, once with --json
 * and once with --csv. Both must carry the same figures, and those are the ones counted by hand
 * from the taps made here: customers' phones opening the stamp's URLs through the core on the
 * served SQLite file, at instants more than a month ago (the CLI's and the server's clock is the
 * real one).
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newHolder } from "../../host/core/phone/cards";
import { openPhoneTap } from "../../host/core/phone/phone-tap";
import { SqliteStore } from "../../host/store/sqlite-store";
import { BASE_URL, phoneTokenText } from "../host/phone-fixture";
import { Child, runStamp, spawnStamp, tempDir } from "./cli-harness";
import { addShops, addStationsAndStamp, CliWorld, initWorld } from "./cli-world";

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** World set-up through the CLI in process, then `stamp serve` started with tsx on a busy 2-core machine. */
const SETUP_TIMEOUT_MS = 90_000;
const SERVE_READY_TIMEOUT_MS = 45_000;
/** Four CLI processes at once (each starts tsx and Fastify). */
const RUN_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** UTC midnight 45 days ago: the three days of taps are all more than 30 days old. */
const DAY0 = Math.floor(Date.now() / DAY) * DAY - 45 * DAY;
const at = (day: number, hour: number) => DAY0 + day * DAY + hour * HOUR;
const dayText = (day: number) => new Date(at(day, 0)).toISOString().slice(0, 10);

/** A CSV text's rows as arrays of fields (these fields hold no commas or quotes). */
function csvRows(text: string): string[][] {
  expect(text.endsWith("\r\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\r\n")
    .map((line) => line.split(","));
}

describe("stamp analytics --json and --csv against stamp serve", () => {
  let dir: string;
  let world: CliWorld;
  let serve: Child;
  let url: string;
  const card = { ana: "", bo: "", chul: "" };

  beforeAll(async () => {
    dir = tempDir();
    world = await initWorld(dir);
    await addShops(world);
    const { stamp } = await addStationsAndStamp(world);
    const store = new SqliteStore(world.db);
    try {
      for (const name of ["ana", "bo", "chul"] as const) card[name] = (await newHolder(store, at(0, 0))).holderId;
      const press = async (holderId: string, when: number) => {
        const outcome = await openPhoneTap(store, { baseUrl: BASE_URL, tokenText: phoneTokenText(stamp), holderId: holderId, now: when });
        expect(outcome.verdict.reason).toBe("ACCEPTED");
      };
      // Day 0: Ana, Bo and Chul at Gangnam. Day 1: Ana again. Day 2: Chul again. One stamp per press (the default program).
      await press(card.ana, at(0, 1));
      await press(card.bo, at(0, 3));
      await press(card.chul, at(0, 4));
      await press(card.ana, at(1, 2));
      await press(card.chul, at(2, 5));
    } finally {
      await store.close();
    }
    serve = spawnStamp(["--db", world.db, "serve", "--port", "0"]);
    const announced = /listening on (http:\/\/\S+)/.exec(await serve.waitForOut(/listening on http:\/\/\S+ .*\n/, SERVE_READY_TIMEOUT_MS));
    if (announced === null) throw new Error("stamp serve did not say where it listens");
    url = announced[1];
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (serve !== undefined) {
      serve.kill("SIGTERM");
      await serve.done;
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, STOP_TIMEOUT_MS);

  /** `stamp --url <serve> --token-file <owner> analytics <args>`, in its own process; its stdout. */
  async function analytics(...args: string[]): Promise<string> {
    const result = await runStamp(["--url", url, "--token-file", world.ownerTokenFile, "analytics", ...args]);
    if (result.code !== 0) throw new Error(`stamp analytics ${args.join(" ")} failed (${result.code}): ${result.err}`);
    return result.out;
  }

  it("prints the same come-back list as JSON and as CSV: the counted cards, longest gone first", async () => {
    const [json, csv] = await Promise.all([
      analytics("come-back", "--merchant", "bean-bros", "--quiet-days", "30", "--json"),
      analytics("come-back", "--merchant", "bean-bros", "--quiet-days", "30", "--csv"),
    ]);
    const report = JSON.parse(json) as { quietDays: number; truncated: boolean; cards: { cardId: string; stamps: number; lastVisit: number | string }[] };
    expect(report).toMatchObject({ quietDays: 30, truncated: false });
    const counted = [
      { cardId: card.bo, stamps: 1, lastVisit: at(0, 3) },
      { cardId: card.ana, stamps: 2, lastVisit: at(1, 2) },
      { cardId: card.chul, stamps: 2, lastVisit: at(2, 5) },
    ];
    // An instant in the JSON may be ms or ISO 8601 text (docs/analytics.md, "Times"): compared as ms.
    expect(report.cards.map((c) => ({ ...c, lastVisit: typeof c.lastVisit === "string" ? Date.parse(c.lastVisit) : c.lastVisit }))).toEqual(counted);
    expect(csvRows(csv)).toEqual([["card_id", "stamps", "last_visit"], ...counted.map((c) => [c.cardId, String(c.stamps), new Date(c.lastVisit).toISOString()])]);
  }, RUN_TIMEOUT_MS);

  it("prints the same daily stamps and customers as JSON and as CSV, per shop and for all shops", async () => {
    const range = ["--merchant", "bean-bros", "--from", dayText(0), "--to", dayText(2)];
    const [json, csv] = await Promise.all([analytics("daily", ...range, "--json"), analytics("daily", ...range, "--csv")]);
    const report = JSON.parse(json) as { from: string; to: string; timeZone: string; days: { day: string; shopId: string | null; shopName: string | null; stamps: number; customers: number }[] };
    expect(report).toMatchObject({ from: dayText(0), to: dayText(2), timeZone: "UTC" });
    const counted = [
      { day: dayText(0), shopId: "gangnam", shopName: "Bean Bros Gangnam", stamps: 3, customers: 3 },
      { day: dayText(0), shopId: null, shopName: null, stamps: 3, customers: 3 },
      { day: dayText(1), shopId: "gangnam", shopName: "Bean Bros Gangnam", stamps: 1, customers: 1 },
      { day: dayText(1), shopId: null, shopName: null, stamps: 1, customers: 1 },
      { day: dayText(2), shopId: "gangnam", shopName: "Bean Bros Gangnam", stamps: 1, customers: 1 },
      { day: dayText(2), shopId: null, shopName: null, stamps: 1, customers: 1 },
    ];
    expect(report.days).toEqual(counted);
    expect(csvRows(csv)).toEqual([["day", "shop_id", "stamps", "customers"], ...counted.map((d) => [d.day, d.shopId ?? "", String(d.stamps), String(d.customers)])]);
  }, RUN_TIMEOUT_MS);

  it("says on stderr, and nothing on stdout, when the merchant is not the owner's", async () => {
    const result = await runStamp(["--url", url, "--token-file", world.ownerTokenFile, "analytics", "come-back", "--merchant", "tea-house", "--json"]);
    expect(result.code).not.toBe(0);
    expect(result.out).toBe("");
    // The same words as for a merchant that does not exist: whose merchants exist is not told.
    expect(result.err).toMatch(/^error: .*merchant tea-house does not exist/);
  }, RUN_TIMEOUT_MS);
});
