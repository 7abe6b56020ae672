import { encodeChallenge } from "../shared/challenge";
import { Purpose } from "../shared/protocol-constants";
import { startStamp } from "../firmware/stamp-runtime";
import { exchangeOverNfc, sendVerdictOverNfc } from "../host/nfc/mailbox-reader";
import { simulatedStampSigner } from "../sim/stamp-signer";
import { SimulatedAir } from "../sim/simulated-ble";
import { SimulatedDevice } from "../sim/simulated-device";
import { SimulatedTagLink } from "../sim/simulated-nfc";

export interface NfcFigures {
  framesPerTap: number;
  slowestFrameMs: number;
  taps: number;
}

/** Reader frames per simulated NFC tap (page writes, status polls, reply reads, verdict) and the slowest handler. */
export async function measureNfcFigures(taps = 50): Promise<NfcFigures> {
  const device = new SimulatedDevice(simulatedStampSigner(), new SimulatedAir());
  startStamp(device);
  const link = new SimulatedTagLink(device.nfc);
  for (let i = 0; i < taps; i++) {
    const challenge = encodeChallenge({ verifierId: new Uint8Array(8), issuedAt: i, nonce: new Uint8Array(16).fill(i), purpose: Purpose.STAMP, quantity: 1 });
    await exchangeOverNfc(link, challenge, { intervalMs: 1, maxPolls: 100 });
    await sendVerdictOverNfc(link, 0);
  }
  return { framesPerTap: link.framesSent / taps, slowestFrameMs: device.nfc.slowestFrameMs, taps };
}
