import { createPublicKey, KeyObject, verify } from "node:crypto";
import { SIGNATURE_LENGTH } from "../../shared/protocol-constants";
import { decodePoint, FIELD_PRIME, GROUP_ORDER, hasSmallOrder, isInPrimeOrderSubgroup, littleEndianToBigInt } from "./edwards25519";

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow. */
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: "der", type: "spki" });
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
