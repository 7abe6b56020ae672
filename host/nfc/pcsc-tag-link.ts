import {
  PAGE_SIZE,
  STAMP_WRITE_CHALLENGE,
  T2T_ACK,
  T2T_FAST_READ,
  T2T_READ,
  T2T_READ_LENGTH,
  T2T_WRITE,
} from "../../shared/nfc-mailbox-layout";
import { toHex } from "../../shared/hex";
import { FastTagLink, TagError } from "./tag-link";

/**
 * PC/SC pseudo-APDUs for a contactless storage card (PC/SC part 3) and the ACR122U-class
 * direct transmit, as this station sends them (docs/nfc.md):
 *
 *   FF CA 00 00 00              GET DATA: the UID                 → UID 90 00
 *   FF B0 00 pp 10              READ BINARY: 16 bytes from page pp → 16 bytes 90 00 (reader sends 30 pp)
 *   FF D6 00 pp 04 d0..d3       UPDATE BINARY: one page            → 90 00            (reader sends A2 pp d0..d3)
 *   FF 00 00 00 Lc D4 42 frame  direct transmit, PN533 InCommunicateThru: the raw frame on the air
 *                                                               → D5 43 st answer 90 00
 *
 * A reader that cannot do something answers 63 00 (operation failed) or another status word.
 */
export const APDU_GET_UID = new Uint8Array([0xff, 0xca, 0x00, 0x00, 0x00]);
export const SW_OK = 0x9000;
export const SW_FAILED = 0x6300;
/** PN533 command and answer codes wrapped by the ACR122U direct transmit. */
export const PN533_IN_COMMUNICATE_THRU = [0xd4, 0x42] as const;
export const PN533_IN_COMMUNICATE_THRU_ANSWER = [0xd5, 0x43] as const;
/** PN533 status byte 0x01: the target did not answer in time. */
export const PN533_STATUS_TIMEOUT = 0x01;

export function readBinaryApdu(page: number, length: number): Uint8Array {
  return new Uint8Array([0xff, 0xb0, 0x00, page, length]);
}

export function updateBinaryApdu(page: number, data: Uint8Array): Uint8Array {
  const apdu = new Uint8Array(5 + data.length);
  apdu.set([0xff, 0xd6, 0x00, page, data.length]);
  apdu.set(data, 5);
  return apdu;
}

export function directTransmitApdu(frame: Uint8Array): Uint8Array {
  const apdu = new Uint8Array(7 + frame.length);
  apdu.set([0xff, 0x00, 0x00, 0x00, 2 + frame.length, PN533_IN_COMMUNICATE_THRU[0], PN533_IN_COMMUNICATE_THRU[1]]);
  apdu.set(frame, 7);
  return apdu;
}

/** What the station needs from a PC/SC reader: one APDU in, one R-APDU out. */
export interface ApduTransport {
  transmit(apdu: Uint8Array, maxResponseLength: number): Promise<Uint8Array>;
}

/** Splits an R-APDU into data and status word; garbage if it is too short. */
export function splitResponse(response: Uint8Array, what: string): { data: Uint8Array; sw: number } {
  // A reader always sends at least a status word; nothing at all is what vpcd gives back when
  // the card went away during the APDU.
  if (response.length === 0) throw new TagError("removed", `${what}: no answer at all (the tag left the field)`);
  if (response.length < 2) throw new TagError("garbled", `${what}: ${response.length}-byte answer (${toHex(response)})`);
  return { data: response.subarray(0, response.length - 2), sw: (response[response.length - 2] << 8) | response[response.length - 1] };
}

function statusError(sw: number, what: string): TagError {
  const hex = sw.toString(16).padStart(4, "0");
  return sw === SW_FAILED ? new TagError("nack", `${what}: the reader reports failure (SW ${hex})`) : new TagError("garbled", `${what}: status word ${hex}`);
}

/** The tag's answer to one raw frame, as the reader reports it. */
export type FrameAnswer = { kind: "data"; bytes: Uint8Array } | { kind: "ack"; nibble: number };

/** Traffic counters for the figures: APDUs exchanged with the reader and their bytes. */
export interface ApduTraffic {
  apdus: number;
  bytesToReader: number;
  bytesFromReader: number;
}

/**
 * A Type 2 Tag behind a PC/SC reader. Page access uses the portable FF B0 / FF D6; the fast
 * frames (and, in direct mode, the page frames too) go through the ACR122U-class direct transmit.
 */
export class PcscTagLink implements FastTagLink {
  readonly traffic: ApduTraffic = { apdus: 0, bytesToReader: 0, bytesFromReader: 0 };

  constructor(
    private readonly transport: ApduTransport,
    /** "direct": every frame through direct transmit; "pages": FF B0 / FF D6 only. */
    readonly mode: "direct" | "pages",
  ) {}

  private async exchange(apdu: Uint8Array, maxResponseLength: number): Promise<Uint8Array> {
    this.traffic.apdus++;
    this.traffic.bytesToReader += apdu.length;
    const response = await this.transport.transmit(apdu, maxResponseLength);
    this.traffic.bytesFromReader += response.length;
    return response;
  }

  /** The tag's UID as the reader saw it at anticollision (FF CA). */
  async readUid(): Promise<Uint8Array> {
    const { data, sw } = splitResponse(await this.exchange(APDU_GET_UID, 12), "GET UID");
    if (sw !== SW_OK) throw statusError(sw, "GET UID");
    if (data.length !== 4 && data.length !== 7 && data.length !== 10) throw new TagError("garbled", `GET UID: a ${data.length}-byte UID`);
    return data.slice();
  }

  /** One raw frame through the direct transmit (PN533 InCommunicateThru; the reader adds the CRC). */
  async transceive(frame: Uint8Array, maxAnswer: number): Promise<FrameAnswer> {
    const what = `frame ${toHex(frame.subarray(0, 2))}`;
    const { data, sw } = splitResponse(await this.exchange(directTransmitApdu(frame), maxAnswer + 5), what);
    if (sw !== SW_OK) throw statusError(sw, what);
    if (data.length < 3 || data[0] !== PN533_IN_COMMUNICATE_THRU_ANSWER[0] || data[1] !== PN533_IN_COMMUNICATE_THRU_ANSWER[1]) {
      throw new TagError("garbled", `${what}: not an InCommunicateThru answer (${toHex(data.subarray(0, 8))})`);
    }
    if (data[2] === PN533_STATUS_TIMEOUT) throw new TagError("timeout", `${what}: no answer from the tag`);
    if (data[2] !== 0) throw new TagError("garbled", `${what}: reader status ${data[2]}`);
    const answer = data.subarray(3);
    // A 4-bit ACK/NACK arrives as one byte holding the 4 bits.
    if (answer.length === 1 && answer[0] <= 0x0f) return { kind: "ack", nibble: answer[0] };
    return { kind: "data", bytes: answer.slice() };
  }

  private async transceiveForAck(frame: Uint8Array, what: string): Promise<void> {
    const answer = await this.transceive(frame, 1);
    if (answer.kind !== "ack") throw new TagError("garbled", `${what}: ${answer.bytes.length} data bytes instead of an ACK`);
    if (answer.nibble !== T2T_ACK) throw new TagError("nack", `${what}: NACK ${answer.nibble}`);
  }

  private async transceiveForData(frame: Uint8Array, length: number, what: string): Promise<Uint8Array> {
    const answer = await this.transceive(frame, length);
    if (answer.kind === "ack") throw new TagError("nack", `${what}: NACK ${answer.nibble}`);
    if (answer.bytes.length !== length) throw new TagError("garbled", `${what}: ${answer.bytes.length} bytes instead of ${length}`);
    return answer.bytes;
  }

  async readPages(page: number): Promise<Uint8Array> {
    const what = `READ ${page}`;
    if (this.mode === "direct") return this.transceiveForData(new Uint8Array([T2T_READ, page]), T2T_READ_LENGTH, what);
    const { data, sw } = splitResponse(await this.exchange(readBinaryApdu(page, T2T_READ_LENGTH), T2T_READ_LENGTH + 2), what);
    if (sw !== SW_OK) throw statusError(sw, what);
    if (data.length !== T2T_READ_LENGTH) throw new TagError("garbled", `${what}: ${data.length} bytes instead of ${T2T_READ_LENGTH}`);
    return data.slice();
  }

  async writePage(page: number, data: Uint8Array): Promise<void> {
    if (data.length !== PAGE_SIZE) throw new Error("a page is " + PAGE_SIZE + " bytes");
    const what = `WRITE ${page}`;
    if (this.mode === "direct") {
      const frame = new Uint8Array(2 + PAGE_SIZE);
      frame[0] = T2T_WRITE;
      frame[1] = page;
      frame.set(data, 2);
      return this.transceiveForAck(frame, what);
    }
    const { data: extra, sw } = splitResponse(await this.exchange(updateBinaryApdu(page, data), 2), what);
    if (sw !== SW_OK) throw statusError(sw, what);
    if (extra.length !== 0) throw new TagError("garbled", `${what}: ${extra.length} unexpected bytes`);
  }

  async writeChallenge(challenge: Uint8Array): Promise<void> {
    const frame = new Uint8Array(1 + challenge.length);
    frame[0] = STAMP_WRITE_CHALLENGE;
    frame.set(challenge, 1);
    return this.transceiveForAck(frame, "WRITE_CHALLENGE");
  }

  async fastRead(first: number, last: number): Promise<Uint8Array> {
    return this.transceiveForData(new Uint8Array([T2T_FAST_READ, first, last]), (last - first + 1) * PAGE_SIZE, `FAST_READ ${first}-${last}`);
  }
}
