import { startStamp, StampRuntime } from "../firmware/stamp-runtime";
import { toHex } from "../shared/hex";
import { registerStamp } from "../host/core/registry";
import { StampRecord } from "../host/core/model";
import { Store } from "../host/store/store";
import { simulatedStampSigner } from "./stamp-signer";
import { SimulatedAir } from "./simulated-ble";
import { SimulatedDevice, SimulatedFlash } from "./simulated-device";

export interface SimulatedStamp {
  device: SimulatedDevice;
  runtime: StampRuntime;
  record: StampRecord;
}

/** Boots firmware on a simulated device with the given flash (a new one creates its key). */
export function bootSimulatedStamp(air: SimulatedAir, flash?: SimulatedFlash): { device: SimulatedDevice; runtime: StampRuntime } {
  const device = new SimulatedDevice(simulatedStampSigner(), air, flash);
  return { device: device, runtime: startStamp(device) };
}

/** The flashing station in simulation: first boot makes the key on the stamp; the host registers it. */
export async function provisionSimulatedStamp(
  store: Store,
  air: SimulatedAir,
  registration: { label: string; merchantId: string; shopIds: string[] },
  now: number,
): Promise<SimulatedStamp> {
  const { device, runtime } = bootSimulatedStamp(air);
  const publicKey = runtime.report.publicKey;
  if (publicKey === undefined) throw new Error(`stamp failed to boot: ${runtime.report.fault}`);
  const registered = await registerStamp(store, { publicKeyHex: toHex(publicKey), verifierIds: [], ...registration }, now);
  if (!registered.ok) throw new Error(`registration refused: ${registered.error.message}`);
  return { device: device, runtime: runtime, record: registered.value };
}
