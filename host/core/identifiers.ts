import { fromHex } from "../../shared/hex";

/** Merchant and shop ids are short slugs people type: lower-case letters, digits, dashes. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function isSlug(value: string): boolean {
  return SLUG.test(value);
}

/** Stamp and verifier ids: 8 bytes as 16 lower-case hex digits. */
export function isHexId(value: string): boolean {
  return /^[0-9a-f]{16}$/.test(value);
}

/** Parses hex of an exact byte length; undefined for anything else. */
export function parseHexBytes(value: string, length: number): Uint8Array | undefined {
  const decoded = fromHex(value);
  return decoded.ok && decoded.value.length === length ? decoded.value : undefined;
}
