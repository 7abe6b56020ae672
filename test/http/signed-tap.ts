/**
 * Test stamps with real Ed25519 keys (node:crypto) and the exact tap responses a stamp would
 * send: reusable by any test that needs a correctly signed tap, or a deliberately wrong one.
 */
import { generateKeyPairSync, KeyObject, sign } from "node:crypto";
import { decodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { FLAG_USER_PRESENT, STAMP_ID_LENGTH } from "../../shared/protocol-constants";
import { tapSignedMessage } from "../../shared/signed-message";
import { encodeTapResponse } from "../../shared/tap-response";

export interface TestStamp {
  publicKey: Uint8Array;
  publicKeyHex: string;
  /** The stamp id: the public key's first 8 bytes. */
  stampId: Uint8Array;
  id: string;
  privateKey: KeyObject;
}

export function newTestStamp(): TestStamp {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  // An Ed25519 SPKI DER ends with the 32 raw key bytes.
  const raw = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(-32));
  const stampId = raw.slice(0, STAMP_ID_LENGTH);
  return { publicKey: raw, publicKeyHex: toHex(raw), stampId: stampId, id: toHex(stampId), privateKey: privateKey };
}

export interface TapOptions {
  /** FLAG_* bits; the button is pressed (FLAG_USER_PRESENT) by default. */
  flags?: number;
  /** Sign with this key instead of the stamp's own (a forgery). */
  signingKey?: KeyObject;
}

function challengeBytes(challenge: Uint8Array | string): Uint8Array {
  if (typeof challenge !== "string") return challenge;
  const decoded = fromHex(challenge);
  if (!decoded.ok) throw new Error("challenge hex: " + decoded.error);
  return decoded.value;
}

/** The 94-byte response of `stamp` to a 32-byte challenge (bytes or hex), signed over counter and flags. */
export function signTap(stamp: TestStamp, challenge: Uint8Array | string, counter: number, options: TapOptions = {}): Uint8Array {
  const decoded = decodeChallenge(challengeBytes(challenge));
  if (!decoded.ok) throw new Error("challenge: " + decoded.error.detail);
  const flags = options.flags ?? FLAG_USER_PRESENT;
  const message = tapSignedMessage(decoded.value, stamp.stampId, counter, flags);
  const signature = new Uint8Array(sign(null, message, options.signingKey ?? stamp.privateKey));
  return encodeTapResponse({ stampId: stamp.stampId, nonce: decoded.value.nonce, counter: counter, flags: flags, signature: signature });
}

export function signTapHex(stamp: TestStamp, challenge: Uint8Array | string, counter: number, options: TapOptions = {}): string {
  return toHex(signTap(stamp, challenge, counter, options));
}
