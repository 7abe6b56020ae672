import type { BleCentral, Device } from "../../firmware/device";
import { createEspruinoBle } from "../../firmware/espruino/espruino-device";
import { startStamp, StampRuntime } from "../../firmware/stamp-runtime";
import { localFlashingStation, registerProvedStamp, SIMULATED_FIRMWARE_HASH, SIMULATED_FIRMWARE_LABEL } from "../../sim/provision";
import { SimulatedEspruinoNrf, SimulatedNrfOptions } from "../../sim/ble-hci/simulated-espruino-nrf";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedDevice, SimulatedFlash } from "../../sim/simulated-device";
import { simulatedStampSigner } from "../../sim/stamp-signer";
import { approveFirmware } from "../../host/core/stamp-registration";
import { must } from "../support/test-world";
import { StationUnderTest, TestWorld } from "./ble-world";

/** The simulated Puck.js with its BLE replaced by the firmware's Espruino central over emulated HCI. */
function withBle(device: SimulatedDevice, ble: BleCentral): Device {
  return {
    randomBytes: (n) => device.randomBytes(n),
    readFile: (name) => device.readFile(name),
    writeFile: (name, data) => device.writeFile(name, data),
    setLeds: (r, g, b) => device.setLeds(r, g, b),
    onButtonPress: (handler) => device.onButtonPress(handler),
    now: () => device.now(),
    setTimer: (handler, ms) => device.setTimer(handler, ms),
    clearTimer: (handle) => device.clearTimer(handle),
    signer: device.signer,
    nfc: device.nfc,
    ble,
  };
}

export interface StampUnderTest {
  device: SimulatedDevice;
  nrf: SimulatedEspruinoNrf;
  runtime: StampRuntime;
}

/** A stamp running the real firmware, whose BLE goes through createEspruinoBle → simulated NRF → HCI → bleno. */
export function bootStamp(stations: { s: StationUnderTest; rssi: number }[], options: SimulatedNrfOptions = {}, flash?: SimulatedFlash): StampUnderTest {
  const nrf = new SimulatedEspruinoNrf(options);
  for (const { s, rssi } of stations) nrf.stations.push({ controller: s.controller, rssi });
  const device = new SimulatedDevice(simulatedStampSigner(), new SimulatedAir(), flash);
  const runtime = startStamp(withBle(device, createEspruinoBle(nrf)));
  return { device, nrf, runtime };
}

/** The operator approves the firmware the simulated stamps report (once per world). */
export async function approveSimulatedFirmware(w: TestWorld): Promise<void> {
  if (await w.store.isFirmwareApproved(SIMULATED_FIRMWARE_HASH)) return;
  must(await approveFirmware(w.store, w.operator, { hash: SIMULATED_FIRMWARE_HASH, label: SIMULATED_FIRMWARE_LABEL }, Date.now()));
}

/** Registered by the world's flashing station, with the stamp's own proof over a host challenge. */
export async function registerAt(w: TestWorld, stamp: StampUnderTest, shopIds: string[], label = "ble-stamp"): Promise<void> {
  await approveSimulatedFirmware(w);
  await registerProvedStamp(localFlashingStation(w.store, w.flasher.principal), stamp.runtime.stamp, { label, merchantId: "bean-bros", shopIds });
}
