import { provisioningMessage } from "../shared/provisioning-message";
import { Stamp } from "./stamp-app";
import { ALLOWED_VERIFIERS_FILE, BASE_URL_FILE, COUNTER_SLOT_FILES, LOCK_FILE, PUBLIC_KEY_FILE, SEED_FILE } from "./storage-files";

export interface ProvisioningProof {
  publicKey: Uint8Array;
  firmwareHash: Uint8Array;
  signature: Uint8Array;
}

/**
 * Proof of possession for the flashing station: the stamp key signs the provisioning message
 * (its own domain tag, never the tap domain) over the station's challenge, the public key and the
 * firmware hash the stamp computed itself. Uses no counter value.
 */
export function proveProvisioning(stamp: Stamp, challenge: Uint8Array, firmwareHash: Uint8Array): ProvisioningProof | { error: string } {
  const key = stamp.key;
  if (key === undefined) return { error: stamp.fault === undefined ? "no key" : stamp.fault };
  const message = provisioningMessage(challenge, key.publicKey, firmwareHash);
  if (message === undefined) return { error: "challenge must be 32 bytes" };
  const signature = stamp.device.signer.sign(key.seed, key.publicKey, message);
  if (signature === undefined) return { error: "too little memory to sign" };
  return { publicKey: key.publicKey, firmwareHash: firmwareHash, signature: signature };
}

/** Writes the lock file (read back): from the next boot on the stamp starts in production mode. */
export function writeLock(stamp: Stamp): boolean {
  return stamp.device.writeFile(LOCK_FILE, new Uint8Array([1])) && stamp.device.readFile(LOCK_FILE) !== undefined;
}

/**
 * Files a factory reset erases, the seed first: once it is gone the key is destroyed. A function,
 * not a module constant, so the list takes no RAM on a stamp that is never reset.
 */
export function factoryResetFiles(): string[] {
  return [SEED_FILE, PUBLIC_KEY_FILE, COUNTER_SLOT_FILES[0], COUNTER_SLOT_FILES[1], ALLOWED_VERIFIERS_FILE, BASE_URL_FILE, LOCK_FILE];
}
