/**
 * Just enough edwards25519 arithmetic (BigInt, variable time: it only ever sees public data)
 * to check public keys at registration and signatures' encodings, per RFC 8032 5.1.3.
 */
export const FIELD_PRIME = 2n ** 255n - 19n;
/** The order of the prime-order subgroup. */
export const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
const D = mod(-121665n * invert(121666n));
const SQRT_MINUS_ONE = power(2n, (FIELD_PRIME - 1n) / 4n);

interface Point {
  x: bigint;
  y: bigint;
  z: bigint;
  t: bigint;
}

function mod(value: bigint): bigint {
  const r = value % FIELD_PRIME;
  return r < 0n ? r + FIELD_PRIME : r;
}

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = mod(result * b);
    b = mod(b * b);
    e >>= 1n;
  }
  return result;
}

function invert(value: bigint): bigint {
  return power(value, FIELD_PRIME - 2n);
}

/** Little-endian bytes to an integer. */
export function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

export type PointDecoding = { ok: true; point: Point } | { ok: false; reason: string };

/** RFC 8032 5.1.3 decoding, refusing every non-canonical encoding. */
export function decodePoint(encoding: Uint8Array): PointDecoding {
  if (encoding.length !== 32) return { ok: false, reason: "a point is 32 bytes" };
  const sign = encoding[31] >> 7;
  const y = littleEndianToBigInt(encoding) & ((1n << 255n) - 1n);
  if (y >= FIELD_PRIME) return { ok: false, reason: "non-canonical encoding (y >= p)" };
  const y2 = mod(y * y);
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  let x = mod(u * power(v, 3n) * power(u * power(v, 7n), (FIELD_PRIME - 5n) / 8n));
  const vx2 = mod(v * x * x);
  if (vx2 !== u) {
    if (vx2 === mod(-u)) x = mod(x * SQRT_MINUS_ONE);
    else return { ok: false, reason: "not a point on the curve" };
  }
  if (x === 0n && sign === 1) return { ok: false, reason: "non-canonical encoding (x = 0 with sign bit set)" };
  if (Number(x & 1n) !== sign) x = mod(-x);
  return { ok: true, point: { x: x, y: y, z: 1n, t: mod(x * y) } };
}

function add(p: Point, q: Point): Point {
  const a = mod((p.y - p.x) * (q.y - q.x));
  const b = mod((p.y + p.x) * (q.y + q.x));
  const c = mod(2n * D * p.t * q.t);
  const d = mod(2n * p.z * q.z);
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return { x: mod(e * f), y: mod(g * h), z: mod(f * g), t: mod(e * h) };
}

function multiply(point: Point, scalar: bigint): Point {
  let result: Point = { x: 0n, y: 1n, z: 1n, t: 0n };
  let addend = point;
  let k = scalar;
  while (k > 0n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
    k >>= 1n;
  }
  return result;
}

function isIdentity(point: Point): boolean {
  return mod(point.x) === 0n && mod(point.y - point.z) === 0n;
}

/** True for the 8 points of small order (including the identity): [8]P is the identity. */
export function hasSmallOrder(point: Point): boolean {
  return isIdentity(multiply(point, 8n));
}

/** True when the point lies in the prime-order subgroup: [L]P is the identity. */
export function isInPrimeOrderSubgroup(point: Point): boolean {
  return isIdentity(multiply(point, GROUP_ORDER));
}
