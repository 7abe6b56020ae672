/** Phone URL tokens signed the way the firmware signs them (docs/protocol.md §15), with a test key. */
import { KeyObject, randomBytes, sign } from "node:crypto";
import { PhoneToken, PHONE_TOKEN_FLAGS, PRESS_RANDOM_LENGTH, phoneSignedMessage } from "../../shared/phone-url";

export interface PhoneTokenOptions {
  flags?: number;
  /** The press's random bytes; fresh ones when absent (a clone's second device would pick its own). */
  pressRandom?: Uint8Array;
}

export function signPhoneToken(privateKey: KeyObject, stampId: Uint8Array, baseUrl: string, counter: number, options: PhoneTokenOptions = {}): PhoneToken {
  const flags = options.flags ?? PHONE_TOKEN_FLAGS;
  const pressRandom = options.pressRandom ?? new Uint8Array(randomBytes(PRESS_RANDOM_LENGTH));
  const signature = new Uint8Array(sign(null, phoneSignedMessage(baseUrl, stampId, counter, flags, pressRandom), privateKey));
  return { stampId: stampId, counter: counter, flags: flags, pressRandom: pressRandom, signature: signature };
}
