import { randomBytes } from "node:crypto";
import { takeCounterValue } from "../../firmware/counter-store";
import { toBase64Url } from "../../shared/base64url";
import { encodePhoneToken, PHONE_TAP_PATH, PHONE_TOKEN_FLAGS, phoneSignedMessage, PRESS_RANDOM_LENGTH } from "../../shared/phone-url";
import { RigStamp } from "../world/rig-stamp";

/**
 * The one-time URL a press puts in the stamp's tag, made from the firmware's own parts: the next
 * counter value committed to the stamp's flash first (takeCounterValue, as schedulePhoneUrl
 * does), then the URL message signed with a fresh press random. It shares the counter with the
 * stamp's taps, so a URL kept back is overtaken by the next tap. The firmware's timers and tag
 * memory are left out: the rig needs the URL, not the 5 s window it is shown in.
 */
export function pressForPhoneUrl(stamp: RigStamp, baseUrl: string): string {
  const key = stamp.stamp.key;
  const counter = stamp.stamp.counter;
  if (key === undefined || counter === undefined) throw new Error("a rig stamp without key or counter");
  const taken = takeCounterValue(stamp.stamp.device, counter);
  if ("error" in taken) throw new Error(`the stamp could not take a counter value: ${taken.error}`);
  const pressRandom = new Uint8Array(randomBytes(PRESS_RANDOM_LENGTH));
  const signature = stamp.stamp.device.signer.sign(key.seed, key.publicKey, phoneSignedMessage(baseUrl, key.stampId, taken.value, PHONE_TOKEN_FLAGS, pressRandom));
  if (signature === undefined) throw new Error("the stamp could not sign its phone URL");
  const token = encodePhoneToken({ stampId: key.stampId, counter: taken.value, flags: PHONE_TOKEN_FLAGS, pressRandom: pressRandom, signature: signature });
  return baseUrl + PHONE_TAP_PATH + toBase64Url(token);
}
