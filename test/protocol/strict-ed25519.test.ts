import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { toHex } from "../../shared/hex";
import { checkRegistrablePublicKey, hasCanonicalEncoding, publicKeyObject, verifyStrict } from "../../host/crypto/ed25519-strict";
import { GROUP_ORDER } from "../../host/crypto/edwards25519";
import { add, Affine, decode, encode, equal, IDENTITY, L, littleEndian, multiply, P, smallOrder, toLittleEndian, torsionPoints } from "./curve";

/**
 * R6: strict Ed25519. verifyStrict must refuse malleated (S >= L) and non-canonical-R signatures
 * and wrong lengths; registration (checkRegistrablePublicKey) must refuse every small-order key,
 * every non-canonical encoding and every mixed-order ("torsion") key, and accept real keys.
 */

const SEED = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex");
const PRIVATE = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), SEED]), format: "der", type: "pkcs8" });
const MESSAGE = new TextEncoder().encode("stamp-tap/v1 strict verification test message");

function raw(spkiKey: ReturnType<typeof createPublicKey>): Uint8Array {
  const spki = spkiKey.export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

const PUBLIC = raw(createPublicKey(PRIVATE));
const KEY = publicKeyObject(PUBLIC);
const SIGNATURE = new Uint8Array(sign(null, MESSAGE, PRIVATE));

function withS(signature: Uint8Array, s: bigint): Uint8Array {
  const out = signature.slice();
  out.set(toLittleEndian(s, 32), 32);
  return out;
}

function withR(signature: Uint8Array, r: Uint8Array): Uint8Array {
  const out = signature.slice();
  out.set(r, 0);
  return out;
}

/** The 32-byte little-endian encoding of y with the sign bit (bit 255) set or not. */
function encodingOf(y: bigint, sign: 0 | 1): Uint8Array {
  const e = toLittleEndian(y, 32);
  e[31] |= sign << 7;
  return e;
}

/** The well-known canonical encodings of the 8 small-order points (as in libsodium's blocklist). */
const WELL_KNOWN_SMALL_ORDER = [
  "0100000000000000000000000000000000000000000000000000000000000000", // identity (0, 1), order 1
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // (0, -1), order 2
  "0000000000000000000000000000000000000000000000000000000000000000", // (sqrt(-1), 0), order 4
  "0000000000000000000000000000000000000000000000000000000000000080", // (-sqrt(-1), 0), order 4
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
].sort();

const TORSION = torsionPoints();

describe("verifyStrict", () => {
  it("accepts the genuine signature", () => {
    expect(GROUP_ORDER).toBe(L);
    expect(verifyStrict(KEY, MESSAGE, SIGNATURE)).toBe(true);
  });

  it("rejects S + L (the malleated twin that the RFC 8032 equation alone would accept), and any S >= L", () => {
    const s = littleEndian(SIGNATURE.subarray(32));
    expect(s).toBeLessThan(L);
    // S + L < 2^254: still 32 bytes; [S + L]B = [S]B because B has order L.
    const malleated = withS(SIGNATURE, s + L);
    expect(malleated.length).toBe(64);
    expect(verifyStrict(KEY, MESSAGE, malleated)).toBe(false);
    for (const bad of [L, L + 1n, s + 2n * L, s + 7n * L, 2n ** 253n, 2n ** 256n - 1n]) {
      expect(verifyStrict(KEY, MESSAGE, withS(SIGNATURE, bad)), `S = ${bad}`).toBe(false);
    }
    // S itself (< L) still verifies after the round trip through withS.
    expect(verifyStrict(KEY, MESSAGE, withS(SIGNATURE, s))).toBe(true);
  });

  it("rejects a non-canonical R: y >= p (all 19 values, both signs), x = 0 with the sign bit, off-curve R", () => {
    for (let y = P; y < 2n ** 255n; y++) {
      for (const sign of [0, 1] as const) expect(verifyStrict(KEY, MESSAGE, withR(SIGNATURE, encodingOf(y, sign)))).toBe(false);
    }
    expect(verifyStrict(KEY, MESSAGE, withR(SIGNATURE, encodingOf(1n, 1)))).toBe(false); // identity, "negative zero"
    expect(verifyStrict(KEY, MESSAGE, withR(SIGNATURE, encodingOf(P - 1n, 1)))).toBe(false); // (0, -1), "negative zero"
    let y = 2n;
    while (decode(encodingOf(y, 0)) !== undefined) y++;
    expect(verifyStrict(KEY, MESSAGE, withR(SIGNATURE, encodingOf(y, 0)))).toBe(false); // not on the curve
  });

  it("rejects a non-canonical R even where the group equation holds", () => {
    // With the (unregistrable) identity key A = O, R = O and S = 0 satisfy [S]B = R + [k]A for
    // every message. Encoded canonically (y = 1) the RFC 8032 equation accepts it: that is why
    // registration refuses small-order keys (verifyStrict relies on that). Encoded non-canonically
    // (y = p + 1, the same point), verifyStrict must refuse it on the encoding alone.
    const identityKey = publicKeyObject(encodingOf(1n, 0));
    const canonical = new Uint8Array(64);
    canonical.set(encodingOf(1n, 0), 0);
    expect(verifyStrict(identityKey, MESSAGE, canonical)).toBe(true);
    expect(verifyStrict(identityKey, new TextEncoder().encode("any other message"), canonical)).toBe(true);
    const nonCanonical = new Uint8Array(64);
    nonCanonical.set(encodingOf(P + 1n, 0), 0);
    expect(verifyStrict(identityKey, MESSAGE, nonCanonical)).toBe(false);
    expect(checkRegistrablePublicKey(encodingOf(1n, 0)).ok).toBe(false);
  });

  it("rejects every signature length other than 64 (0..128), and truncated or extended genuine signatures", () => {
    for (let length = 0; length <= 128; length++) {
      if (length === 64) continue;
      const padded = new Uint8Array(length);
      padded.set(SIGNATURE.subarray(0, Math.min(64, length)));
      expect(verifyStrict(KEY, MESSAGE, padded), `length ${length}`).toBe(false);
    }
  });

  it("rejects a signature over another message, by another key, or with any single bit flipped", () => {
    expect(verifyStrict(KEY, MESSAGE.subarray(1), SIGNATURE)).toBe(false);
    expect(verifyStrict(publicKeyObject(raw(generateKeyPairSync("ed25519").publicKey)), MESSAGE, SIGNATURE)).toBe(false);
    for (let bit = 0; bit < 512; bit += 7) {
      const flipped = SIGNATURE.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(verifyStrict(KEY, MESSAGE, flipped), `bit ${bit}`).toBe(false);
    }
  });
});

describe("hasCanonicalEncoding (checked here, not left to OpenSSL)", () => {
  const withS = (s: bigint) => {
    const signature = new Uint8Array(64);
    signature[0] = 1; // R: y = 1, canonical
    signature.set(toLittleEndian(s, 32), 32);
    return signature;
  };
  it("accepts S = L - 1 and refuses S = L and S = L + 1", () => {
    expect(hasCanonicalEncoding(withS(GROUP_ORDER - 1n))).toBe(true);
    expect(hasCanonicalEncoding(withS(GROUP_ORDER))).toBe(false);
    expect(hasCanonicalEncoding(withS(GROUP_ORDER + 1n))).toBe(false);
  });
  it("refuses R with y = p and accepts y = p - 1", () => {
    const signature = withS(0n);
    signature.set(toLittleEndian(P, 32), 0);
    expect(hasCanonicalEncoding(signature)).toBe(false);
    signature.set(toLittleEndian(P - 1n, 32), 0);
    expect(hasCanonicalEncoding(signature)).toBe(true);
  });
});

describe("checkRegistrablePublicKey", () => {
  it("the 8 small-order points, derived from the curve, are the well-known encodings", () => {
    expect(TORSION.length).toBe(8);
    const encodings = TORSION.map((t) => toHex(encode(t))).sort();
    expect(new Set(encodings).size).toBe(8);
    expect(encodings).toEqual(WELL_KNOWN_SMALL_ORDER);
    expect(TORSION.map((t) => smallOrder(t)).sort()).toEqual([1, 2, 4, 4, 8, 8, 8, 8]);
  });

  it("refuses all 8 small-order points: each decodes to a curve point with [8]A = O", () => {
    // A small-order key A has [8]A = O (and [L]A != O unless A = O); for such A, R = A-multiples
    // and S = 0 satisfy the verification equation for many messages: anyone can "sign".
    for (const hex of WELL_KNOWN_SMALL_ORDER) {
      const bytes = Buffer.from(hex, "hex");
      const point = decode(bytes);
      expect(point, hex).toBeDefined();
      if (point) expect(equal(multiply(point, 8n), IDENTITY)).toBe(true);
      expect(checkRegistrablePublicKey(bytes), hex).toEqual({ ok: false, reason: "small-order public key" });
    }
  });

  it("refuses every non-canonical encoding y >= p (both signs), including aliases of small-order points", () => {
    for (let y = P; y < 2n ** 255n; y++) {
      for (const sign of [0, 1] as const) {
        const result = checkRegistrablePublicKey(encodingOf(y, sign));
        expect(result.ok, `y = p + ${y - P}, sign ${sign}`).toBe(false);
        if (!result.ok) expect(result.reason).toMatch(/non-canonical/);
      }
    }
    // y = p + 1 is the identity and y = p the order-4 points, written non-canonically.
    expect(decode(encodingOf(1n, 0))).toEqual(IDENTITY);
    // x = 0 with the sign bit set ("negative zero") for the identity and (0, -1).
    for (const e of [encodingOf(1n, 1), encodingOf(P - 1n, 1)]) {
      const result = checkRegistrablePublicKey(e);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/non-canonical/);
    }
  });

  it("refuses encodings that are not curve points, and wrong lengths", () => {
    let refused = 0;
    for (let y = 2n; refused < 10; y++) {
      const e = encodingOf(y, 0);
      if (decode(e) !== undefined) continue;
      expect(checkRegistrablePublicKey(e)).toEqual({ ok: false, reason: "not a point on the curve" });
      refused++;
    }
    for (const length of [0, 1, 31, 33, 64]) expect(checkRegistrablePublicKey(new Uint8Array(length)).ok).toBe(false);
  });

  it("refuses torsion keys A + T (a real key plus each non-identity small-order point)", () => {
    const a = decode(PUBLIC);
    if (a === undefined) throw new Error("the RFC 8032 key does not decode");
    for (const t of TORSION.filter((p) => !equal(p, IDENTITY))) {
      const mixed: Affine = add(a, t);
      const bytes = encode(mixed);
      // A valid, canonical curve point, not of small order ...
      expect(decode(bytes)).toEqual(mixed);
      expect(smallOrder(mixed)).toBeUndefined();
      // ... but outside the prime-order subgroup: [L](A + T) = [L]T = T != O.
      expect(equal(multiply(mixed, L), IDENTITY)).toBe(false);
      expect(checkRegistrablePublicKey(bytes), toHex(bytes)).toEqual({ ok: false, reason: "public key outside the prime-order subgroup" });
    }
  });

  it("accepts real keys: the RFC 8032 key and 25 generated by node:crypto", () => {
    const a = decode(PUBLIC);
    expect(a && equal(multiply(a, L), IDENTITY)).toBe(true);
    expect(checkRegistrablePublicKey(PUBLIC)).toEqual({ ok: true });
    for (let i = 0; i < 25; i++) {
      const key = raw(generateKeyPairSync("ed25519").publicKey);
      expect(checkRegistrablePublicKey(key), toHex(key)).toEqual({ ok: true });
    }
  });
});
