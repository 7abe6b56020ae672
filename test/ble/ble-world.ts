import {
  addChunk,
  CHALLENGE_CHARACTERISTIC_UUID,
  createChunkAssembly,
  RESPONSE_CHARACTERISTIC_UUID,
  VERDICT_CHARACTERISTIC_UUID,
  VERIFIER_SERVICE_UUID,
} from "../../shared/ble-gatt";
import { concatBytes } from "../../shared/bytes";
import { CHALLENGE_LENGTH } from "../../shared/protocol-constants";
import { BleStation, BleStationOptions, startBleStation } from "../../host/ble/ble-station";
import { Verdict } from "../../host/core/verdict";
import { AttCentral, DiscoveredCharacteristic } from "../../sim/ble-hci/att-central";
import { ControllerOptions, EmulatedHciController } from "../../sim/ble-hci/emulated-controller";
import { loadBlenoOver } from "../../sim/ble-hci/hci-socket-substitute";
import { apiStation } from "../../sim/api-station";
import { createTestWorld, EnrolledStation } from "../support/test-world";

export type TestWorld = Awaited<ReturnType<typeof createTestWorld>>;

/** A counter station: bleno over its own emulated controller, judging through the HTTP API with its signed requests. */
export interface StationUnderTest {
  controller: EmulatedHciController;
  station: BleStation;
  verdicts: Verdict[];
  errors: Error[];
  /** Stops the station and closes its API client. */
  stop(): Promise<void>;
}

/** The verifier an enrolled counter station is bound to. */
export function verifierOf(station: EnrolledStation): string {
  if (station.principal.role !== "counter-station") throw new Error(`${station.principal.role} is not a counter station`);
  return station.principal.verifierId;
}

export async function startStation(w: TestWorld, enrolled: EnrolledStation, options: Partial<BleStationOptions> = {}, controllerOptions: ControllerOptions = {}): Promise<StationUnderTest> {
  const controller = new EmulatedHciController(controllerOptions);
  const verdicts: Verdict[] = [];
  const errors: Error[] = [];
  const api = apiStation(w.store, { keyId: enrolled.keyId, privateKey: enrolled.key.privateKey });
  let station: BleStation;
  try {
    station = await startBleStation(
      api.service,
      {
        verifierId: verifierOf(enrolled),
        idleTimeoutMs: 2000,
        onVerdict: (verdict) => verdicts.push(verdict),
        onError: (error) => errors.push(error),
        ...options,
      },
      { loadBleno: () => loadBlenoOver(controller) },
    );
  } catch (error) {
    await api.close();
    throw error;
  }
  const stop = async () => {
    await station.stop();
    await api.close();
  };
  return { controller, station, verdicts, errors, stop };
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
