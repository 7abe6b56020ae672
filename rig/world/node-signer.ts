import { createPrivateKey, createPublicKey, KeyObject, sign } from "node:crypto";
import type { Signer } from "../../firmware/device";

/** PKCS#8 DER of an Ed25519 private key is this fixed prefix followed by the 32-byte seed (RFC 8410). */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function keyOf(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/**
 * The firmware's Signer over node:crypto's Ed25519. The rig makes thousands of signatures; the
 * simulator's native signer spawns a process per signature, which is too slow for that.
 * Ed25519 is deterministic (RFC 8032), so the signatures are byte for byte the ones the stamp's
 * own C code makes; everything around them (key file, counter, presence) is the firmware's code.
 */
export const nodeSigner: Signer = {
  publicKey(seed) {
    const spki = createPublicKey(keyOf(seed)).export({ format: "der", type: "spki" });
    return new Uint8Array(spki.subarray(spki.length - 32));
  },
  sign(seed, _publicKey, message) {
    return new Uint8Array(sign(null, message, keyOf(seed)));
  },
};
