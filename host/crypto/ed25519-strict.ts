import { createPublicKey, KeyObject, verify } from "node:crypto";
import { SIGNATURE_LENGTH } from "../../shared/protocol-constants";
import { decodePoint, FIELD_PRIME, GROUP_ORDER, hasSmallOrder, isInPrimeOrderSubgroup, littleEndianToBigInt } from "./edwards25519";

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow. */
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** How many key objects publicKeyObject keeps: stamps and stations seen lately (each entry ~ a few hundred bytes). */
const KEY_CACHE_SIZE = 10_000;

/**
 * Key objects already built, by the key's bytes in hex, least recently used first (a Map keeps
 * insertion order; a hit is moved to the end). Building one from raw bytes (DER parse in
 * OpenSSL) costs about as much as the verify itself, and every tap and signed request needs one.
 *
 * Why caching is safe: a KeyObject is immutable (node:crypto offers no way to change the key it
 * holds), and the cache key is the key's bytes themselves, so a hit returns an object for exactly
 * the bytes asked for: nothing about whom the key belongs to or whether it is still trusted is
 * cached here. Revocation, a stamp's status and which key a stamp or station has are read from
 * the store on every tap, as before; a revoked key's object lingering here verifies nothing
 * that the caller has not already decided to check against that key. Keys that fail to parse
 * throw and are not cached.
 */
const keyObjects = new Map<string, KeyObject>();

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString("hex");
  const cached = keyObjects.get(id);
  if (cached !== undefined) {
    keyObjects.delete(id);
    keyObjects.set(id, cached);
    return cached;
  }
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: "der", type: "spki" });
  keyObjects.set(id, key);
  if (keyObjects.size > KEY_CACHE_SIZE) keyObjects.delete(keyObjects.keys().next().value as string);
  return key;
}

/**
 * Whether a public key may be registered: a canonical encoding of a curve point that is not of
 * small order and lies in the prime-order subgroup. A small-order key would let anyone forge
 * "valid" signatures for it; a torsion component makes verification equations ambiguous.
 */
export function checkRegistrablePublicKey(publicKey: Uint8Array): { ok: true } | { ok: false; reason: string } {
  const decoded = decodePoint(publicKey);
  if (!decoded.ok) return { ok: false, reason: decoded.reason };
  if (hasSmallOrder(decoded.point)) return { ok: false, reason: "small-order public key" };
  if (!isInPrimeOrderSubgroup(decoded.point)) return { ok: false, reason: "public key outside the prime-order subgroup" };
  return { ok: true };
}

/**
 * RFC 8032 verification with canonical checks done here, explicitly, rather than trusted to
 * the library: S must be below the group order L (otherwise S and S + L both verify, i.e. the
 * signature is malleable) and R's y must be below p (a non-canonical encoding of a valid point).
 * A canonical R that is not on the curve cannot pass: OpenSSL compares R's bytes with the
 * encoding of the point it computes. The key itself was checked at registration.
 */
export function verifyStrict(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  return hasCanonicalEncoding(signature) && verify(null, message, key, signature);
}

/** The checks verifyStrict makes itself before the library: 64 bytes, S < L, R's y < p. */
export function hasCanonicalEncoding(signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH) return false;
  if (littleEndianToBigInt(signature.subarray(32)) >= GROUP_ORDER) return false;
  return (littleEndianToBigInt(signature.subarray(0, 32)) & ((1n << 255n) - 1n)) < FIELD_PRIME;
}
