/**
 * Public keys no stamp may be registered with, as bytes the rig sends: the eight small-order
 * points and non-canonical encodings (y >= p, or x = 0 with the sign bit). They are listed and
 * derived here, independently of the host's own curve code, so that the rig does not test the
 * host's check with the host's arithmetic.
 */
import { fromHex } from "../../shared/hex";

const FIELD_PRIME = 2n ** 255n - 19n;

/** The canonical encodings of the 8 points of order dividing 8 (the well-known blocklist). */
const SMALL_ORDER_HEX = [
  "0100000000000000000000000000000000000000000000000000000000000000", // identity, order 1
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // (0, -1), order 2
  "0000000000000000000000000000000000000000000000000000000000000000", // order 4
  "0000000000000000000000000000000000000000000000000000000000000080", // order 4
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
];

export interface WeakKey {
  name: string;
  bytes: Uint8Array;
}

function hexBytes(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  if (!bytes.ok) throw new Error(bytes.error);
  return bytes.value;
}

/** y little-endian in 32 bytes, with the sign bit of x in bit 255: pure. */
export function encodingOf(y: bigint, sign: 0 | 1): Uint8Array {
  const out = new Uint8Array(32);
  let v = y;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  out[31] |= sign << 7;
  return out;
}

export const SMALL_ORDER_KEYS: readonly WeakKey[] = SMALL_ORDER_HEX.map((hex, i) => ({ name: `small-order point ${i + 1} of 8`, bytes: hexBytes(hex) }));

/**
 * Non-canonical encodings: y = p and y = p + 1 (aliases of the order-4 points and of the
 * identity) with either sign, and the identity with the sign bit set (x = 0 cannot be negative).
 * A host that reduced y mod p would take them for small-order keys under another name, and a
 * blocklist of canonical bytes would not catch them.
 */
export const NON_CANONICAL_KEYS: readonly WeakKey[] = [
  { name: "y = p, sign 0", bytes: encodingOf(FIELD_PRIME, 0) },
  { name: "y = p, sign 1", bytes: encodingOf(FIELD_PRIME, 1) },
  { name: "y = p + 1, sign 0", bytes: encodingOf(FIELD_PRIME + 1n, 0) },
  { name: "y = p + 1, sign 1", bytes: encodingOf(FIELD_PRIME + 1n, 1) },
  { name: "identity with the sign bit", bytes: encodingOf(1n, 1) },
];

/**
 * A "signature" that needs no private key: R = the identity, S = 0. For a small-order key A,
 * [S]B = R + [k]A holds whenever [k]A is the identity (always for A = O), so a verifier that
 * accepts the key lets anyone "prove possession" of it, and then sign any tap for it.
 */
export const KEYLESS_SIGNATURE: Uint8Array = (() => {
  const signature = new Uint8Array(64);
  signature[0] = 1;
  return signature;
})();
