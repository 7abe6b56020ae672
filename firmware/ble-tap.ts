import { bytesEqual, concatBytes } from "../shared/bytes";
import {
  addChunk,
  ChunkAssembly,
  createChunkAssembly,
  CHALLENGE_CHARACTERISTIC_UUID,
  RESPONSE_CHARACTERISTIC_UUID,
  splitIntoChunks,
  VERDICT_CHARACTERISTIC_UUID,
  VERIFIER_SERVICE_UUID,
} from "../shared/ble-gatt";
import { CHALLENGE_LENGTH } from "../shared/protocol-constants";
import { Reason } from "../shared/reason-codes";
import { BleAdvert, BleLink, Device } from "./device";
import { Feedback, showBusy, showVerdict } from "./feedback";
import { answerChallenge, Stamp } from "./stamp-app";

/**
 * One scan window. Counter stations advertise every 40 ms, so 100 ms sees each station in reach
 * at least twice; a scan that finds no allowed verifier is repeated, at most MAX_SCANS times.
 */
export const SCAN_MS = 100;
export const MAX_SCANS = 3;
/** Connection attempts per press; only failures before anything was signed are retried. */
export const MAX_CONNECTS = 2;
/** A tap that has not finished by then is abandoned (link dropped, red light). */
export const BLE_TAP_TIMEOUT_MS = 5000;
/** ATT's default MTU; a write carries at most MTU - 3 bytes. */
export const DEFAULT_ATT_MTU = 23;
/** ATT payload per write at the default MTU of 23. */
export const BLE_WRITE_SIZE = DEFAULT_ATT_MTU - 3;

/** Bytes per write on this link: MTU - 3 (20 at MTU 23, 50 at the Puck.js's MTU 53). */
export function writeSizeFor(link: BleLink): number {
  const mtu = link.mtu;
  return (mtu !== undefined && mtu > DEFAULT_ATT_MTU ? mtu : DEFAULT_ATT_MTU) - 3;
}

export interface BleTapper {
  busy: boolean;
}

/** The nearest verifier (strongest signal) among those this stamp may answer. */
export function pickVerifier(stamp: Stamp, adverts: BleAdvert[]): BleAdvert | undefined {
  let best: BleAdvert | undefined;
  for (let i = 0; i < adverts.length; i++) {
    const advert = adverts[i];
    let allowed = stamp.allowedVerifiers.length === 0;
    for (let j = 0; j < stamp.allowedVerifiers.length; j++) {
      if (bytesEqual(stamp.allowedVerifiers[j], advert.verifierId)) allowed = true;
    }
    if (allowed && (best === undefined || advert.rssi > best.rssi)) best = advert;
  }
  return best;
}

/**
 * One BLE tap after a press: scan (bounded retries), connect to the nearest allowed verifier,
 * read its challenge, answer in MTU-sized chunks, read the verdict, show it, disconnect. A press
 * while a tap is running is ignored. A failure before signing is retried once with a fresh scan;
 * after the counter was committed nothing is retried (the host may already have recorded it).
 * Resolves with the verdict byte, or -1 when no verifier answered.
 *
 * Written as steps that each start one radio operation and name the step that takes its result,
 * rather than as a chain of returned promises: on the Puck.js a pending promise costs ~25 of the
 * 2,630 variables, and a chain keeps every link alive until the whole tap ends.
 */
export function runBleTap(device: Device, stamp: Stamp, feedback: Feedback, tapper: BleTapper): Promise<number> {
  if (tapper.busy) return Promise.resolve(-1);
  tapper.busy = true;
  showBusy(feedback);
  return new Promise<number>(function (resolve) {
    let link: BleLink | undefined;
    let finished = false;
    let signed = false;
    let scans = 0;
    let connects = 0;
    let challenge: ChunkAssembly = createChunkAssembly();
    let replyChunks: Uint8Array[] = [];
    let written = 0;
    const timer = device.setTimer(function () {
      finish(Reason.STAMP_REFUSED);
    }, BLE_TAP_TIMEOUT_MS);

    function drop(): void {
      if (link !== undefined) link.disconnect();
      link = undefined;
    }
    function finish(verdict: number): void {
      if (finished) return;
      finished = true;
      device.clearTimer(timer);
      tapper.busy = false;
      drop();
      // No verifier answered: the busy light goes out, unless the press's phone URL showed its
      // own colour meanwhile (a verdict light with its own timer).
      if (verdict < 0) {
        if (feedback.offTimer === undefined) device.setLeds(false, false, false);
      }
      else showVerdict(feedback, verdict === Reason.ACCEPTED);
      resolve(verdict);
    }
    /** A radio operation failed (or a step threw): retry from a fresh scan while nothing was signed. */
    function failed(): void {
      if (finished) return;
      if (signed || connects + 1 >= MAX_CONNECTS) {
        finish(Reason.STAMP_REFUSED);
        return;
      }
      drop();
      connects++;
      challenge = createChunkAssembly();
      scan();
    }
    /** Runs a step; anything it throws counts as a failed operation. */
    function step<T>(operation: Promise<T>, next: (value: T) => void): void {
      operation.then(function (value) {
        if (finished) return;
        try {
          next(value);
        } catch (e) {
          failed();
        }
      }, failed);
    }
    function scan(): void {
      step(device.ble.scan(VERIFIER_SERVICE_UUID, SCAN_MS), function (adverts) {
        const advert = pickVerifier(stamp, adverts);
        if (advert !== undefined) connect(advert);
        else if (++scans < MAX_SCANS) scan();
        else finish(-1);
      });
    }
    function connect(advert: BleAdvert): void {
      advert.connect().then(function (opened) {
        // A link that opens after the tap was given up is closed at once.
        if (finished) {
          opened.disconnect();
          return;
        }
        link = opened;
        try {
          readChallenge();
        } catch (e) {
          failed();
        }
      }, failed);
    }
    function readChallenge(): void {
      step((link as BleLink).read(CHALLENGE_CHARACTERISTIC_UUID), function (chunk) {
        const added = addChunk(challenge, chunk, CHALLENGE_LENGTH);
        if (!added.ok) throw new Error(added.error.detail);
        challenge = added.value;
        if (!challenge.complete) {
          readChallenge();
          return;
        }
        // From here on the counter may be committed: no retry can sign a second time.
        signed = true;
        replyChunks = splitIntoChunks(answerChallenge(stamp, concatBytes(challenge.parts)), writeSizeFor(link as BleLink));
        challenge = createChunkAssembly();
        writeReply();
      });
    }
    function writeReply(): void {
      if (written < replyChunks.length) step((link as BleLink).write(RESPONSE_CHARACTERISTIC_UUID, replyChunks[written++]), writeReply);
      else step((link as BleLink).read(VERDICT_CHARACTERISTIC_UUID), readVerdict);
    }
    function readVerdict(verdict: Uint8Array): void {
      finish(verdict.length === 1 ? verdict[0] : Reason.STAMP_REFUSED);
    }
    scan();
  });
}
