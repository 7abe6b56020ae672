/**
 * Pure edits of a 94-byte tap response (docs/protocol.md): its field layout, single bit flips,
 * the S + L malleation of the signature, and other spellings of the same bytes in hex.
 */
import { toHex } from "../shared/hex";

/** The response's fields and where they are, for naming each flipped byte. */
export const RESPONSE_FIELDS: readonly { name: string; offset: number; length: number }[] = [
  { name: "version", offset: 0, length: 1 },
  { name: "stamp id", offset: 1, length: 8 },
  { name: "nonce", offset: 9, length: 16 },
  { name: "counter", offset: 25, length: 4 },
  { name: "flags", offset: 29, length: 1 },
  { name: "signature R", offset: 30, length: 32 },
  { name: "signature S", offset: 62, length: 32 },
];

const S_OFFSET = 62;

/** The order of the Ed25519 base point's group, L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032). */
export const GROUP_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n;

export function flipBit(bytes: Uint8Array, offset: number, bit: number): Uint8Array {
  const out = bytes.slice();
  out[offset] ^= 1 << bit;
  return out;
}

function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

function bigIntToLittleEndian(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = 0; i < length; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/**
 * The same signature with S replaced by S + L: it still satisfies the verification equation
 * ([S]B = R + [k]A) because [L]B is the identity, so only a verifier that refuses S ≥ L (RFC 8032
 * §5.1.7, R6) tells it apart. S < L always, and S + L < 2^256, so it fits the 32 bytes.
 */
export function malleateSignature(response: Uint8Array): Uint8Array {
  const s = littleEndianToBigInt(response.subarray(S_OFFSET, S_OFFSET + 32));
  const out = response.slice();
  out.set(bigIntToLittleEndian(s + GROUP_ORDER, 32), S_OFFSET);
  return out;
}

/** The same bytes spelled otherwise in hex, or with bytes added: a replay that a text comparison would miss. */
export function reencodings(response: Uint8Array): { name: string; hex: string }[] {
  const hex = toHex(response);
  const mixed = [...hex].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c)).join("");
  return [
    { name: "upper-case hex", hex: hex.toUpperCase() },
    { name: "mixed-case hex", hex: mixed },
    { name: "a zero byte appended", hex: hex + "00" },
    { name: "a zero byte prepended", hex: "00" + hex },
    { name: "0x prefix", hex: "0x" + hex },
    { name: "trailing space", hex: hex + " " },
  ];
}
