/**
 * A counter station's GATT server in the simulated air (the real verifier session, talking to
 * the host over HTTP as the rig's home station), with every byte the stamp writes to it kept: a
 * peripheral is what a BLE attacker controls, so what the stamp sends one is what it gives away.
 */
import { apiTapService } from "../../host/client/api-tap-service";
import { SimulatedPeripheral } from "../../sim/simulated-ble";
import { verifierPeripheral } from "../../sim/simulated-verifier-peripheral";
import { RigStation } from "../world/rig-station";

export interface CapturingPeripheral {
  peripheral: SimulatedPeripheral;
  /** Every value the stamp wrote, in order. */
  written: Uint8Array[];
}

export function capturingPeripheral(station: RigStation): CapturingPeripheral {
  const real = verifierPeripheral(apiTapService(station.client), station.verifierId, -40, () => undefined);
  const written: Uint8Array[] = [];
  return {
    written: written,
    peripheral: {
      ...real,
      connect() {
        const connection = real.connect();
        return {
          read: (characteristic) => connection.read(characteristic),
          async write(characteristic, value) {
            written.push(value.slice());
            return connection.write(characteristic, value);
          },
          disconnected: () => connection.disconnected(),
        };
      },
    },
  };
}
