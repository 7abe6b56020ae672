import { NDEF_FIRST_PAGE, NDEF_PAGES, PAGE_SIZE } from "../shared/nfc-mailbox-layout";
import { writeNdefUriTlv } from "../shared/ndef";
import { toBase64Url } from "../shared/base64url";
import { encodePhoneToken, isBaseUrl, PHONE_IDLE_PATH, PHONE_TAP_PATH, PHONE_TOKEN_FLAGS, phoneSignedMessage, PRESS_RANDOM_LENGTH } from "../shared/phone-url";
import { SIGNATURE_LENGTH } from "../shared/protocol-constants";
import { takeCounterValue } from "./counter-store";
import { TimerHandle } from "./device";
import { Feedback, showVerdict } from "./feedback";
import type { Stamp } from "./stamp-app";
import { BASE_URL_FILE } from "./storage-files";

/**
 * How long a signed phone URL stays in the tag after a press: 5 s. A phone already held to the
 * stamp reads it within a second of the re-presented tag; a customer who presses first and then
 * brings the phone needs a few seconds (the BLE tap gives itself as long). Longer only widens
 * the time in which any phone that reaches the stamp's few centimetres gets the one-time URL
 * (docs/design.md); the "press the stamp" record then returns.
 */
export const PHONE_URL_WINDOW_MS = 5000;
/** The withdraw timer's handle once it has run (a number no Espruino timer has). */
const TIMER_RAN = -1;

/**
 * The stamp's phone face (docs/protocol.md §15): the NDEF area of its tag memory holds the idle
 * "press the stamp" URL, and for PHONE_URL_WINDOW_MS after a press a one-time URL the stamp
 * signed with the next counter value. Without a press nothing signed is ever in the tag.
 *
 * Three functions, on purpose: on the Puck.js each function the firmware keeps costs about 5 of
 * its 2,630 variables, and one more per parameter.
 */
export interface PhoneUrl {
  baseUrl: string;
  /** The NDEF area: a view on the tag memory (pages 4-49), read by the NFC frame handlers. */
  ndefArea: Uint8Array;
  /** Set while a signed URL is in the tag: the timer that puts the idle URL back (TIMER_RAN
   * once it has fired); undefined while the idle URL is there. */
  withdrawTimer: TimerHandle | undefined;
}

/**
 * With a base URL in Storage (one isBaseUrl accepts), sets up the phone face in the tag memory
 * with the idle URL in it (over the empty NDEF message the mailbox starts with: the rest of the
 * area is still zero). Without one the stamp shows phones nothing and signs nothing for them.
 */
export function startPhoneUrl(stamp: Stamp, tagMemory: Uint8Array): void {
  const bytes = stamp.device.readFile(BASE_URL_FILE);
  if (bytes === undefined) return;
  let baseUrl = "";
  for (let i = 0; i < bytes.length; i++) baseUrl += String.fromCharCode(bytes[i]);
  if (!isBaseUrl(baseUrl)) return;
  const start = NDEF_FIRST_PAGE * PAGE_SIZE;
  const ndefArea = tagMemory.subarray(start, start + NDEF_PAGES * PAGE_SIZE);
  writeNdefUriTlv(ndefArea, baseUrl + PHONE_IDLE_PATH);
  stamp.phoneUrl = { baseUrl: baseUrl, ndefArea: ndefArea, withdrawTimer: undefined };
}

/** The idle URL goes back into the tag (no re-presenting: a phone that read the signed URL has it). */
export function withdrawPhoneUrl(stamp: Stamp): void {
  const phone = stamp.phoneUrl;
  if (phone === undefined || phone.withdrawTimer === undefined) return;
  if (phone.withdrawTimer !== TIMER_RAN) stamp.device.clearTimer(phone.withdrawTimer);
  phone.withdrawTimer = undefined;
  phone.ndefArea.fill(0);
  writeNdefUriTlv(phone.ndefArea, phone.baseUrl + PHONE_IDLE_PATH);
}

/**
 * After a press, between radio frames (a timer, as the mailbox signs): the next counter value,
 * committed to flash first and signed second with a press random from the hardware RNG (the same counter as taps, so a clone's URL forks
 * it like a tap), the signed URL into the NDEF area, then the tag re-presented so that a phone
 * already in the field, which read the idle URL at contact, reads again. A URL still shown from
 * an earlier press is withdrawn first: its counter is below the new one. Any failure leaves the
 * idle URL and shows red; a counter value committed before a failed signature is spent.
 */
export function schedulePhoneUrl(stamp: Stamp, feedback: Feedback): void {
  const device = stamp.device;
  const phone = stamp.phoneUrl;
  if (phone === undefined) return;
  device.setTimer(function () {
    withdrawPhoneUrl(stamp);
    const key = stamp.key;
    const counter = stamp.counter;
    const taken = key === undefined || counter === undefined ? undefined : takeCounterValue(device, counter);
    if (key === undefined || taken === undefined || "error" in taken) {
      showVerdict(feedback, false);
      return;
    }
    // New at each press, inside the signature: a clone pressed at this counter value signs
    // another message, so the host proves the fork instead of seeing the same URL twice.
    const pressRandom = device.randomBytes(PRESS_RANDOM_LENGTH);
    let signature: Uint8Array | undefined;
    try {
      signature = device.signer.sign(key.seed, key.publicKey, phoneSignedMessage(phone.baseUrl, key.stampId, taken.value, PHONE_TOKEN_FLAGS, pressRandom));
    } catch (e) {
      signature = undefined;
    }
    if (signature === undefined || signature.length !== SIGNATURE_LENGTH) {
      showVerdict(feedback, false);
      return;
    }
    // phoneTapUrl's URL, spelled out here: one function fewer kept in the stamp's RAM.
    const token = encodePhoneToken({ stampId: key.stampId, counter: taken.value, flags: PHONE_TOKEN_FLAGS, pressRandom: pressRandom, signature: signature });
    phone.ndefArea.fill(0);
    writeNdefUriTlv(phone.ndefArea, phone.baseUrl + PHONE_TAP_PATH + toBase64Url(token));
    device.nfc.restart();
    phone.withdrawTimer = device.setTimer(function () {
      // Not cleared once it has run: Espruino reuses timer ids, so that could cancel another timer.
      phone.withdrawTimer = TIMER_RAN;
      withdrawPhoneUrl(stamp);
    }, PHONE_URL_WINDOW_MS);
  }, 0);
}
