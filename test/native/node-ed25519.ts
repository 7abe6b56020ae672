/** node:crypto Ed25519 from a raw 32-byte seed, used as the reference in native tests. */
import * as crypto from "node:crypto";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export function nodeKeyFromSeed(seed: Uint8Array): crypto.KeyObject {
  return crypto.createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(seed)]),
    format: "der",
    type: "pkcs8",
  });
}

export function nodePublicKey(seed: Uint8Array): Buffer {
  const spki = crypto.createPublicKey(nodeKeyFromSeed(seed)).export({ format: "der", type: "spki" });
  return spki.subarray(spki.length - 32);
}

export function nodeSign(seed: Uint8Array, message: Uint8Array): Buffer {
  return crypto.sign(null, message, nodeKeyFromSeed(seed));
}

export interface RandomCase {
  seed: Buffer;
  message: Buffer;
  publicKey: Buffer;
  signature: Buffer;
}

/** `count` random seeds with random messages of 0..maxLength bytes and node:crypto's answers. */
export function randomCases(count: number, maxLength = 300): RandomCase[] {
  const out: RandomCase[] = [];
  for (let i = 0; i < count; i++) {
    const seed = crypto.randomBytes(32);
    const message = crypto.randomBytes(crypto.randomInt(0, maxLength + 1));
    out.push({ seed, message, publicKey: nodePublicKey(seed), signature: nodeSign(seed, message) });
  }
  return out;
}
