import { bootStamp, answerChallenge, Stamp } from "../../firmware/stamp-app";
import { recordPress } from "../../firmware/presence";
import { decodeStampReply, STAMP_STATUS_NAMES } from "../../shared/stamp-reply";
import { fromHex, toHex } from "../../shared/hex";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedDevice, SimulatedFlash } from "../../sim/simulated-device";
import { nodeSigner } from "./node-signer";

/**
 * A stamp the rig owns: the firmware's own logic (key file, persisted counter, presence,
 * answerChallenge) on a simulated device. Its flash can be copied to boot a clone.
 */
export interface RigStamp {
  id: string;
  publicKeyHex: string;
  stamp: Stamp;
  flash: SimulatedFlash;
  /** Press the button and answer the challenge (hex): the 94-byte tap response. */
  tap(challengeHex: string, pressed?: boolean): Uint8Array;
}

export function bootRigStamp(flash: SimulatedFlash = new Map()): RigStamp {
  const device = new SimulatedDevice(nodeSigner, new SimulatedAir(), flash);
  const { stamp, report } = bootStamp(device);
  if (report.publicKey === undefined || stamp.key === undefined) throw new Error(`rig stamp failed to boot: ${report.fault}`);
  return {
    id: toHex(stamp.key.stampId),
    publicKeyHex: toHex(report.publicKey),
    stamp: stamp,
    flash: flash,
    tap(challengeHex, pressed = true) {
      const challenge = fromHex(challengeHex);
      if (!challenge.ok) throw new Error(`challenge is not hex: ${challenge.error}`);
      if (pressed) recordPress(stamp.presence, device.now());
      const reply = decodeStampReply(answerChallenge(stamp, challenge.value));
      if (!reply.ok) throw new Error(`the stamp's reply does not decode: ${reply.error.detail}`);
      if (reply.value.status !== 0 || !("response" in reply.value)) throw new Error(`the stamp refused: ${STAMP_STATUS_NAMES[reply.value.status]}`);
      return reply.value.response;
    },
  };
}

/** A second device booted from a copy of the stamp's flash: a flash dump, a clone. */
export function cloneRigStamp(original: RigStamp): RigStamp {
  return bootRigStamp(new Map([...original.flash].map(([name, data]) => [name, data.slice()])));
}
