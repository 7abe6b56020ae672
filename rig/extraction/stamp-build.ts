/**
 * Which stamp the key-extraction campaign boots: the firmware as built (startStamp over a
 * simulated device), unless its target names another build. A twin's host carries a weakened
 * build on its Target (`stampBuild`), as the access twin's host carries an operator token: the
 * campaign attacks the stamp, not the host, so its twin is a stamp.
 */
import { startStamp, StampRuntime } from "../../firmware/stamp-runtime";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedDevice, SimulatedFlash } from "../../sim/simulated-device";
import { nodeSigner } from "../world/node-signer";

export interface BootedStamp {
  device: SimulatedDevice;
  runtime: StampRuntime;
}

export interface StampBuild {
  name: string;
  boot(flash: SimulatedFlash, air: SimulatedAir): BootedStamp;
}

export const FIRMWARE_BUILD: StampBuild = {
  name: "the stamp firmware (firmware/*.ts) on a simulated Puck.js",
  boot(flash, air) {
    const device = new SimulatedDevice(nodeSigner, air, flash);
    return { device: device, runtime: startStamp(device) };
  },
};
