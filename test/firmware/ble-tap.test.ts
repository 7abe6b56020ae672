import { describe, expect, it } from "vitest";
import { Reason } from "../../shared/reason-codes";
import { startStamp } from "../../firmware/stamp-runtime";
import { localTapService } from "../../host/core/counter-station";
import { Verdict } from "../../host/core/verdict";
import { localFlashingStation, registerProvedStamp } from "../../sim/provision";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedDevice } from "../../sim/simulated-device";
import { simulatedStampSigner } from "../../sim/stamp-signer";
import { verifierPeripheral } from "../../sim/simulated-verifier-peripheral";
import { approveSimulatedFirmware } from "../ble/stamp-world";
import { createTestWorld, EnrolledStation } from "../support/test-world";

type World = Awaited<ReturnType<typeof createTestWorld>>;

/** The radio is under test here: the station reaches the core in process, as its own counter-station principal. */
const serviceOf = (w: World, station: EnrolledStation) => localTapService(w.store, station.principal, Date.now);

async function bleWorld() {
  const w = await createTestWorld();
  const air = new SimulatedAir();
  const verdicts: { verifier: string; verdict: Verdict }[] = [];
  air.peripherals.push(verifierPeripheral(serviceOf(w, w.hongdaeStation), w.hongdae.id, -80, (verdict) => verdicts.push({ verifier: "hongdae", verdict })));
  air.peripherals.push(verifierPeripheral(serviceOf(w, w.gangnamStation), w.gangnam.id, -40, (verdict) => verdicts.push({ verifier: "gangnam", verdict })));
  const device = new SimulatedDevice(simulatedStampSigner(), air);
  const runtime = startStamp(device);
  await approveSimulatedFirmware(w);
  await registerProvedStamp(localFlashingStation(w.store, w.flasher.principal), runtime.stamp, { label: "ble-stamp", merchantId: "bean-bros", shopIds: ["gangnam"] });
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
    expect(await w.store.listEvents({ merchantId: "bean-bros", limit: 10 })).toHaveLength(0);
  });

  it("refuses a write longer than the MTU allows", async () => {
    const air = new SimulatedAir(23);
    const w = await createTestWorld();
    air.peripherals.push(verifierPeripheral(serviceOf(w, w.gangnamStation), w.gangnam.id, -40, () => {}));
    const [advert] = await air.scan(air.peripherals[0].serviceUuid, 10);
    const link = await advert.connect();
    await expect(link.write("anything", new Uint8Array(21))).rejects.toThrow(/exceeds MTU 23/);
  });
});
