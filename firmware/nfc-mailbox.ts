import { copyBytes } from "../shared/bytes";
import { NDEF_MESSAGE_TLV, TERMINATOR_TLV } from "../shared/ndef";
import {
  CAPABILITY_CONTAINER_PAGE,
  CC_DATA_AREA_SIZE,
  CC_MAPPING_VERSION,
  CC_NDEF_MAGIC,
  CC_READ_ONLY_ACCESS,
  CHALLENGE_FIRST_PAGE,
  CHALLENGE_PAGES,
  MailboxState,
  NDEF_FIRST_PAGE,
  PAGE_SIZE,
  REPLY_FIRST_PAGE,
  STAMP_WRITE_CHALLENGE,
  REPLY_PAGES,
  STATUS_PAGE,
  T2T_ACK,
  T2T_FAST_READ,
  T2T_HALT,
  T2T_NACK_INVALID,
  T2T_READ,
  T2T_READ_LENGTH,
  T2T_WRITE,
  TAG_PAGES,
  VERDICT_PAGE,
} from "../shared/nfc-mailbox-layout";
import { StampStatus } from "../shared/stamp-reply";
import { Device } from "./device";

/**
 * The Type 2 Tag mailbox (layout in shared/nfc-mailbox-layout.ts). A WRITE to the last
 * challenge page, with all 8 challenge pages written since the last tap, starts signing after
 * the frame has been acknowledged: every frame is answered from this prepared memory within
 * the radio's frame-delay budget, and the signature is computed between frames.
 */
export interface Mailbox {
  device: Device;
  hooks: MailboxHooks;
  memory: Uint8Array;
  /** The 16-byte answer to READ, filled in place: frame handlers allocate nothing. The radio
   * copies what it is given (NRF.nfcSend copies into the NFCT buffer), so reuse is safe. */
  readBuffer: Uint8Array;
  /** Bit i set: challenge page CHALLENGE_FIRST_PAGE + i written since the last tap. */
  writtenPages: number;
  sequence: number;
}

export interface MailboxHooks {
  /** Computes the reply for a complete challenge (runs between frames). */
  answer(challenge: Uint8Array): Uint8Array;
  /** The reader wrote a verdict for the last reply. */
  verdict(reason: number): void;
}

/** The frame handlers take the mailbox and the frame only: on the Puck.js every parameter of a
 * function the firmware keeps costs one of its 2,630 variables. */
export function createMailbox(device: Device, hooks: MailboxHooks, uidHeader: Uint8Array): Mailbox {
  const memory = new Uint8Array(TAG_PAGES * PAGE_SIZE);
  memory.set(uidHeader.subarray(0, 10), 0);
  const cc = CAPABILITY_CONTAINER_PAGE * PAGE_SIZE;
  memory[cc] = CC_NDEF_MAGIC;
  memory[cc + 1] = CC_MAPPING_VERSION;
  memory[cc + 2] = CC_DATA_AREA_SIZE;
  memory[cc + 3] = CC_READ_ONLY_ACCESS;
  // An empty NDEF message and the terminator: what a phone finds on a stamp without a base URL.
  const ndef = NDEF_FIRST_PAGE * PAGE_SIZE;
  memory[ndef] = NDEF_MESSAGE_TLV;
  memory[ndef + 2] = TERMINATOR_TLV;
  return { device: device, hooks: hooks, memory: memory, readBuffer: new Uint8Array(T2T_READ_LENGTH), writtenPages: 0, sequence: 0 };
}

function setStatus(mailbox: Mailbox, state: number, stampStatus: number, replyLength: number): void {
  const offset = STATUS_PAGE * PAGE_SIZE;
  mailbox.memory[offset] = state;
  mailbox.memory[offset + 1] = stampStatus;
  mailbox.memory[offset + 2] = replyLength;
  mailbox.memory[offset + 3] = mailbox.sequence & 0xff;
}

/** The field went away: forget a half-written challenge (challenge to verdict pages cleared, state IDLE with
 * the new sequence number). A signature being made is lost with its counter value (the counter
 * never goes back; the next tap uses a higher value): the new sequence number stops its reply
 * from landing in the next tap's mailbox. */
export function resetMailbox(mailbox: Mailbox): void {
  mailbox.writtenPages = 0;
  mailbox.sequence++;
  mailbox.memory.fill(0, CHALLENGE_FIRST_PAGE * PAGE_SIZE, TAG_PAGES * PAGE_SIZE);
  setStatus(mailbox, MailboxState.IDLE, 0, 0);
}

/** Puts a stamp reply into the reply pages, every reply byte after it zero, and its state
 * (READY for an OK reply, ERROR for a refusal) into the status page. */
function publishReply(mailbox: Mailbox, reply: Uint8Array): void {
  mailbox.memory.fill(0, REPLY_FIRST_PAGE * PAGE_SIZE, (REPLY_FIRST_PAGE + REPLY_PAGES) * PAGE_SIZE);
  mailbox.memory.set(reply, REPLY_FIRST_PAGE * PAGE_SIZE);
  setStatus(mailbox, reply[0] === StampStatus.OK ? MailboxState.READY : MailboxState.ERROR, reply[0], reply.length);
}

/** The same for a one-byte refusal, allocating nothing (it must work when memory is short). */
function publishRefusal(mailbox: Mailbox, stampStatus: number): void {
  mailbox.memory.fill(0, REPLY_FIRST_PAGE * PAGE_SIZE, (REPLY_FIRST_PAGE + REPLY_PAGES) * PAGE_SIZE);
  mailbox.memory[REPLY_FIRST_PAGE * PAGE_SIZE] = stampStatus;
  setStatus(mailbox, MailboxState.ERROR, stampStatus, 1);
}

function startSigning(mailbox: Mailbox): void {
  mailbox.writtenPages = 0;
  mailbox.sequence++;
  setStatus(mailbox, MailboxState.BUSY, 0, 0);
  const start = CHALLENGE_FIRST_PAGE * PAGE_SIZE;
  const challenge = copyBytes(mailbox.memory, start, CHALLENGE_PAGES * PAGE_SIZE);
  const sequence = mailbox.sequence;
  mailbox.device.setTimer(function () {
    // SIGNER_FAILED is in place before signing starts: if the stamp runs out of memory on the
    // way (Espruino then stops this code outright, nothing after it runs), the reader finds a
    // refusal instead of a stamp that stays BUSY. The counter value may already be committed:
    // it is spent, never reused.
    if (mailbox.sequence === sequence) publishRefusal(mailbox, StampStatus.SIGNER_FAILED);
    const reply = mailbox.hooks.answer(challenge);
    if (mailbox.sequence === sequence) publishReply(mailbox, reply);
  }, 0);
}

function handleWrite(mailbox: Mailbox, frame: Uint8Array): void {
  const nfc = mailbox.device.nfc;
  const page = frame[1];
  const busy = mailbox.memory[STATUS_PAGE * PAGE_SIZE] === MailboxState.BUSY;
  const writable = (page >= CHALLENGE_FIRST_PAGE && page < CHALLENGE_FIRST_PAGE + CHALLENGE_PAGES) || page === VERDICT_PAGE;
  if (frame.length !== 6 || !writable || busy) {
    nfc.sendAck(T2T_NACK_INVALID);
    return;
  }
  for (let i = 0; i < PAGE_SIZE; i++) mailbox.memory[page * PAGE_SIZE + i] = frame[2 + i];
  nfc.sendAck(T2T_ACK);
  if (page === VERDICT_PAGE) {
    mailbox.hooks.verdict(frame[2]);
    return;
  }
  mailbox.writtenPages |= 1 << (page - CHALLENGE_FIRST_PAGE);
  if (page === CHALLENGE_FIRST_PAGE + CHALLENGE_PAGES - 1) {
    if (mailbox.writtenPages === (1 << CHALLENGE_PAGES) - 1) startSigning(mailbox);
    else {
      // An incomplete challenge is answered like a malformed one: a one-byte refusal.
      mailbox.writtenPages = 0;
      publishRefusal(mailbox, StampStatus.MALFORMED_CHALLENGE);
    }
  }
}

function handleRead(mailbox: Mailbox, frame: Uint8Array): void {
  const nfc = mailbox.device.nfc;
  const page = frame[1];
  if (frame.length !== 2 || page >= TAG_PAGES) {
    nfc.sendAck(T2T_NACK_INVALID);
    return;
  }
  // READ returns 4 pages (16 bytes). Within memory the answer is a view (a native call, no JS
  // loop: the interpreter on a 64 MHz Cortex-M4 has 4.8 ms per frame); only the last three
  // pages roll over to page 0, as Type 2 Tags do, and are assembled byte by byte.
  const start = page * PAGE_SIZE;
  if (start + T2T_READ_LENGTH <= TAG_PAGES * PAGE_SIZE) {
    nfc.send(mailbox.memory.subarray(start, start + T2T_READ_LENGTH));
    return;
  }
  const out = mailbox.readBuffer;
  for (let i = 0; i < T2T_READ_LENGTH; i++) out[i] = mailbox.memory[(start + i) % (TAG_PAGES * PAGE_SIZE)];
  nfc.send(out);
}

/** FAST_READ `3a first last` (NTAG21x): pages first..last in one answer, no roll-over. The
 * answer is a view on the prepared memory: nothing is copied in the handler. */
function handleFastRead(mailbox: Mailbox, frame: Uint8Array): void {
  const first = frame[1];
  const last = frame[2];
  if (frame.length !== 3 || first > last || last >= TAG_PAGES) mailbox.device.nfc.sendAck(T2T_NACK_INVALID);
  else mailbox.device.nfc.send(mailbox.memory.subarray(first * PAGE_SIZE, (last + 1) * PAGE_SIZE));
}

/** WRITE_CHALLENGE `7a` + 32 bytes (vendor): the whole challenge in one frame, ACKed, then
 * signed after the frame exactly as after the WRITE of the last challenge page. */
function handleWriteChallenge(mailbox: Mailbox, frame: Uint8Array): void {
  const size = CHALLENGE_PAGES * PAGE_SIZE;
  if (frame.length !== size + 1 || mailbox.memory[STATUS_PAGE * PAGE_SIZE] === MailboxState.BUSY) {
    mailbox.device.nfc.sendAck(T2T_NACK_INVALID);
    return;
  }
  const start = CHALLENGE_FIRST_PAGE * PAGE_SIZE;
  for (let i = 0; i < size; i++) mailbox.memory[start + i] = frame[i + 1];
  mailbox.device.nfc.sendAck(T2T_ACK);
  startSigning(mailbox);
}

/** Answers one reader frame (command byte first, CRC already stripped by the radio). */
export function handleNfcFrame(mailbox: Mailbox, frame: Uint8Array): void {
  const command = frame.length === 0 ? -1 : frame[0];
  if (command === T2T_READ) handleRead(mailbox, frame);
  else if (command === T2T_WRITE) handleWrite(mailbox, frame);
  else if (command === T2T_FAST_READ) handleFastRead(mailbox, frame);
  else if (command === STAMP_WRITE_CHALLENGE) handleWriteChallenge(mailbox, frame);
  else if (command === T2T_HALT) mailbox.device.nfc.ignore();
  else mailbox.device.nfc.sendAck(T2T_NACK_INVALID); // an empty frame too
}

/** Starts tag emulation and routes every frame to the mailbox. */
export function startNfcMailbox(device: Device, hooks: MailboxHooks): Mailbox {
  const mailbox = createMailbox(device, hooks, device.nfc.start());
  device.nfc.onFrame(function (frame) {
    handleNfcFrame(mailbox, frame);
  });
  device.nfc.onFieldLost(function () {
    resetMailbox(mailbox);
  });
  return mailbox;
}
