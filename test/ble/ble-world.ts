import {
  addChunk,
  CHALLENGE_CHARACTERISTIC_UUID,
  createChunkAssembly,
  RESPONSE_CHARACTERISTIC_UUID,
  VERDICT_CHARACTERISTIC_UUID,
  VERIFIER_SERVICE_UUID,
} from "../../shared/ble-gatt";
import { concatBytes } from "../../shared/bytes";
import { CHALLENGE_LENGTH, Purpose } from "../../shared/protocol-constants";
import { BleStation, BleStationOptions, startBleStation } from "../../host/ble/ble-station";
import { Verdict } from "../../host/core/verdict";
import { AttCentral, DiscoveredCharacteristic } from "../../sim/ble-hci/att-central";
import { ControllerOptions, EmulatedHciController } from "../../sim/ble-hci/emulated-controller";
import { loadBlenoOver } from "../../sim/ble-hci/hci-socket-substitute";
import { createTestWorld } from "../support/test-world";

export type TestWorld = Awaited<ReturnType<typeof createTestWorld>>;

/** A counter station: bleno over its own emulated controller, judging into the world's store. */
export interface StationUnderTest {
  controller: EmulatedHciController;
  station: BleStation;
  verdicts: Verdict[];
  errors: Error[];
}

export async function startStation(w: TestWorld, verifierId: string, options: Partial<BleStationOptions> = {}, controllerOptions: ControllerOptions = {}): Promise<StationUnderTest> {
  const controller = new EmulatedHciController(controllerOptions);
  const verdicts: Verdict[] = [];
  const errors: Error[] = [];
  const station = await startBleStation(
    w.store,
    {
      verifierId,
      purpose: Purpose.STAMP,
      quantity: 1,
      idleTimeoutMs: 2000,
      onVerdict: (verdict) => verdicts.push(verdict),
      onError: (error) => errors.push(error),
      ...options,
    },
    { loadBleno: () => loadBlenoOver(controller) },
  );
  return { controller, station, verdicts, errors };
}

/** Reads the challenge characteristic chunk by chunk (one ATT Read each, as a Puck.js does). */
export async function readWholeChallenge(central: AttCentral, handle: number): Promise<Uint8Array> {
  let assembly = createChunkAssembly();
  while (!assembly.complete) {
    const added = addChunk(assembly, await central.read(handle), CHALLENGE_LENGTH);
    if (!added.ok) throw new Error(added.error.detail);
    assembly = added.value;
  }
  return concatBytes(assembly.parts);
}

/** A raw ATT client connected to a station, with the verifier service's handles found. */
export async function connectRaw(controller: EmulatedHciController, mtu = 23) {
  const central = await AttCentral.connect(controller);
  if (mtu !== 23) await central.exchangeMtu(mtu);
  const services = await central.discoverPrimaryServices();
  const service = services.find((s) => s.uuid === VERIFIER_SERVICE_UUID);
  if (service === undefined) throw new Error("verifier service not found");
  const characteristics = await central.discoverCharacteristics(service);
  const handle = (uuid: string): DiscoveredCharacteristic => {
    const c = characteristics.find((x) => x.uuid === uuid);
    if (c === undefined) throw new Error(`characteristic ${uuid} not found`);
    return c;
  };
  return {
    central,
    services,
    characteristics,
    challenge: handle(CHALLENGE_CHARACTERISTIC_UUID).valueHandle,
    response: handle(RESPONSE_CHARACTERISTIC_UUID).valueHandle,
    verdict: handle(VERDICT_CHARACTERISTIC_UUID).valueHandle,
  };
}

export async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
