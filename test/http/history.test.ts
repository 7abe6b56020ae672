import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRefused, GANGNAM_VERIFIER, HONGDAE_VERIFIER, seed, startApi, TestApi } from "./api-harness";
import { newTestStamp, signTapHex, TestStamp } from "./signed-tap";

let api: TestApi;
let gangnam: TestStamp;
let hongdae: TestStamp;

async function tapAt(verifierId: string, stamp: TestStamp, counter: number, purpose = "stamp"): Promise<void> {
  const issued = await api.post("/v1/challenges", { verifierId: verifierId, purpose: purpose, quantity: 2 });
  const challenge = (issued.body as { challenge: string }).challenge;
  const verdict = await api.post("/v1/taps", { verifierId: verifierId, response: signTapHex(stamp, challenge, counter) });
  expect(verdict.status).toBe(200);
  api.now += 1000;
}

/** Two stamps, four accepted taps, a stolen-stamp tap and a clone tap. Tests only read it. */
async function history(): Promise<void> {
  api = await startApi();
  await seed(api);
  gangnam = newTestStamp();
  hongdae = newTestStamp();
  await api.post("/v1/stamps", { publicKey: gangnam.publicKeyHex, label: "g", merchantId: "bean-bros", shopIds: ["gangnam"] });
  await api.post("/v1/stamps", { publicKey: hongdae.publicKeyHex, label: "h", merchantId: "bean-bros", shopIds: ["hongdae"] });
  await tapAt(GANGNAM_VERIFIER, gangnam, 1);
  await tapAt(GANGNAM_VERIFIER, gangnam, 2, "redeem");
  await tapAt(HONGDAE_VERIFIER, hongdae, 1);
  await tapAt(GANGNAM_VERIFIER, gangnam, 3);
  await tapAt(GANGNAM_VERIFIER, hongdae, 2); // stolen: refused, alerted
  await tapAt(GANGNAM_VERIFIER, gangnam, 1); // clone: refused, quarantined, alerted
}

beforeAll(history);
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

describe("GET /v1/events", () => {
  it("lists accepted taps in order, with purpose names and ISO times", async () => {
    const response = await api.get("/v1/events");
    expect(response.status).toBe(200);
    const events = response.body as EventJson[];
    expect(events.map((e) => [e.sequence, e.stampId, e.counter])).toEqual([
      [1, gangnam.id, 1],
      [2, gangnam.id, 2],
      [3, hongdae.id, 1],
      [4, gangnam.id, 3],
    ]);
    expect(events[1]).toMatchObject({ purpose: "redeem", quantity: 2, shopId: "gangnam" });
    expect(events[0].acceptedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(events[1].previousHash).toBe(events[0].hash);
  });

  it("filters by stamp and shop, and keeps the most recent `limit`", async () => {
    const byStamp = (await api.get(`/v1/events?stampId=${hongdae.id}`)).body as EventJson[];
    expect(byStamp.map((e) => e.sequence)).toEqual([3]);
    const byShop = (await api.get("/v1/events?shopId=gangnam")).body as EventJson[];
    expect(byShop.map((e) => e.sequence)).toEqual([1, 2, 4]);
    const both = (await api.get(`/v1/events?shopId=hongdae&stampId=${gangnam.id}`)).body as EventJson[];
    expect(both).toEqual([]);
    const latest = (await api.get("/v1/events?limit=2")).body as EventJson[];
    expect(latest.map((e) => e.sequence)).toEqual([3, 4]);
  });

  it.each([
    ["limit=0", /limit must be a whole number from 1 to 1000/],
    ["limit=1001", /limit must be a whole number/],
    ["limit=-1", /limit must be a whole number/],
    ["limit=abc", /limit must be a whole number/],
    ["limit=1&limit=2", /limit must be given once/],
    ["stampId=xyz", /stampId must be 16 lower-case hex digits/],
    ["shopId=Gang%20Nam", /shopId must be 1-40 characters/],
    ["since=2025", /since is not a known field of the query/],
  ])("refuses ?%s with 400", async (query, message) => {
    const error = await expectRefused(api, () => api.get(`/v1/events?${query}`), 400, "INVALID_INPUT");
    expect(error.message).toMatch(message);
  });
});

describe("GET /v1/alerts", () => {
  it("lists the alerts, most recent last, with limit", async () => {
    const alerts = (await api.get("/v1/alerts")).body as { id: number; kind: string; at: string; stampId: string }[];
    expect(alerts.map((a) => [a.kind, a.stampId])).toEqual([
      ["STAMP_OUTSIDE_SHOP", hongdae.id],
      ["CLONE_SUSPECTED", gangnam.id],
    ]);
    expect(alerts[0].at).toMatch(/Z$/);
    const last = (await api.get("/v1/alerts?limit=1")).body as { kind: string }[];
    expect(last.map((a) => a.kind)).toEqual(["CLONE_SUSPECTED"]);
    await expectRefused(api, () => api.get("/v1/alerts?limit=0"), 400, "INVALID_INPUT");
    await expectRefused(api, () => api.get("/v1/alerts?kind=x"), 400, "INVALID_INPUT");
  });
});

// Last in the file: it tampers with the database.
describe("GET /v1/ledger/check", () => {
  it("reports an intact chain, and a tampered one", async () => {
    const intact = await api.get("/v1/ledger/check");
    expect(intact.status).toBe(200);
    expect(intact.body).toEqual({ intact: true, events: 4 });

    // Tamper from outside the API: the append-only triggers must be dropped first.
    const db = new Database(api.dbPath);
    db.exec("DROP TRIGGER ledger_no_update");
    db.prepare("UPDATE ledger SET counter = 99 WHERE sequence = 2").run();
    db.close();
    const broken = await api.get("/v1/ledger/check");
    expect(broken.status).toBe(200);
    expect(broken.body).toEqual({ intact: false, sequence: 2, problem: "the event was altered" });
  });
});
