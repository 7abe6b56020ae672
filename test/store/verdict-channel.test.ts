/**
 * The dashboard's live verdicts across host processes: on PostgreSQL a verdict published by one
 * process (its own store, pool and listening connection) reaches the views of another process on
 * the same database within a second, and its own views exactly once; junk sent on the channel by
 * any client of the database is dropped. On SQLite there is no channel: each process streams its own.
 */
import { Client } from "pg";
import { expect, it } from "vitest";
import { parseWireNotice, VerdictFeed, VerdictNotice } from "../../host/core/staff/verdict-feed";
import { PostgresStore } from "../../host/store/postgres-store";
import { describeEachStore, createTestDatabase } from "../support/test-stores";

const NOTICE: VerdictNotice = { merchantId: "bean-bros", at: 1_767_225_600_000, accepted: true, reason: "ACCEPTED", transport: "station", stampId: "00112233445566ff", stampLabel: "gangnam-1", shopId: "gangnam" };
const HEARD_WITHIN_MS = 1000;

/** The next notice the feed gives the merchant's views, or a rejection after `ms`. */
function nextNotice(feed: VerdictFeed, ms: number): Promise<VerdictNotice> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no verdict within ${ms} ms`)), ms);
    const stop = feed.subscribe("bean-bros", (notice) => {
      clearTimeout(timer);
      stop();
      resolve(notice);
    });
  });
}

it("reads a notice from another process only when every field is well formed", () => {
  const wire = JSON.stringify({ origin: "a1", notice: NOTICE });
  expect(parseWireNotice(wire)).toEqual({ origin: "a1", notice: NOTICE });
  const { stampId: _stampId, stampLabel: _stampLabel, shopId: _shopId, ...bare } = NOTICE;
  expect(parseWireNotice(JSON.stringify({ origin: "a1", notice: bare }))?.notice).toEqual({ ...bare, stampId: undefined, stampLabel: undefined, shopId: undefined });
  for (const junk of [
    "",
    "{",
    "null",
    "[]",
    JSON.stringify({ notice: NOTICE }),
    JSON.stringify({ origin: 1, notice: NOTICE }),
    JSON.stringify({ origin: "a1", notice: { ...NOTICE, reason: "MADE_UP" } }),
    JSON.stringify({ origin: "a1", notice: { ...NOTICE, at: "now" } }),
    JSON.stringify({ origin: "a1", notice: { ...NOTICE, transport: "carrier pigeon" } }),
    JSON.stringify({ origin: "a1", notice: { ...NOTICE, stampLabel: { toString: 1 } } }),
    JSON.stringify({ origin: "a1", notice: { ...NOTICE, merchantId: null } }),
  ]) {
    expect(parseWireNotice(junk), junk).toBeUndefined();
  }
});

describeEachStore("verdicts heard across host processes", (kind) => {
  it(kind === "postgres" ? "reach another process's views within a second, and one's own views once" : "stay in the process that decided them (no channel on SQLite)", async () => {
    const database = await createTestDatabase(kind);
    const first = await database.open();
    if (kind === "sqlite") {
      expect(first.verdictChannel).toBeUndefined();
      const feed = new VerdictFeed(first.verdictChannel);
      await feed.start();
      const heard = nextNotice(feed, HEARD_WITHIN_MS);
      feed.publish(NOTICE);
      expect(await heard).toEqual(NOTICE);
      await feed.stop();
      await first.close();
      return;
    }
    const second = await PostgresStore.open(database.location);
    const here = new VerdictFeed(first.verdictChannel);
    const there = new VerdictFeed(second.verdictChannel);
    await here.start();
    await there.start();
    try {
      const ownViews: VerdictNotice[] = [];
      const stopOwn = here.subscribe("bean-bros", (notice) => ownViews.push(notice));
      const heardThere = nextNotice(there, HEARD_WITHIN_MS);
      here.publish(NOTICE);
      expect(await heardThere).toEqual(NOTICE);

      // Junk written on the channel by any client of the database is dropped, and the next real notice still arrives.
      const raw = new Client({ connectionString: database.location });
      await raw.connect();
      await raw.query("SELECT pg_notify('stamp_verdicts', $1)", ['{"origin":"x","notice":{"merchantId":"bean-bros"}}']);
      await raw.end();
      const next = { ...NOTICE, accepted: false, reason: "COUNTER_FORK" as const };
      const heardNext = nextNotice(there, HEARD_WITHIN_MS);
      here.publish(next);
      expect(await heardNext).toEqual(next);

      // The publishing process's own views got each notice once: at once, not again from the channel.
      const other = nextNotice(here, HEARD_WITHIN_MS);
      there.publish({ ...NOTICE, stampLabel: "from the second process" });
      expect((await other).stampLabel).toBe("from the second process");
      stopOwn();
      expect(ownViews.map((notice) => notice.reason)).toEqual(["ACCEPTED", "COUNTER_FORK", "ACCEPTED"]);
    } finally {
      await here.stop();
      await there.stop();
      await second.close();
      await first.close();
    }
  }, 30_000);
});
