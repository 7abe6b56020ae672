import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import type { Signer } from "../firmware/device";

/** DER prefix of an Ed25519 PKCS#8 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function privateKeyFromSeed(seed: Uint8Array) {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/**
 * The simulated stamp's signer: RFC 8032 Ed25519 from node:crypto, until the stamp's own
 * native implementation is built for the host too.
 */
export const nodeCryptoSigner: Signer = {
  publicKey(seed) {
    const spki = createPublicKey(privateKeyFromSeed(seed)).export({ format: "der", type: "spki" });
    return new Uint8Array(spki.subarray(spki.length - 32));
  },
  sign(seed, _publicKey, message) {
    return new Uint8Array(sign(null, message, privateKeyFromSeed(seed)));
  },
};
