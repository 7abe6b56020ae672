import { Signer } from "../device";

const UNAVAILABLE = "native Ed25519 is not part of this firmware build";

/**
 * The stamp's signer. Native Ed25519 (called through E.nativeCall) is not built yet, and
 * tweetnacl.js cannot even load on a Puck.js, so until it is this signer refuses loudly:
 * a stamp must never release something that only looks like a signature.
 */
export const nativeSigner: Signer = {
  publicKey: function () {
    throw new Error(UNAVAILABLE);
  },
  sign: function () {
    throw new Error(UNAVAILABLE);
  },
};
