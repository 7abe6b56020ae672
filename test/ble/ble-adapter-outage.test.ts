/**
 * The BLE counter station survives its adapter: the adapter going down (unplugged, `hciconfig
 * hci0 down`) while serving is reported once; when it comes back the station sets its service up
 * and advertises again, and serves the next tap — without a restart.
 */
import { afterEach, describe, expect, it } from "vitest";
import { splitIntoChunks } from "../../shared/ble-gatt";
import { StampStatus } from "../../shared/stamp-reply";
import { ControllerOptions } from "../../sim/ble-hci/emulated-controller";
import { createTestWorld } from "../support/test-world";
import { connectRaw, readWholeChallenge, startStation, StationUnderTest, until } from "./ble-world";

const stations: StationUnderTest[] = [];
afterEach(async () => {
  for (const s of stations.splice(0)) await s.stop();
});

describe("the BLE station when its adapter goes away and comes back", () => {
  it("reports the adapter going down within seconds, advertises again when it is back, and serves a tap", async () => {
    const w = await createTestWorld();
    let back = 0;
    const s = await startStation(w, w.gangnamStation, { onAdapterBack: () => back++ });
    stations.push(s);
    const adapter = s.controller.options as Required<ControllerOptions>;
    expect(s.controller.advertising).toBe(true);

    // Unplugged: the emulated controller goes down and stops radiating (its `advertising` flag
    // does not follow the adapter state by itself). bleno polls the adapter every second.
    adapter.adapter = "down";
    s.controller.advertisingEnabled = false;
    await until(() => s.errors.length > 0, 5000);
    expect(s.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^the Bluetooth adapter went away \(the adapter is powered off or down/)]);

    // Plugged in again: a fresh controller, not advertising until the station asks.
    adapter.adapter = "present";
    await until(() => back === 1 && s.controller.advertising, 5000);

    const c = await connectRaw(s.controller, 53);
    const challenge = await readWholeChallenge(c.central, c.challenge);
    for (const part of splitIntoChunks(new Uint8Array([StampStatus.OK, ...w.stamp.answer(challenge)]), 50)) await c.central.write(c.response, part);
    expect(await c.central.read(c.verdict)).toEqual(new Uint8Array([0]));
    c.central.disconnect();
    expect(s.verdicts.map((v) => v.reason)).toEqual(["ACCEPTED"]);
    expect(s.errors).toHaveLength(1); // one line for the outage, none for the return
    const stopping = Date.now();
    await stations.splice(0)[0].stop();
    expect(Date.now() - stopping).toBeLessThan(2000);
  }, 20_000);
});
