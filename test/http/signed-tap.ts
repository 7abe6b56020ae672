/**
 * Test stamps with real Ed25519 keys (node:crypto): the exact tap responses a stamp would send,
 * and the proof of possession it gives a flashing station. Reusable by any test that needs a
 * correctly signed tap or proof, or a deliberately wrong one.
 */
import { createPublicKey, generateKeyPairSync, KeyObject, sign } from "node:crypto";
import { decodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { FLAG_USER_PRESENT, STAMP_ID_LENGTH } from "../../shared/protocol-constants";
import { provisioningMessage } from "../../shared/provisioning-message";
import { tapSignedMessage } from "../../shared/signed-message";
import { encodeTapResponse } from "../../shared/tap-response";

/** An Ed25519 SPKI DER ends with the 32 raw key bytes. */
export function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

export interface Proof {
  challenge: string;
  firmwareHash: string;
  signature: string;
}

export interface TestStamp {
  publicKey: Uint8Array;
  publicKeyHex: string;
  /** The stamp id: the public key's first 8 bytes. */
  stampId: Uint8Array;
  id: string;
  privateKey: KeyObject;
  /** The proof of possession the firmware gives a flashing station, over a host challenge (hex). */
  prove(challenge: string, firmwareHash: string, signingKey?: KeyObject): Proof;
}

function bytesOf(hex: string, what: string): Uint8Array {
  const decoded = fromHex(hex);
  if (!decoded.ok) throw new Error(`${what}: ${decoded.error}`);
  return decoded.value;
}

export function newTestStamp(): TestStamp {
  const privateKey = generateKeyPairSync("ed25519").privateKey;
  const raw = rawPublicKey(privateKey);
  const stampId = raw.slice(0, STAMP_ID_LENGTH);
  return {
    publicKey: raw,
    publicKeyHex: toHex(raw),
    stampId: stampId,
    id: toHex(stampId),
    privateKey: privateKey,
    prove(challenge, firmwareHash, signingKey) {
      const message = provisioningMessage(bytesOf(challenge, "challenge"), raw, bytesOf(firmwareHash, "firmware hash"));
      if (message === undefined) throw new Error("bad proof lengths");
      return { challenge: challenge, firmwareHash: firmwareHash, signature: toHex(new Uint8Array(sign(null, message, signingKey ?? privateKey))) };
    },
  };
}

export interface TapOptions {
  /** FLAG_* bits; the button is pressed (FLAG_USER_PRESENT) by default. */
  flags?: number;
  /** Sign with this key instead of the stamp's own (a forgery). */
  signingKey?: KeyObject;
}

function challengeBytes(challenge: Uint8Array | string): Uint8Array {
  return typeof challenge === "string" ? bytesOf(challenge, "challenge hex") : challenge;
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
