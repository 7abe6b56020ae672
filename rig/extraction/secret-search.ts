/**
 * Whether something a stamp gave out reveals its private key (the 32-byte Ed25519 seed). Two
 * tests, both pure: any 8 consecutive seed bytes appear (raw, or as hex or base64 text), a
 * chance match being about 2^-64 per position; or any 32-byte window of a binary output, taken
 * as a seed, gives the stamp's public key (the key extracted and proved by what it signs for).
 */
import { toHex } from "../../shared/hex";

/** How many consecutive seed bytes count as a leak. */
export const LEAK_WINDOW = 8;

function windows(seed: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + LEAK_WINDOW <= seed.length; i++) out.push(seed.subarray(i, i + LEAK_WINDOW));
  return out;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Raw seed bytes in binary output (NFC pages, BLE writes). */
export function bytesRevealSeed(output: Uint8Array, seed: Uint8Array): boolean {
  return windows(seed).some((w) => contains(output, w));
}

/** The seed in console text: as hex (any case), as base64, or as raw bytes in a latin1 string. */
export function textRevealsSeed(text: string, seed: Uint8Array): boolean {
  const lower = text.toLowerCase();
  if (windows(seed).some((w) => lower.includes(toHex(w)))) return true;
  if (text.includes(Buffer.from(seed).toString("base64").slice(0, 12))) return true;
  return bytesRevealSeed(new Uint8Array(Buffer.from(text, "latin1")), seed);
}

/** Any 32-byte window of `output` that, as a seed, derives `publicKey`: the key itself, whatever its spelling nearby. */
export function derivesPublicKey(output: Uint8Array, publicKey: Uint8Array, derive: (seed: Uint8Array) => Uint8Array): boolean {
  const target = toHex(publicKey);
  for (let i = 0; i + 32 <= output.length; i++) if (toHex(derive(output.subarray(i, i + 32))) === target) return true;
  return false;
}
