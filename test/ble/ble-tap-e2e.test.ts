import { afterEach, describe, expect, it } from "vitest";
import { Reason } from "../../shared/reason-codes";
import { createTestWorld } from "../support/test-world";
import { StationUnderTest, startStation } from "./ble-world";
import { bootStamp, registerAt } from "./stamp-world";

const ALL_EVENTS = { merchantId: "bean-bros", limit: 100 };
const stations: StationUnderTest[] = [];
async function station(...args: Parameters<typeof startStation>): Promise<StationUnderTest> {
  const s = await startStation(...args);
  stations.push(s);
  return s;
}
afterEach(async () => {
  for (const s of stations.splice(0)) await s.stop();
});

function press(stamp: ReturnType<typeof bootStamp>): Promise<number> {
  stamp.device.press();
  return stamp.runtime.lastBleTap;
}

describe("BLE tap end to end: firmware → Espruino NRF API → ATT/L2CAP/HCI → bleno → host core", () => {
  it("press → verdict at MTU 53: ACCEPTED on the LEDs, counters rising, 4 ATT round trips after discovery", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const stamp = bootStamp([{ s, rssi: -45 }]);
    await registerAt(w, stamp, ["gangnam"]);
    stamp.device.press();
    expect(stamp.device.leds).toEqual({ red: false, green: false, blue: true });
    expect(await stamp.runtime.lastBleTap).toBe(Reason.ACCEPTED);
    expect(stamp.device.leds).toEqual({ red: false, green: true, blue: false });
    expect(await press(stamp)).toBe(Reason.ACCEPTED);
    expect(s.verdicts.map((v) => [v.reason, v.counter])).toEqual([["ACCEPTED", 1], ["ACCEPTED", 2]]);
    expect((await w.store.listEvents(ALL_EVENTS)).map((e) => e.counter)).toEqual([2, 1]); // newest first
    const traffic = stamp.nrf.connections[0].traffic;
    // MTU exchange, 3 × Read By Group Type, 3 × Read By Type, then the tap itself:
    // read challenge, 2 writes (50 bytes each at MTU 53), read verdict.
    expect(traffic.byRequest).toEqual({ MTU_REQ: 1, READ_BY_GROUP_REQ: 3, READ_BY_TYPE_REQ: 3, READ_REQ: 2, WRITE_REQ: 2 });
    expect(traffic.roundTrips - 7).toBeLessThanOrEqual(4);
    expect(stamp.nrf.connections.every((c) => !c.connected)).toBe(true);
    expect(s.controller.violations).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  it("at MTU 23 with Espruino's one-PDU readValue: the challenge in two reads, the reply in 5 writes of at most 20 bytes, ACCEPTED", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const stamp = bootStamp([{ s, rssi: -45 }], { mtu: 23, longReads: false });
    await registerAt(w, stamp, ["gangnam"]);
    expect(await press(stamp)).toBe(Reason.ACCEPTED);
    expect(stamp.nrf.connections[0].traffic.byRequest).toEqual({ READ_BY_GROUP_REQ: 3, READ_BY_TYPE_REQ: 4, READ_REQ: 3, WRITE_REQ: 5 });
    expect(s.controller.violations).toEqual([]);
  });

  it("at MTU 23 with a central that also sends Read Blob, the chunked challenge still reads whole: ACCEPTED", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const stamp = bootStamp([{ s, rssi: -45 }], { mtu: 23, longReads: true });
    await registerAt(w, stamp, ["gangnam"]);
    expect(await press(stamp)).toBe(Reason.ACCEPTED);
    expect(await w.store.listEvents(ALL_EVENTS)).toHaveLength(1);
  });

  it("picks the nearest verifier by RSSI, and a stamp used at the wrong shop is rejected (red)", async () => {
    const w = await createTestWorld();
    const gangnam = await station(w, w.gangnamStation, {}, { address: "c0:ff:ee:00:00:01" });
    const hongdae = await station(w, w.hongdaeStation, {}, { address: "c0:ff:ee:00:00:02" });
    const near = bootStamp([{ s: gangnam, rssi: -80 }, { s: hongdae, rssi: -40 }]);
    await registerAt(w, near, ["gangnam"]);
    expect(await press(near)).toBe(Reason.OUTSIDE_SHOP);
    expect(near.device.leds).toEqual({ red: true, green: false, blue: false });
    expect(hongdae.verdicts.map((v) => v.reason)).toEqual(["OUTSIDE_SHOP"]);
    expect(gangnam.verdicts).toEqual([]);
    expect(await w.store.listEvents(ALL_EVENTS)).toHaveLength(0);
    expect((await w.store.listAlerts("bean-bros", { limit: 10 })).some((a) => /stolen|outside|hongdae/i.test(JSON.stringify(a)))).toBe(true);
  });

  it("a clone (the flash copied, then both devices signing from the same state) is proven by one counter signed twice: COUNTER_FORK, quarantined", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const original = bootStamp([{ s, rssi: -45 }]);
    await registerAt(w, original, ["gangnam"]);
    expect(await press(original)).toBe(Reason.ACCEPTED);
    // The dump: key and counter 1. The original and the copy each sign counter 2, for different challenges.
    const clone = bootStamp([{ s, rssi: -45 }], {}, new Map(original.device.flash));
    expect(await press(original)).toBe(Reason.ACCEPTED);
    expect(await press(clone)).toBe(Reason.COUNTER_FORK);
    expect(s.verdicts.map((v) => [v.reason, v.counter])).toEqual([["ACCEPTED", 1], ["ACCEPTED", 2], ["COUNTER_FORK", 2]]);
    expect(clone.device.leds.red).toBe(true);
    const stampId = s.verdicts[0].stampId;
    expect((await w.store.getStamp(stampId ?? ""))?.status).toBe("quarantined");
    expect((await w.store.listAlerts("bean-bros", { limit: 10 })).map((a) => a.kind)).toEqual(["CLONE_PROVEN"]);
    expect(await press(original)).toBe(Reason.STAMP_QUARANTINED);
    expect((await w.store.listEvents(ALL_EVENTS)).map((e) => e.counter)).toEqual([2, 1]);
  });

  it("ignores a second press during a tap", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const stamp = bootStamp([{ s, rssi: -45 }]);
    await registerAt(w, stamp, ["gangnam"]);
    stamp.device.press();
    const first = stamp.runtime.lastBleTap;
    stamp.device.press();
    expect(await stamp.runtime.lastBleTap).toBe(-1);
    expect(await first).toBe(Reason.ACCEPTED);
    expect(s.verdicts).toHaveLength(1);
  });

  it("two stamps pressed at once: one link at a time, the second waits for the advert and both are judged", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const a = bootStamp([{ s, rssi: -45 }], { address: "d4:5e:c0:00:00:0a" });
    const b = bootStamp([{ s, rssi: -50 }], { address: "d4:5e:c0:00:00:0b" });
    await registerAt(w, a, ["gangnam"], "a");
    await registerAt(w, b, ["gangnam"], "b");
    a.device.press();
    b.device.press();
    expect(await Promise.all([a.runtime.lastBleTap, b.runtime.lastBleTap])).toEqual([Reason.ACCEPTED, Reason.ACCEPTED]);
    expect(s.verdicts.map((v) => v.stampLabel).sort()).toEqual(["a", "b"]);
    expect(await w.store.listEvents(ALL_EVENTS)).toHaveLength(2);
    expect(s.controller.violations).toEqual([]);
  });

  it("no verifier in reach: bounded scans, then the tap ends quietly", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const stamp = bootStamp([]);
    await registerAt(w, stamp, ["gangnam"]);
    const started = Date.now();
    expect(await press(stamp)).toBe(-1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(stamp.device.leds).toEqual({ red: false, green: false, blue: false });
    expect(s.verdicts).toEqual([]);
  });
});
