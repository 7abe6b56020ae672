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

/** Reads a chunked value (the challenge) one ATT Read at a time until its last chunk. */
function readChunks(link: BleLink, uuid: string, assembly: ChunkAssembly): Promise<Uint8Array> {
  return link.read(uuid).then(function (chunk) {
    const added = addChunk(assembly, chunk, CHALLENGE_LENGTH);
    if (!added.ok) throw new Error(added.error.detail);
    return added.value.complete ? concatBytes(added.value.parts) : readChunks(link, uuid, added.value);
  });
}

function writeAll(link: BleLink, chunks: Uint8Array[], index: number): Promise<void> {
  if (index >= chunks.length) return Promise.resolve();
  return link.write(RESPONSE_CHARACTERISTIC_UUID, chunks[index]).then(function () {
    return writeAll(link, chunks, index + 1);
  });
}

/**
 * One BLE tap after a press: scan (bounded retries), connect to the nearest allowed verifier,
 * read its challenge, answer in MTU-sized chunks, read the verdict, show it, disconnect. A press
 * while a tap is running is ignored. A failure before signing is retried once with a fresh scan;
 * after the counter was committed nothing is retried (the host may already have recorded it).
 * Resolves with the verdict byte, or -1 when no verifier answered.
 */
export function runBleTap(device: Device, stamp: Stamp, feedback: Feedback, tapper: BleTapper): Promise<number> {
  if (tapper.busy) return Promise.resolve(-1);
  tapper.busy = true;
  showBusy(feedback);
  let link: BleLink | undefined;
  let finished = false;
  let signed = false;
  function drop(): void {
    if (link !== undefined) link.disconnect();
    link = undefined;
  }
  function finish(verdict: number): number {
    if (finished) return verdict;
    finished = true;
    device.clearTimer(timer);
    tapper.busy = false;
    drop();
    if (verdict < 0) device.setLeds(false, false, false);
    else showVerdict(feedback, verdict === Reason.ACCEPTED);
    return verdict;
  }
  const timer = device.setTimer(function () {
    finish(Reason.STAMP_REFUSED);
  }, BLE_TAP_TIMEOUT_MS);
  function exchange(advert: BleAdvert): Promise<number> {
    return advert.connect().then(function (connected) {
      if (finished) {
        connected.disconnect();
        return -1;
      }
      link = connected;
      return readChunks(connected, CHALLENGE_CHARACTERISTIC_UUID, createChunkAssembly())
        .then(function (challenge) {
          signed = true;
          return writeAll(connected, splitIntoChunks(answerChallenge(stamp, challenge), writeSizeFor(connected)), 0);
        })
        .then(function () {
          return connected.read(VERDICT_CHARACTERISTIC_UUID);
        })
        .then(function (verdict) {
          return verdict.length === 1 ? verdict[0] : Reason.STAMP_REFUSED;
        });
    });
  }
  function attempt(scans: number, connects: number): Promise<number> {
    if (finished) return Promise.resolve(-1);
    return device.ble.scan(VERIFIER_SERVICE_UUID, SCAN_MS).then(function (adverts) {
      const advert = pickVerifier(stamp, adverts);
      if (advert === undefined) return scans + 1 < MAX_SCANS && !finished ? attempt(scans + 1, connects) : -1;
      return exchange(advert).then(undefined, function (e) {
        if (signed || finished || connects + 1 >= MAX_CONNECTS) throw e;
        drop();
        return attempt(scans, connects + 1);
      });
    });
  }
  return attempt(0, 0).then(finish, function () {
    return finish(Reason.STAMP_REFUSED);
  });
}
