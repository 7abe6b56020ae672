import { asciiBytes, concatBytes, copyBytes, readUint32, writeUint32 } from "./bytes";
import { fromBase64Url, toBase64Url } from "./base64url";
import { decodeError, DecodeError, DecodeErrorCode } from "./decode-error";
import { FLAG_USER_PRESENT, KNOWN_FLAGS, PROTOCOL_VERSION, SIGNATURE_LENGTH, STAMP_ID_LENGTH } from "./protocol-constants";
import { err, ok, Result } from "./result";

/**
 * The phone URL (docs/protocol.md §15): after a press the stamp signs a one-time URL that any
 * phone opens without an app, `<base URL>/t/<token>`, the token being 84 bytes in base64url
 * (112 characters, no partial group):
 *   version 1 | stamp id 8 | counter 4 (big-endian) | flags 1 | press random 6 | Ed25519 signature 64
 * The signature covers (never transmitted):
 *   "stamp-url/v1" | base URL length 1 | base URL (ASCII) | stamp id 8 | counter 4 | flags 1 | press random 6
 * so a token is bound to the host it was made for: shown to any other base URL it does not verify.
 * The press random (6 bytes from the hardware RNG, new at each press) makes two devices holding
 * one key sign two different messages for one counter value: Ed25519 is deterministic, so without
 * it a clone pressed at the genuine stamp's counter would make the identical URL, which the host
 * could only call "already used"; with it the two URLs prove the fork (COUNTER_FORK).
 */
export const URL_DOMAIN_TAG = "stamp-url/v1";
export const PRESS_RANDOM_LENGTH = 6;
export const PHONE_TOKEN_LENGTH = 1 + STAMP_ID_LENGTH + 4 + 1 + PRESS_RANDOM_LENGTH + SIGNATURE_LENGTH; // 84
export const PHONE_TOKEN_TEXT_LENGTH = 112;
/** The path between the base URL and the token. */
export const PHONE_TAP_PATH = "/t/";
/** Where the stamp's tag points when no press is pending: a page asking for a press. */
export const PHONE_IDLE_PATH = "/p";
export const MAX_BASE_URL_LENGTH = 64;

export interface PhoneToken {
  stampId: Uint8Array;
  counter: number;
  flags: number;
  /** 6 bytes the stamp drew from its hardware RNG for this press. */
  pressRandom: Uint8Array;
  signature: Uint8Array;
}

const OFFSET_STAMP_ID = 1;
const OFFSET_COUNTER = OFFSET_STAMP_ID + STAMP_ID_LENGTH;
const OFFSET_FLAGS = OFFSET_COUNTER + 4;
const OFFSET_PRESS_RANDOM = OFFSET_FLAGS + 1;
const OFFSET_SIGNATURE = OFFSET_PRESS_RANDOM + PRESS_RANDOM_LENGTH;

/**
 * A base URL a stamp may be bound to: http:// or https://, printable ASCII without spaces,
 * quotes, angle brackets, "?" or "#", no trailing "/", at most 64 characters (the tag's NDEF
 * area is sized for it).
 */
export function isBaseUrl(text: string): boolean {
  if (text.length > MAX_BASE_URL_LENGTH || text.charAt(text.length - 1) === "/") return false;
  const scheme = text.indexOf("https://") === 0 ? 8 : text.indexOf("http://") === 0 ? 7 : 0;
  if (scheme === 0 || text.length === scheme) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f || code === 0x22 || code === 0x3c || code === 0x3e || code === 0x3f || code === 0x23 || code === 0x5c) return false;
  }
  return true;
}

export function phoneSignedMessage(baseUrl: string, stampId: Uint8Array, counter: number, flags: number, pressRandom: Uint8Array): Uint8Array {
  const head = asciiBytes(URL_DOMAIN_TAG);
  const urlLength = new Uint8Array(1);
  urlLength[0] = baseUrl.length;
  const counterAndFlags = new Uint8Array(5);
  writeUint32(counterAndFlags, 0, counter);
  counterAndFlags[4] = flags;
  return concatBytes([head, urlLength, asciiBytes(baseUrl), stampId, counterAndFlags, pressRandom]);
}

export function encodePhoneToken(token: PhoneToken): Uint8Array {
  const out = new Uint8Array(PHONE_TOKEN_LENGTH);
  out[0] = PROTOCOL_VERSION;
  out.set(token.stampId, OFFSET_STAMP_ID);
  writeUint32(out, OFFSET_COUNTER, token.counter);
  out[OFFSET_FLAGS] = token.flags;
  out.set(token.pressRandom, OFFSET_PRESS_RANDOM);
  out.set(token.signature, OFFSET_SIGNATURE);
  return out;
}

export function phoneTapUrl(baseUrl: string, token: PhoneToken): string {
  return baseUrl + PHONE_TAP_PATH + toBase64Url(encodePhoneToken(token));
}

export function phoneIdleUrl(baseUrl: string): string {
  return baseUrl + PHONE_IDLE_PATH;
}

/** Total: the token's bytes, or why they are not one. A token is only ever made after a press. */
export function decodePhoneToken(bytes: Uint8Array): Result<PhoneToken, DecodeError> {
  if (bytes.length !== PHONE_TOKEN_LENGTH) {
    return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "phone token must be " + PHONE_TOKEN_LENGTH + " bytes, got " + bytes.length));
  }
  if (bytes[0] !== PROTOCOL_VERSION) return err(decodeError(DecodeErrorCode.UNSUPPORTED_VERSION, "phone token version " + bytes[0] + " is not supported"));
  const counter = readUint32(bytes, OFFSET_COUNTER);
  if (counter === 0) return err(decodeError(DecodeErrorCode.ZERO_COUNTER, "phone token counter must be at least 1"));
  const flags = bytes[OFFSET_FLAGS];
  if ((flags & ~KNOWN_FLAGS) !== 0) return err(decodeError(DecodeErrorCode.UNKNOWN_FLAGS, "phone token has unknown flag bits " + flags));
  return ok({
    stampId: copyBytes(bytes, OFFSET_STAMP_ID, STAMP_ID_LENGTH),
    counter: counter,
    flags: flags,
    pressRandom: copyBytes(bytes, OFFSET_PRESS_RANDOM, PRESS_RANDOM_LENGTH),
    signature: copyBytes(bytes, OFFSET_SIGNATURE, SIGNATURE_LENGTH),
  });
}

/** Total: the token in the URL's last path segment (exactly 112 canonical base64url characters). */
export function decodePhoneTokenText(text: string): Result<PhoneToken, DecodeError> {
  if (text.length !== PHONE_TOKEN_TEXT_LENGTH) {
    return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "phone token text must be " + PHONE_TOKEN_TEXT_LENGTH + " characters, got " + text.length));
  }
  const bytes = fromBase64Url(text);
  if (!bytes.ok) return err(decodeError(DecodeErrorCode.NOT_BASE64URL, bytes.error));
  return decodePhoneToken(bytes.value);
}

/** The flags of every token a stamp makes: the URL exists only because a person pressed. */
export const PHONE_TOKEN_FLAGS = FLAG_USER_PRESENT;
