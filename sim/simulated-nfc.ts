import type { NfcRadio } from "../firmware/device";
import { T2T_ACK, T2T_READ, T2T_READ_LENGTH, T2T_WRITE } from "../shared/nfc-mailbox-layout";
import { TagError, TagLink } from "../host/nfc/tag-link";

/**
 * The frame-delay budget Espruino gives JavaScript on the nRF52 NFCT: an answer later than
 * this never reaches the reader (BRIEF section 4).
 */
export const NFC_FRAME_BUDGET_MS = 4.8;

type RadioAnswer = { kind: "data"; bytes: Uint8Array } | { kind: "ack"; nibble: number } | { kind: "none" };

/**
 * The stamp's NFC front end as the air sees it: a reader frame goes to the firmware's NFCrx
 * handler, whose answer must come synchronously and within the frame budget; the field can go.
 */
export class SimulatedNfcRadio implements NfcRadio {
  private frameHandler: ((frame: Uint8Array) => void) | undefined;
  private fieldLostHandler: (() => void) | undefined;
  private answer: RadioAnswer | undefined;
  /** Times the firmware re-presented the tag (restart()): a phone reading it reads again. */
  discoveries = 0;
  /** Called after each restart(): the virtual stamp leaves vpcd's field and enters it again. */
  onRediscovered: (() => void) | undefined;
  /** The slowest handler so far, and the last one, in milliseconds of CPU time. */
  slowestFrameMs = 0;
  lastFrameMs = 0;

  constructor(private readonly uid: Uint8Array) {}

  start(): Uint8Array {
    return this.uid.slice();
  }
  onFrame(handler: (frame: Uint8Array) => void): void {
    this.frameHandler = handler;
  }
  onFieldLost(handler: () => void): void {
    this.fieldLostHandler = handler;
  }
  send(frame: Uint8Array): void {
    this.answer = { kind: "data", bytes: frame.slice() };
  }
  sendAck(nibble: number): void {
    this.answer = { kind: "ack", nibble: nibble };
  }
  ignore(): void {
    this.answer = { kind: "none" };
  }
  /** Field lost, then a new discovery: readers in the field see the tag leave and come back. */
  restart(): void {
    this.removeFromField();
    this.discoveries++;
    if (this.onRediscovered !== undefined) this.onRediscovered();
  }

  /** A reader frame on the air; undefined when nothing came back in time. */
  transceive(frame: Uint8Array): RadioAnswer | undefined {
    if (this.frameHandler === undefined) return undefined;
    this.answer = undefined;
    // A handler is judged on the work it does: the lesser of wall time (which other processes
    // sharing a loaded machine inflate) and this process's CPU time (which its other threads,
    // the garbage collector's among them, inflate). A handler that really computes for longer
    // than the budget exceeds both.
    const startedCpu = process.cpuUsage();
    const startedWall = performance.now();
    this.frameHandler(frame.slice());
    const wall = performance.now() - startedWall;
    const used = process.cpuUsage(startedCpu);
    const elapsed = Math.min(wall, (used.user + used.system) / 1000);
    this.slowestFrameMs = Math.max(this.slowestFrameMs, elapsed);
    this.lastFrameMs = elapsed;
    return elapsed > NFC_FRAME_BUDGET_MS ? undefined : this.answer;
  }

  removeFromField(): void {
    if (this.fieldLostHandler !== undefined) this.fieldLostHandler();
  }
}

/** A reader's page access to a simulated stamp, frame by frame as on the air. */
export class SimulatedTagLink implements TagLink {
  /** Frames put on the air, for the figures. */
  framesSent = 0;

  constructor(private readonly radio: SimulatedNfcRadio) {}

  async readPages(page: number): Promise<Uint8Array> {
    this.framesSent++;
    const answer = this.radio.transceive(new Uint8Array([T2T_READ, page]));
    if (answer === undefined) throw new TagError("timeout", `no answer to READ ${page}`);
    if (answer.kind !== "data" || answer.bytes.length !== T2T_READ_LENGTH) throw new TagError("nack", `READ ${page} refused`);
    return answer.bytes;
  }

  async writePage(page: number, data: Uint8Array): Promise<void> {
    this.framesSent++;
    const frame = new Uint8Array(6);
    frame[0] = T2T_WRITE;
    frame[1] = page;
    frame.set(data, 2);
    const answer = this.radio.transceive(frame);
    if (answer === undefined) throw new TagError("timeout", `no answer to WRITE ${page}`);
    if (answer.kind !== "ack" || answer.nibble !== T2T_ACK) throw new TagError("nack", `WRITE ${page} refused`);
  }
}
