import { T2T_READ, T2T_READ_LENGTH, T2T_WRITE, PAGE_SIZE, T2T_ACK } from "../../shared/nfc-mailbox-layout";
import { SimulatedNfcRadio } from "../simulated-nfc";

/**
 * What an ACR122U-class reader does between a PC/SC APDU and the air, for a stamp in its field:
 * pseudo-APDUs become the Type 2 Tag frames a real reader would transmit, each handed to the
 * stamp's real firmware NFC handler through the simulated radio (4.8 ms budget enforced).
 *
 *   FF CA 00 00 Le          → the UID from anticollision (no frame)
 *   FF B0 00 pp Le          → READ (30 pp) per 16 bytes, Le ≤ 16 per frame, up to 64
 *   FF D6 00 pp Lc data     → WRITE (A2 pp d0..d3) per 4 bytes, Lc a multiple of 4 up to 16
 *   FF 00 00 00 Lc D4 42 f  → the raw frame f (PN533 InCommunicateThru), answered D5 43 st data
 *
 * Status words: 90 00 done, 63 00 the tag NACKed or did not answer, 67 00 wrong length,
 * 6A 81 function not supported, 6B 00 wrong P1/P2, 6D 00 unknown INS, 6E 00 unknown class.
 */

/** One frame on the air, for the figures. */
export interface AirFrame {
  /** The reader's frame without CRC. */
  command: Uint8Array;
  /** Data bytes answered (without CRC), an ACK/NACK nibble, or nothing. */
  answer: { kind: "data"; length: number } | { kind: "ack"; nibble: number } | { kind: "none" };
  /** Wall time of the firmware's frame handler, milliseconds. */
  handlerMs: number;
}

export type FrameObserver = (frame: AirFrame) => void;

const SW = {
  OK: [0x90, 0x00],
  FAILED: [0x63, 0x00],
  WRONG_LENGTH: [0x67, 0x00],
  NOT_SUPPORTED: [0x6a, 0x81],
  WRONG_P1P2: [0x6b, 0x00],
  UNKNOWN_INS: [0x6d, 0x00],
  UNKNOWN_CLA: [0x6e, 0x00],
} as const;

function withSw(data: Uint8Array | readonly number[], sw: readonly number[]): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out.set(sw, data.length);
  return out;
}

export class ReaderEmulation {
  /** Frames put on the air since creation. */
  frames = 0;
  observer: FrameObserver | undefined;

  constructor(
    private readonly radio: SimulatedNfcRadio,
    private readonly uid: () => Uint8Array,
  ) {}

  /** One frame on the air, timed. */
  private air(command: Uint8Array) {
    this.frames++;
    const answer = this.radio.transceive(command);
    const handlerMs = this.radio.lastFrameMs;
    if (this.observer !== undefined) {
      this.observer({
        command: command,
        answer: answer === undefined || answer.kind === "none" ? { kind: "none" } : answer.kind === "ack" ? answer : { kind: "data", length: answer.bytes.length },
        handlerMs: handlerMs,
      });
    }
    return answer;
  }

  /** Answers one C-APDU with an R-APDU. Never throws. */
  handleApdu(apdu: Uint8Array): Uint8Array {
    if (apdu.length < 4) return withSw([], SW.WRONG_LENGTH);
    if (apdu[0] !== 0xff) return withSw([], SW.UNKNOWN_CLA);
    const ins = apdu[1];
    const p1 = apdu[2];
    const p2 = apdu[3];
    if (ins === 0xca) return this.getData(apdu, p1, p2);
    if (ins === 0xb0) return this.readBinary(apdu, p1, p2);
    if (ins === 0xd6) return this.updateBinary(apdu, p1, p2);
    if (ins === 0x00) return this.directTransmit(apdu, p1, p2);
    return withSw([], SW.UNKNOWN_INS);
  }

  private getData(apdu: Uint8Array, p1: number, p2: number): Uint8Array {
    if (apdu.length !== 5) return withSw([], SW.WRONG_LENGTH);
    if (p2 !== 0) return withSw([], SW.WRONG_P1P2);
    if (p1 !== 0) return withSw([], SW.NOT_SUPPORTED); // 01: ATS historical bytes, none for a Type 2 Tag
    return withSw(this.uid(), SW.OK);
  }

  private readBinary(apdu: Uint8Array, p1: number, page: number): Uint8Array {
    if (apdu.length !== 5) return withSw([], SW.WRONG_LENGTH);
    const length = apdu[4] === 0 ? 256 : apdu[4];
    if (p1 !== 0) return withSw([], SW.WRONG_P1P2);
    if (length > 4 * T2T_READ_LENGTH) return withSw([], SW.WRONG_LENGTH);
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += T2T_READ_LENGTH) {
      const answer = this.air(new Uint8Array([T2T_READ, (page + offset / PAGE_SIZE) & 0xff]));
      if (answer === undefined || answer.kind !== "data" || answer.bytes.length !== T2T_READ_LENGTH) return withSw([], SW.FAILED);
      out.set(answer.bytes.subarray(0, Math.min(T2T_READ_LENGTH, length - offset)), offset);
    }
    return withSw(out, SW.OK);
  }

  private updateBinary(apdu: Uint8Array, p1: number, page: number): Uint8Array {
    if (apdu.length < 5 || apdu.length !== 5 + apdu[4]) return withSw([], SW.WRONG_LENGTH);
    const length = apdu[4];
    if (p1 !== 0) return withSw([], SW.WRONG_P1P2);
    if (length === 0 || length % PAGE_SIZE !== 0 || length > 16) return withSw([], SW.WRONG_LENGTH);
    for (let i = 0; i < length / PAGE_SIZE; i++) {
      const frame = new Uint8Array(2 + PAGE_SIZE);
      frame[0] = T2T_WRITE;
      frame[1] = (page + i) & 0xff;
      frame.set(apdu.subarray(5 + i * PAGE_SIZE, 5 + (i + 1) * PAGE_SIZE), 2);
      const answer = this.air(frame);
      if (answer === undefined || answer.kind !== "ack" || answer.nibble !== T2T_ACK) return withSw([], SW.FAILED);
    }
    return withSw([], SW.OK);
  }

  /** ACR122U direct transmit of a PN533 command; only InCommunicateThru (D4 42) reaches the air. */
  private directTransmit(apdu: Uint8Array, p1: number, p2: number): Uint8Array {
    if (apdu.length < 5 || apdu.length !== 5 + apdu[4]) return withSw([], SW.WRONG_LENGTH);
    if (p1 !== 0 || p2 !== 0) return withSw([], SW.WRONG_P1P2);
    if (apdu[4] < 3 || apdu[5] !== 0xd4 || apdu[6] !== 0x42) return withSw([], SW.FAILED);
    const answer = this.air(apdu.slice(7));
    if (answer === undefined || answer.kind === "none") return withSw([0xd5, 0x43, 0x01], SW.OK); // PN533: target timeout
    if (answer.kind === "ack") return withSw([0xd5, 0x43, 0x00, answer.nibble], SW.OK);
    const out = new Uint8Array(3 + answer.bytes.length);
    out.set([0xd5, 0x43, 0x00]);
    out.set(answer.bytes, 3);
    return withSw(out, SW.OK);
  }
}
