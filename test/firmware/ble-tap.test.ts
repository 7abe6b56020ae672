import { describe, expect, it } from "vitest";
import { Purpose } from "../../shared/protocol-constants";
import { Reason } from "../../shared/reason-codes";
import { startStamp } from "../../firmware/stamp-runtime";
import { toHex } from "../../shared/hex";
import { Verdict } from "../../host/core/verdict";
import { registerStamp } from "../../host/core/registry";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedDevice } from "../../sim/simulated-device";
import { simulatedStampSigner } from "../../sim/stamp-signer";
import { verifierPeripheral } from "../../sim/simulated-verifier-peripheral";
import { createTestWorld } from "../support/test-world";

async function bleWorld() {
  const w = await createTestWorld();
  const air = new SimulatedAir();
  const verdicts: { verifier: string; verdict: Verdict }[] = [];
  const order = { purpose: Purpose.STAMP, quantity: 1 };
  air.peripherals.push(verifierPeripheral(w.store, w.hongdae.id, -80, order, (verdict) => verdicts.push({ verifier: "hongdae", verdict })));
  air.peripherals.push(verifierPeripheral(w.store, w.gangnam.id, -40, order, (verdict) => verdicts.push({ verifier: "gangnam", verdict })));
  const device = new SimulatedDevice(simulatedStampSigner(), air);
  const runtime = startStamp(device);
  w.must(await registerStamp(w.store, { publicKeyHex: toHex(runtime.report.publicKey!), label: "ble-stamp", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [] }, Date.now()));
  return { ...w, air, device, runtime, verdicts };
}

describe("BLE tap from the stamp (central) to the nearest counter station", () => {
  it("press → nearest verifier → verdict on the LEDs, with user presence set", async () => {
    const w = await bleWorld();
    w.device.press();
    expect(w.device.leds.blue).toBe(true);
    expect(await w.runtime.lastBleTap).toBe(Reason.ACCEPTED);
    expect(w.verdicts).toEqual([{ verifier: "gangnam", verdict: expect.objectContaining({ accepted: true, counter: 1 }) }]);
    expect(w.device.leds).toEqual({ red: false, green: true, blue: false });
  });

  it("ignores a second press during a tap", async () => {
    const w = await bleWorld();
    w.device.press();
    const first = w.runtime.lastBleTap;
    w.device.press();
    expect(await w.runtime.lastBleTap).toBe(-1);
    expect(await first).toBe(Reason.ACCEPTED);
    expect(w.verdicts).toHaveLength(1);
  });

  it("shows red when the verifier rejects, and ends quietly when no verifier is in reach", async () => {
    const w = await bleWorld();
    w.air.peripherals.splice(1, 1); // only the Hongdae station is in reach: wrong shop
    w.device.press();
    expect(await w.runtime.lastBleTap).toBe(Reason.OUTSIDE_SHOP);
    expect(w.device.leds.red).toBe(true);
    w.air.peripherals.length = 0;
    w.device.press();
    expect(await w.runtime.lastBleTap).toBe(-1);
    expect(w.device.leds).toEqual({ red: false, green: false, blue: false });
  });

  it("survives the link dropping mid-tap: red light, nothing recorded", async () => {
    const w = await bleWorld();
    const station = w.air.peripherals[1];
    w.air.peripherals[1] = {
      ...station,
      connect() {
        const connection = station.connect();
        return {
          ...connection,
          async write() {
            w.air.dropAllLinks(); // the stamp left the counter while writing its reply
            throw new Error("link lost");
          },
        };
      },
    };
    w.device.press();
    expect(await w.runtime.lastBleTap).toBe(Reason.STAMP_REFUSED);
    expect(w.device.leds.red).toBe(true);
    expect(await w.store.listEvents({})).toHaveLength(0);
  });

  it("refuses a write longer than the MTU allows", async () => {
    const air = new SimulatedAir(23);
    const w = await createTestWorld();
    air.peripherals.push(verifierPeripheral(w.store, w.gangnam.id, -40, { purpose: Purpose.STAMP, quantity: 1 }, () => {}));
    const [advert] = await air.scan(air.peripherals[0].serviceUuid, 10);
    const link = await advert.connect();
    await expect(link.write("anything", new Uint8Array(21))).rejects.toThrow(/exceeds MTU 23/);
  });
});
