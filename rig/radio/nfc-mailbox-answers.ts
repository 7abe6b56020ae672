/**
 * Pure reading and forging of what a Type 2 Tag stamp answers through an ACR122U-class reader in
 * the NFC station's direct mode (docs/nfc.md, "The two ways through PC/SC"): the station's
 * WRITE_CHALLENGE and FAST_READ pseudo-APDUs, and the FAST_READ answer
 * `D5 43 00 | status page (state, stamp status, reply length, seq) | 96 reply bytes | 90 00`,
 * whose reply is the stamp's status byte and its 94-byte tap response.
 */
import { MailboxState, PAGE_SIZE, REPLY_PAGES, STAMP_WRITE_CHALLENGE, T2T_ACK, T2T_FAST_READ, T2T_WRITE } from "../../shared/nfc-mailbox-layout";

/** `FF 00 00 00 Lc D4 42`: the direct transmit header before the frame. */
const DIRECT_TRANSMIT_HEADER = 7;
/** `D5 43 00`: InCommunicateThru's answer header with status success. */
const COMMUNICATE_THRU_OK = [0xd5, 0x43, 0x00];
const SW_OK = [0x90, 0x00];
/** Where the stamp's reply starts in a FAST_READ answer: after D5 43 00 and the status page. */
export const REPLY_OFFSET_IN_ANSWER = COMMUNICATE_THRU_OK.length + PAGE_SIZE;
/** Where the tap response starts in a FAST_READ answer: after the reply's status byte. */
export const RESPONSE_OFFSET_IN_ANSWER = REPLY_OFFSET_IN_ANSWER + 1;

/** The raw frame inside a direct-transmit pseudo-APDU, or undefined for any other APDU. */
export function directFrame(apdu: Uint8Array): Uint8Array | undefined {
  const isDirect = apdu.length > DIRECT_TRANSMIT_HEADER && apdu[0] === 0xff && apdu[1] === 0x00 && apdu[2] === 0x00 && apdu[3] === 0x00 && apdu[5] === 0xd4 && apdu[6] === 0x42;
  return isDirect ? apdu.subarray(DIRECT_TRANSMIT_HEADER, 5 + apdu[4]) : undefined;
}

export function isFastRead(apdu: Uint8Array): boolean {
  return directFrame(apdu)?.[0] === T2T_FAST_READ;
}

export function isWriteChallenge(apdu: Uint8Array): boolean {
  return directFrame(apdu)?.[0] === STAMP_WRITE_CHALLENGE;
}

export function isPageWrite(apdu: Uint8Array): boolean {
  return directFrame(apdu)?.[0] === T2T_WRITE;
}

/** The 32 challenge bytes a WRITE_CHALLENGE carries. */
export function challengeOf(apdu: Uint8Array): Uint8Array {
  const frame = directFrame(apdu);
  if (frame === undefined || frame[0] !== STAMP_WRITE_CHALLENGE) throw new Error("not a WRITE_CHALLENGE");
  return frame.slice(1);
}

/** Whether a FAST_READ answer shows the stamp's reply ready (state READY, success). */
export function isReadyAnswer(answer: Uint8Array): boolean {
  return answer.length > REPLY_OFFSET_IN_ANSWER && answer[0] === 0xd5 && answer[1] === 0x43 && answer[2] === 0x00 && answer[3] === MailboxState.READY;
}

/** The tag's 4-bit ACK, as the reader passes it on. */
export function ackAnswer(): Uint8Array {
  return new Uint8Array([...COMMUNICATE_THRU_OK, T2T_ACK, ...SW_OK]);
}

/** The PN533's "no answer from the target". */
export function silenceAnswer(): Uint8Array {
  return new Uint8Array([0xd5, 0x43, 0x01, ...SW_OK]);
}

/** A FAST_READ answer showing `reply` ready in the mailbox, its reply pages padded with zeros as the firmware does. */
export function readyAnswer(reply: Uint8Array, seq = 1): Uint8Array {
  const pages = new Uint8Array(PAGE_SIZE + REPLY_PAGES * PAGE_SIZE);
  pages.set([MailboxState.READY, reply[0] ?? 0, reply.length, seq]);
  pages.set(reply.subarray(0, REPLY_PAGES * PAGE_SIZE), PAGE_SIZE);
  return new Uint8Array([...COMMUNICATE_THRU_OK, ...pages, ...SW_OK]);
}

/** A FAST_READ answer showing the stamp still busy signing. */
export function busyAnswer(seq = 1): Uint8Array {
  const pages = new Uint8Array(PAGE_SIZE + REPLY_PAGES * PAGE_SIZE);
  pages.set([MailboxState.BUSY, 0, 0, seq]);
  return new Uint8Array([...COMMUNICATE_THRU_OK, ...pages, ...SW_OK]);
}

/** The tap response inside a ready FAST_READ answer (94 bytes after the reply's status byte). */
export function responseInAnswer(answer: Uint8Array, responseLength: number): Uint8Array {
  return answer.slice(RESPONSE_OFFSET_IN_ANSWER, RESPONSE_OFFSET_IN_ANSWER + responseLength);
}

/** The same answer with the tap response replaced (same length: the status page stays true). */
export function withResponse(answer: Uint8Array, response: Uint8Array): Uint8Array {
  const out = answer.slice();
  out.set(response, RESPONSE_OFFSET_IN_ANSWER);
  return out;
}
