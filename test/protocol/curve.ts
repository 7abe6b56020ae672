/**
 * An independent, deliberately simple edwards25519 in affine coordinates (BigInt, variable time,
 * tests only): a second opinion on host/crypto/edwards25519.ts, written from RFC 8032 5.1.
 * -x^2 + y^2 = 1 + d x^2 y^2 over GF(p), p = 2^255 - 19.
 */
export const P = 2n ** 255n - 19n;
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;

export function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

export function pow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

const inv = (a: bigint): bigint => pow(a, P - 2n);
export const D = mod(-121665n * inv(121666n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);

export interface Affine {
  x: bigint;
  y: bigint;
}

export const IDENTITY: Affine = { x: 0n, y: 1n };

export function onCurve(p: Affine): boolean {
  const x2 = mod(p.x * p.x);
  const y2 = mod(p.y * p.y);
  return mod(-x2 + y2) === mod(1n + D * x2 * y2);
}

export function add(p: Affine, q: Affine): Affine {
  const k = mod(D * p.x * q.x * p.y * q.y);
  return {
    x: mod((p.x * q.y + q.x * p.y) * inv(mod(1n + k))),
    y: mod((p.y * q.y + p.x * q.x) * inv(mod(1n - k))),
  };
}

export function negate(p: Affine): Affine {
  return { x: mod(-p.x), y: p.y };
}

export function multiply(p: Affine, scalar: bigint): Affine {
  let result = IDENTITY;
  let addend = p;
  for (let k = scalar; k > 0n; k >>= 1n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

export function equal(p: Affine, q: Affine): boolean {
  return p.x === q.x && p.y === q.y;
}

export function littleEndian(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

export function toLittleEndian(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new Error("value does not fit");
  return out;
}

/** RFC 8032 5.1.2: y little-endian, the sign (low bit) of x in bit 255. */
export function encode(p: Affine): Uint8Array {
  const out = toLittleEndian(p.y, 32);
  out[31] |= Number(p.x & 1n) << 7;
  return out;
}

/** RFC 8032 5.1.3, strict: undefined for y >= p, x = 0 with the sign bit, or no square root. */
export function decode(bytes: Uint8Array): Affine | undefined {
  if (bytes.length !== 32) return undefined;
  const sign = BigInt(bytes[31] >> 7);
  const y = littleEndian(bytes) & ((1n << 255n) - 1n);
  if (y >= P) return undefined;
  const x2 = mod((y * y - 1n) * inv(mod(D * y * y + 1n)));
  let x = pow(x2, (P + 3n) / 8n);
  if (mod(x * x) !== x2) {
    x = mod(x * SQRT_M1);
    if (mod(x * x) !== x2) return undefined;
  }
  if (x === 0n && sign === 1n) return undefined;
  if ((x & 1n) !== sign) x = mod(-x);
  return { x: x, y: y };
}

/** The order of a point of the 8-torsion (1, 2, 4 or 8), or undefined when [8]P is not the identity. */
export function smallOrder(p: Affine): number | undefined {
  let q = p;
  for (const order of [1, 2, 4, 8]) {
    if (equal(q, IDENTITY)) return order;
    q = add(q, q);
  }
  return undefined;
}

/**
 * All 8 points of order dividing 8, derived rather than listed: for any curve point Q, [L]Q lies
 * in the 8-torsion (the group has order 8L); the first one of order 8 generates it.
 */
export function torsionPoints(): Affine[] {
  for (let y = 2n; ; y++) {
    const q = decode(toLittleEndian(y, 32));
    if (q === undefined) continue;
    const t = multiply(q, L);
    if (smallOrder(t) !== 8) continue;
    const points: Affine[] = [IDENTITY];
    for (let i = 1; i < 8; i++) points.push(add(points[i - 1], t));
    return points;
  }
}

/** The RFC 8032 base point B (y = 4/5, x even). */
export const BASE: Affine = (() => {
  const b = decode(toLittleEndian(mod(4n * inv(5n)), 32));
  if (b === undefined) throw new Error("base point");
  return b;
})();
