/**
 * Everything a reader can get out of the stamp's Type 2 Tag: a READ of every page number (0-255,
 * far past the tag's 84 pages), and every other command byte with a few page arguments. The
 * answers' data bytes are returned together, for the secret search.
 */
import { T2T_READ } from "../../shared/nfc-mailbox-layout";
import { SimulatedNfcRadio } from "../../sim/simulated-nfc";

export interface NfcSweep {
  frames: number;
  dataAnswers: number;
  bytes: Uint8Array;
}

const PAGE_ARGUMENTS = [0, 4, 16, 50, 83, 84, 255];

function frames(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let page = 0; page < 256; page++) out.push(new Uint8Array([T2T_READ, page]));
  for (let command = 0; command < 256; command++) {
    if (command === T2T_READ) continue;
    for (const page of PAGE_ARGUMENTS) out.push(new Uint8Array([command, page]));
  }
  return out;
}

export function sweepTag(radio: SimulatedNfcRadio): NfcSweep {
  const chunks: Uint8Array[] = [];
  let sent = 0;
  for (const frame of frames()) {
    sent++;
    const answer = radio.transceive(frame);
    if (answer !== undefined && answer.kind === "data") chunks.push(answer.bytes.slice());
  }
  return { frames: sent, dataAnswers: chunks.length, bytes: new Uint8Array(Buffer.concat(chunks)) };
}
