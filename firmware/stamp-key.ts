import { bytesEqual, copyBytes } from "../shared/bytes";
import { PUBLIC_KEY_LENGTH, SEED_LENGTH, STAMP_ID_LENGTH } from "../shared/protocol-constants";
import { Device } from "./device";
import { PUBLIC_KEY_FILE, SEED_FILE } from "./storage-files";

export interface StampKey {
  seed: Uint8Array;
  publicKey: Uint8Array;
  /** The first 8 bytes of the public key: how verifiers find this stamp's key. */
  stampId: Uint8Array;
}

export type KeyLoad = { key: StampKey; created: boolean } | { error: string };

/**
 * Loads the stamp key, or creates it on first boot from the hardware RNG. The seed is written
 * before the public key: a power cut in between leaves a seed whose public key is recomputed
 * at the next boot, never a public key without its seed. The key keeps the seed as the file
 * reads it (on the Puck.js a view of memory-mapped flash, no copy in RAM); a new seed is read
 * back from flash, compared, and its RAM copy wiped.
 */
export function loadOrCreateKey(device: Device): KeyLoad {
  let seed = device.readFile(SEED_FILE);
  let created = false;
  if (seed === undefined) {
    const fresh = device.randomBytes(SEED_LENGTH);
    const written = device.writeFile(SEED_FILE, fresh);
    const stored = device.readFile(SEED_FILE);
    const intact = written && stored !== undefined && bytesEqual(stored, fresh);
    fresh.fill(0);
    if (!intact || stored === undefined) return { error: "could not store the new key" };
    seed = stored;
    created = true;
  }
  if (seed.length !== SEED_LENGTH) return { error: "stored key is damaged" };
  let publicKey: Uint8Array;
  try {
    publicKey = device.signer.publicKey(seed);
  } catch (e) {
    return { error: "signer failed: " + (e instanceof Error ? e.message : String(e)) };
  }
  if (publicKey.length !== PUBLIC_KEY_LENGTH) return { error: "signer returned a malformed public key" };
  const storedPublicKey = device.readFile(PUBLIC_KEY_FILE);
  if (storedPublicKey === undefined || !bytesEqual(storedPublicKey, publicKey)) {
    if (!device.writeFile(PUBLIC_KEY_FILE, publicKey)) return { error: "could not store the public key" };
  }
  return {
    key: { seed: seed, publicKey: publicKey, stampId: copyBytes(publicKey, 0, STAMP_ID_LENGTH) },
    created: created,
  };
}
