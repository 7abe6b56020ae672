import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, challengeFor, expectRefused, GANGNAM_VERIFIER, NET_TIMEOUT, registerStamp, seed, Seeded, startApi, Station, TestApi } from "./api-harness";
import { newTestStamp, signTapHex, TestStamp } from "./signed-tap";

let api: TestApi;
let world: Seeded;
let gangnam: TestStamp;
let hongdae: TestStamp;

async function tapAt(station: Station, stamp: TestStamp, counter: number): Promise<string> {
  const { challenge } = await challengeFor(station);
  const verdict = await call<{ reason: string }>(station.client, "POST", "/v1/taps", { response: signTapHex(stamp, challenge, counter) }, 200);
  api.now += 1000;
  return verdict.reason;
}

/** Two stamps, four accepted taps, a stolen-stamp tap and a late counter. Tests only read it (but the last). */
async function history(): Promise<void> {
  api = await startApi();
  world = await seed(api);
  const { gangnamStation, hongdaeStation, owner } = world.beanBros;
  gangnam = newTestStamp();
  hongdae = newTestStamp();
  await registerStamp(world.beanBros.flasher, gangnam, { label: "g", shopIds: ["gangnam"] });
  await registerStamp(world.beanBros.flasher, hongdae, { label: "h", shopIds: ["hongdae"] });
  expect(await tapAt(gangnamStation, gangnam, 1)).toBe("ACCEPTED");
  await call(owner.client, "PATCH", `/v1/verifiers/${GANGNAM_VERIFIER}`, { purpose: "redeem", quantity: 2 }, 200);
  expect(await tapAt(gangnamStation, gangnam, 2)).toBe("ACCEPTED");
  await call(owner.client, "PATCH", `/v1/verifiers/${GANGNAM_VERIFIER}`, { purpose: "stamp", quantity: 1 }, 200);
  expect(await tapAt(hongdaeStation, hongdae, 1)).toBe("ACCEPTED");
  expect(await tapAt(gangnamStation, gangnam, 5)).toBe("ACCEPTED");
  expect(await tapAt(gangnamStation, hongdae, 2)).toBe("OUTSIDE_SHOP"); // stolen: refused, alerted
  expect(await tapAt(gangnamStation, gangnam, 4)).toBe("COUNTER_REGRESSION"); // late: refused, alerted
}

beforeAll(history, NET_TIMEOUT);
afterAll(async () => {
  await api.close();
});

interface EventJson {
  sequence: number;
  stampId: string;
  counter: number;
  shopId: string;
  purpose: string;
  quantity: number;
  acceptedAt: string;
  hash: string;
  previousHash: string;
}

interface Page<T> {
  items: T[];
  next: string | null;
}

function events(query = ""): Promise<Page<EventJson>> {
  return call(world.beanBros.auditor.client, "GET", `/v1/events${query}`, undefined, 200);
}

describe("GET /v1/events", { timeout: NET_TIMEOUT }, () => {
  it("lists accepted taps newest first, with purpose names, quantities and ISO times", async () => {
    const page = await events();
    expect(page.next).toBeNull();
    expect(page.items.map((e) => [e.sequence, e.stampId, e.counter])).toEqual([
      [4, gangnam.id, 5],
      [3, hongdae.id, 1],
      [2, gangnam.id, 2],
      [1, gangnam.id, 1],
    ]);
    expect(page.items[2]).toMatchObject({ purpose: "redeem", quantity: 2, shopId: "gangnam" });
    expect(page.items[3]).toMatchObject({ purpose: "stamp", quantity: 1 });
    expect(page.items[0].acceptedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(page.items[2].previousHash).toBe(page.items[3].hash);
  });

  it("names the stamp, shop and verifier beside their ids (stampLabel, shopName, verifierLabel)", async () => {
    const page = await events();
    expect(page.items[0]).toMatchObject({ stampId: gangnam.id, stampLabel: "g", shopId: "gangnam", shopName: "Bean Bros Gangnam", verifierId: GANGNAM_VERIFIER, verifierLabel: "front counter" });
    expect(page.items[1]).toMatchObject({ stampId: hongdae.id, stampLabel: "h", shopId: "hongdae", shopName: "Bean Bros Hongdae" });
  });

  it("pages with limit and the before cursor, `next` pointing at the following page", async () => {
    const first = await events("?limit=3");
    expect(first.items.map((e) => e.sequence)).toEqual([4, 3, 2]);
    expect(first.next).toBe("2");
    const second = await events(`?limit=3&before=${first.next}`);
    expect(second).toMatchObject({ items: [expect.objectContaining({ sequence: 1 })], next: null });
    const exact = await events("?limit=2&before=3");
    expect(exact.items.map((e) => e.sequence)).toEqual([2, 1]);
    // A full page always offers a next one; that page is empty.
    expect(await events(`?limit=2&before=${exact.next}`)).toEqual({ items: [], next: null });
  });

  it("asks the store for one page (limit and cursor go to SQL), scoped to the caller's merchant", async () => {
    const original = api.store.listEvents.bind(api.store);
    const asked: unknown[] = [];
    api.store.listEvents = (filter) => {
      asked.push(filter);
      return original(filter);
    };
    try {
      await events("?limit=2&before=4");
      await events();
    } finally {
      api.store.listEvents = original;
    }
    expect(asked).toEqual([expect.objectContaining({ merchantId: "bean-bros", limit: 2, before: 4 }), expect.objectContaining({ merchantId: "bean-bros", limit: 100, before: undefined })]);
  });

  it("filters by stamp and shop, combined with paging", async () => {
    expect((await events(`?stampId=${hongdae.id}`)).items.map((e) => e.sequence)).toEqual([3]);
    expect((await events("?shopId=gangnam")).items.map((e) => e.sequence)).toEqual([4, 2, 1]);
    expect((await events(`?shopId=hongdae&stampId=${gangnam.id}`)).items).toEqual([]);
    const page = await events(`?stampId=${gangnam.id}&limit=1&before=4`);
    expect(page).toMatchObject({ items: [expect.objectContaining({ sequence: 2 })], next: "2" });
  });

  it("shows another merchant none of bean-bros' events, and refuses stations (403) and no credential (401)", async () => {
    expect(await call(world.teaHouse.owner.client, "GET", "/v1/events", undefined, 200)).toEqual({ items: [], next: null });
    await expectRefused(api, () => world.beanBros.gangnamStation.client.request("GET", "/v1/events"), 403, "FORBIDDEN");
    await expectRefused(api, () => world.operator.client.request("GET", "/v1/events"), 403, "FORBIDDEN");
    await expectRefused(api, () => api.anonymous.request("GET", "/v1/events"), 401, "UNAUTHENTICATED");
    await expectRefused(api, () => api.anonymous.request("GET", `/v1/events?stampId=${gangnam.id}`), 401, "UNAUTHENTICATED");
  });

  it.each([
    ["limit=0", /limit must be a whole number from 1 to 1000/],
    ["limit=1001", /limit must be a whole number/],
    ["limit=-1", /limit must be a whole number/],
    ["limit=abc", /limit must be a whole number/],
    ["limit=1&limit=2", /limit must be given once/],
    ["before=0", /before must be a sequence number/],
    ["before=x", /before must be a sequence number/],
    ["stampId=xyz", /stampId must be 16 lower-case hex digits/],
    ["shopId=Gang%20Nam", /shopId must be 1-40 characters/],
    ["since=2025", /since is not a known field of the query/],
  ])("refuses ?%s with 400", async (query, message) => {
    const error = await expectRefused(api, () => world.beanBros.owner.client.request("GET", `/v1/events?${query}`), 400, "INVALID_INPUT");
    expect(error.message).toMatch(message);
  });
});

interface AlertJson {
  id: number;
  kind: string;
  at: string;
  stampId: string;
  reason: string;
}

describe("GET /v1/alerts", { timeout: NET_TIMEOUT }, () => {
  it("lists the alerts newest first, a page at a time", async () => {
    const all = await call<Page<AlertJson>>(world.beanBros.manager.client, "GET", "/v1/alerts", undefined, 200);
    expect(all.items.map((a) => [a.kind, a.stampId, a.reason])).toEqual([
      ["LATE_COUNTER", gangnam.id, "COUNTER_REGRESSION"],
      ["STAMP_OUTSIDE_SHOP", hongdae.id, "OUTSIDE_SHOP"],
    ]);
    expect(all.next).toBeNull();
    expect(all.items[0].at).toMatch(/Z$/);
    // Names beside the ids, and the kind and the reason in words.
    expect(all.items[1]).toMatchObject({
      stampLabel: "h",
      shopId: "gangnam",
      shopName: "Bean Bros Gangnam",
      verifierLabel: "front counter",
      sentence: "this stamp was pressed at a counter where it does not belong: it may have been taken from its shop",
      reasonSentence: "this stamp belongs to another shop and does not count here; the owner has been alerted",
    });
    expect(all.items[0]).toMatchObject({ stampLabel: "g", sentence: expect.stringMatching(/number it had already passed/), reasonSentence: expect.stringMatching(/old number/) });
    const first = await call<Page<AlertJson>>(world.beanBros.manager.client, "GET", "/v1/alerts?limit=1", undefined, 200);
    expect(first).toEqual({ items: [all.items[0]], next: String(all.items[0].id) });
    const second = await call<Page<AlertJson>>(world.beanBros.manager.client, "GET", `/v1/alerts?limit=1&before=${first.next}`, undefined, 200);
    expect(second).toEqual({ items: [all.items[1]], next: String(all.items[1].id) });
    expect(await call(world.beanBros.manager.client, "GET", `/v1/alerts?limit=1&before=${second.next}`, undefined, 200)).toEqual({ items: [], next: null });
  });

  it("refuses bad queries (400), stations (403), no credential (401), and shows another merchant nothing", async () => {
    const owner = world.beanBros.owner.client;
    await expectRefused(api, () => owner.request("GET", "/v1/alerts?limit=0"), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("GET", "/v1/alerts?kind=x"), 400, "INVALID_INPUT");
    await expectRefused(api, () => world.beanBros.flasher.client.request("GET", "/v1/alerts"), 403, "FORBIDDEN");
    await expectRefused(api, () => api.anonymous.request("GET", "/v1/alerts"), 401, "UNAUTHENTICATED");
    expect(await call(world.teaHouse.owner.client, "GET", "/v1/alerts", undefined, 200)).toEqual({ items: [], next: null });
  });
});

describe("GET /v1/audit", { timeout: NET_TIMEOUT }, () => {
  it("gives an owner their merchant's entries only, the operator all of them, newest first", async () => {
    const tea = await call<Page<{ merchantId: string | null; action: string; sequence: number }>>(world.teaHouse.owner.client, "GET", "/v1/audit?limit=1000", undefined, 200);
    expect(tea.items.length).toBeGreaterThan(0);
    expect(tea.items.every((entry) => entry.merchantId === "tea-house")).toBe(true);
    const all = await call<Page<{ merchantId: string | null; sequence: number }>>(world.operator.client, "GET", "/v1/audit?limit=1000", undefined, 200);
    expect(new Set(all.items.map((entry) => entry.merchantId))).toEqual(new Set([null, "bean-bros", "tea-house"]));
    const sequences = all.items.map((entry) => entry.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => b - a));
    await expectRefused(api, () => world.beanBros.manager.client.request("GET", "/v1/audit"), 403, "FORBIDDEN");
    await expectRefused(api, () => api.anonymous.request("GET", "/v1/audit"), 401, "UNAUTHENTICATED");
  });
});

// Last in the file: it tampers with the database.
describe("POST /v1/ledger/check (operator)", { timeout: NET_TIMEOUT }, () => {
  it("reports an intact chain, and a tampered one", async () => {
    const intact = await call<{ intact: boolean; ledgerEvents: number }>(world.operator.client, "POST", "/v1/ledger/check", undefined, 200);
    expect(intact).toMatchObject({ intact: true, ledgerEvents: 4 });
    await expectRefused(api, () => world.beanBros.owner.client.request("POST", "/v1/ledger/check"), 403, "FORBIDDEN");

    // Tamper from outside the API: the append-only triggers must be dropped first.
    const db = new Database(api.dbPath);
    db.exec("DROP TRIGGER ledger_no_update");
    db.prepare("UPDATE ledger SET counter = 99 WHERE sequence = 2").run();
    db.close();
    const broken = await call<{ intact: boolean; problems: { sequence: number }[] }>(world.operator.client, "POST", "/v1/ledger/check", undefined, 200);
    expect(broken.intact).toBe(false);
    expect(broken.problems).toEqual(expect.arrayContaining([expect.objectContaining({ sequence: 2 })]));
  });
});
