/**
 * The relay rule through the real API and store, on SQLite and PostgreSQL: a reply held back
 * longer than any genuine exchange is refused and reported; one within the deadline is not.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { REPLY_DEADLINE_MS } from "../../host/core/relay-rule";
import { call, challengeFor, NET_TIMEOUT, registerStamp, seed, Seeded, startApi, TestApi } from "./api-harness";
import { describeEachStore } from "../support/test-stores";
import { newTestStamp, signTapHex, TestStamp } from "./signed-tap";

let api: TestApi;
let world: Seeded;
let stamp: TestStamp;
let counter = 0;
let stamps = 0;

/** A tap whose reply reaches the host `heldMs` after its challenge was issued. */
async function tapHeld(heldMs: number): Promise<{ accepted: boolean; reason: string }> {
  const station = world.beanBros.gangnamStation;
  const challenge = (await challengeFor(station)).challenge;
  const response = signTapHex(stamp, challenge, ++counter);
  api.now += heldMs;
  return call(station.client, "POST", "/v1/taps", { response: response }, 200);
}

describeEachStore("the relay rule", (kind) => {
  beforeAll(async () => {
    api = await startApi(kind);
    world = await seed(api);
  }, NET_TIMEOUT);
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(async () => {
    stamp = newTestStamp();
    counter = 0;
    await registerStamp(world.beanBros.flasher, stamp, { label: `relay-${++stamps}`, shopIds: ["gangnam"] });
    // Each test starts on a whole second, as the challenge's signed issue time does.
    api.now = Math.ceil(api.now / 1000) * 1000;
  });

  it("refuses a reply held past the deadline, alerts, spends the counter, and neither quarantines nor stops the stamp", { timeout: NET_TIMEOUT }, async () => {
    expect(await tapHeld(REPLY_DEADLINE_MS + 1_000)).toMatchObject({ accepted: false, reason: "POSSIBLE_RELAY" });
    const alerts = await call<{ items: { kind: string; stampId: string; reason: string }[] }>(world.beanBros.owner.client, "GET", "/v1/alerts?limit=1000", undefined, 200);
    expect(alerts.items.filter((a) => a.stampId === stamp.id)).toEqual([expect.objectContaining({ kind: "POSSIBLE_RELAY", reason: "POSSIBLE_RELAY" })]);
    const status = await call<{ status: string; lastCounter: number }>(world.beanBros.owner.client, "GET", `/v1/stamps/${stamp.id}`, undefined, 200);
    expect(status).toMatchObject({ status: "active", lastCounter: 1 });
    expect((await tapHeld(0)).accepted).toBe(true);
  });

  it("accepts a slow but possible reply, 7 s after its challenge", { timeout: NET_TIMEOUT }, async () => {
    expect((await tapHeld(REPLY_DEADLINE_MS)).accepted).toBe(true);
  });
});
