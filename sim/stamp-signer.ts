import type { Signer } from "../firmware/device";
import { createHostNativeSigner } from "../firmware/native/host-signer";

let signer: Signer | undefined;

/**
 * The simulated stamp's signer: the very C Ed25519 that ships in the stamp's ARM blob, built for
 * this machine (dist/firmware/ed25519-host, made on first use), so simulation and stamp share
 * one implementation.
 */
export function simulatedStampSigner(): Signer {
  if (signer === undefined) signer = createHostNativeSigner();
  return signer;
}
