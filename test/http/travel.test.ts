/**
 * The travel rule through the real API and store, on SQLite and PostgreSQL: shop locations set by
 * the merchant, a stamp bound to two shops 11 km apart in Seoul, and the ledger's last tap read
 * on every tap.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { minimumTravelMs } from "../../host/core/travel-rule";
import { call, challengeFor, expectRefused, NET_TIMEOUT, registerStamp, seed, Seeded, Station, startApi, TestApi } from "./api-harness";
import { describeEachStore } from "../support/test-stores";
import { newTestStamp, signTapHex, TestStamp } from "./signed-tap";

const GANGNAM = { latitude: 37.4979, longitude: 127.0276 };
const HONGDAE = { latitude: 37.5563, longitude: 126.922 };
const TRIP_MS = minimumTravelMs(GANGNAM, HONGDAE);

let api: TestApi;
let world: Seeded;
let stamp: TestStamp;
let counter = 0;
let stamps = 0;

async function tapAt(station: Station): Promise<{ accepted: boolean; reason: string; message: string }> {
  const challenge = (await challengeFor(station)).challenge;
  return call(station.client, "POST", "/v1/taps", { response: signTapHex(stamp, challenge, ++counter) }, 200);
}

async function alertsOfStamp(): Promise<{ kind: string; shopId: string; reason: string; detail: string }[]> {
  const all = await call<{ items: { kind: string; stampId: string; shopId: string; reason: string; detail: string }[] }>(world.beanBros.owner.client, "GET", "/v1/alerts?limit=1000", undefined, 200);
  return all.items.filter((a) => a.stampId === stamp.id);
}

describeEachStore("the travel rule", (kind) => {
  beforeAll(async () => {
    api = await startApi(kind);
    world = await seed(api);
    const owner = world.beanBros.owner.client;
    await call(owner, "PUT", "/v1/shops/gangnam/location", GANGNAM, 200);
    await call(owner, "PUT", "/v1/shops/hongdae/location", HONGDAE, 200);
  }, NET_TIMEOUT);
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(async () => {
    stamp = newTestStamp();
    counter = 0;
    await registerStamp(world.beanBros.flasher, stamp, { label: `travel-${++stamps}`, shopIds: ["gangnam", "hongdae"] });
  });

  it("keeps a shop's location, shows it, and refuses coordinates off the globe", { timeout: NET_TIMEOUT }, async () => {
    const owner = world.beanBros.owner.client;
    const shops = await call<{ items: { id: string; location?: { latitude: number; longitude: number } }[] }>(owner, "GET", "/v1/shops", undefined, 200);
    expect(shops.items.find((s) => s.id === "gangnam")?.location).toEqual(GANGNAM);
    await expectRefused(api, () => owner.request("PUT", "/v1/shops/gangnam/location", { latitude: 91, longitude: 0 }), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("PUT", "/v1/shops/gangnam/location", { latitude: "37.5", longitude: 127 }), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("PUT", "/v1/shops/no-such-shop/location", GANGNAM), 404, "NOT_FOUND");
    const audit = await call<{ items: { action: string; subject: string }[] }>(owner, "GET", "/v1/audit?limit=1000", undefined, 200);
    expect(audit.items.filter((e) => e.action === "shop.locate").map((e) => e.subject)).toEqual(expect.arrayContaining(["gangnam", "hongdae"]));
  });

  it("refuses the stamp at the other shop sooner than the trip, alerts, and neither quarantines nor stops it", { timeout: NET_TIMEOUT }, async () => {
    expect(TRIP_MS).toBeGreaterThan(60_000);
    expect((await tapAt(world.beanBros.gangnamStation)).accepted).toBe(true);
    api.now += 5_000;
    const refused = await tapAt(world.beanBros.hongdaeStation);
    expect(refused).toMatchObject({ accepted: false, reason: "IMPOSSIBLE_TRAVEL" });
    expect(refused.message).toContain("from gangnam");
    expect(await alertsOfStamp()).toEqual([expect.objectContaining({ kind: "IMPOSSIBLE_TRAVEL", shopId: "hongdae", reason: "IMPOSSIBLE_TRAVEL" })]);
    const status = await call<{ status: string; lastCounter: number }>(world.beanBros.owner.client, "GET", `/v1/stamps/${stamp.id}`, undefined, 200);
    // Not quarantined (no proof), and the refused tap's counter is spent.
    expect(status).toMatchObject({ status: "active", lastCounter: 2 });
    // Still good at the shop it was last accepted at, at once.
    expect((await tapAt(world.beanBros.gangnamStation)).accepted).toBe(true);
    // And at the other shop once the trip could have been made.
    api.now += TRIP_MS;
    expect((await tapAt(world.beanBros.hongdaeStation)).accepted).toBe(true);
  });

  it("leaves a shop without a location out of the rule", { timeout: NET_TIMEOUT }, async () => {
    const owner = world.beanBros.owner.client;
    await call(owner, "DELETE", "/v1/shops/hongdae/location", undefined, 200);
    try {
      expect((await tapAt(world.beanBros.gangnamStation)).accepted).toBe(true);
      expect((await tapAt(world.beanBros.hongdaeStation)).accepted).toBe(true);
      expect(await alertsOfStamp()).toEqual([]);
    } finally {
      await call(owner, "PUT", "/v1/shops/hongdae/location", HONGDAE, 200);
    }
  });

  it("reads the stamp's latest press from the ledger, by press time", { timeout: NET_TIMEOUT }, async () => {
    expect(await api.store.lastAcceptedTap(stamp.id)).toBeUndefined();
    expect((await tapAt(world.beanBros.gangnamStation)).accepted).toBe(true);
    expect(await api.store.lastAcceptedTap(stamp.id)).toEqual({ shopId: "gangnam", at: api.now, location: GANGNAM });
  });
});
