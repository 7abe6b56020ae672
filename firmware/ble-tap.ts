import { bytesEqual } from "../shared/bytes";
import {
  CHALLENGE_CHARACTERISTIC_UUID,
  RESPONSE_CHARACTERISTIC_UUID,
  splitIntoChunks,
  VERDICT_CHARACTERISTIC_UUID,
  VERIFIER_SERVICE_UUID,
} from "../shared/ble-gatt";
import { Reason } from "../shared/reason-codes";
import { BleAdvert, BleLink, Device } from "./device";
import { Feedback, showBusy, showVerdict } from "./feedback";
import { answerChallenge, Stamp } from "./stamp-app";

export const SCAN_MS = 1000;
/** A tap that has not finished by then is abandoned (link dropped, red light). */
export const BLE_TAP_TIMEOUT_MS = 5000;
/** ATT payload per write at the default MTU of 23. */
export const BLE_WRITE_SIZE = 20;

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

function writeAll(link: BleLink, chunks: Uint8Array[], index: number): Promise<void> {
  if (index >= chunks.length) return Promise.resolve();
  return link.write(RESPONSE_CHARACTERISTIC_UUID, chunks[index]).then(function () {
    return writeAll(link, chunks, index + 1);
  });
}

/**
 * One BLE tap after a press: scan, connect to the nearest verifier, read its challenge, answer,
 * read the verdict, show it, disconnect. A press while a tap is running is ignored.
 * Resolves with the verdict byte, or -1 when no verifier answered.
 */
export function runBleTap(device: Device, stamp: Stamp, feedback: Feedback, tapper: BleTapper): Promise<number> {
  if (tapper.busy) return Promise.resolve(-1);
  tapper.busy = true;
  showBusy(feedback);
  let link: BleLink | undefined;
  let finished = false;
  function finish(verdict: number): number {
    if (finished) return verdict;
    finished = true;
    device.clearTimer(timer);
    tapper.busy = false;
    if (link !== undefined) link.disconnect();
    if (verdict < 0) device.setLeds(false, false, false);
    else showVerdict(feedback, verdict === Reason.ACCEPTED);
    return verdict;
  }
  const timer = device.setTimer(function () {
    finish(Reason.STAMP_REFUSED);
  }, BLE_TAP_TIMEOUT_MS);
  return device.ble
    .scan(VERIFIER_SERVICE_UUID, SCAN_MS)
    .then(function (adverts) {
      const advert = pickVerifier(stamp, adverts);
      if (advert === undefined || finished) return -1;
      return advert.connect().then(function (connected) {
        if (finished) {
          connected.disconnect();
          return -1;
        }
        link = connected;
        return connected
          .read(CHALLENGE_CHARACTERISTIC_UUID)
          .then(function (challenge) {
            return writeAll(connected, splitIntoChunks(answerChallenge(stamp, challenge), BLE_WRITE_SIZE), 0);
          })
          .then(function () {
            return connected.read(VERDICT_CHARACTERISTIC_UUID);
          })
          .then(function (verdict) {
            return verdict.length === 1 ? verdict[0] : Reason.STAMP_REFUSED;
          });
      });
    })
    .then(finish, function () {
      return finish(Reason.STAMP_REFUSED);
    });
}
