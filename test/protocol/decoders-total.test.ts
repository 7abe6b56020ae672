import { describe, expect, it } from "vitest";
import { addChunk, ChunkAssembly, createChunkAssembly, splitIntoChunks } from "../../shared/ble-gatt";
import { concatBytes } from "../../shared/bytes";
import { decodeChallenge, encodeChallenge } from "../../shared/challenge";
import { DecodeErrorCode } from "../../shared/decode-error";
import { fromHex, toHex } from "../../shared/hex";
import { CHALLENGE_LENGTH, FLAG_USER_PRESENT, TAP_RESPONSE_LENGTH } from "../../shared/protocol-constants";
import { decodeStampReply, encodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { decodeTapResponse, encodeTapResponse } from "../../shared/tap-response";
import { decodePoint } from "../../host/crypto/edwards25519";
import { decode as referenceDecode, encode as encodePoint, onCurve, P } from "./curve";

/**
 * Totality: every decoder, for any input, returns a typed value or a typed error and never throws;
 * and what it accepts re-encodes to the same bytes. Inputs come from a seeded PRNG (failures name
 * the seed and the input) and from targeted mutations of valid encodings. The expected outcome of
 * every input is computed independently from docs/protocol.md's rules, not from the decoder.
 */

const SEED = 0x5eed2026;
const MAX_LENGTH = 200;
const RANDOM_PER_LENGTH = 12; // x 201 lengths = 2412 random strings per decoder

/** mulberry32: small, seedable, good enough to spread test inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(next: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
  return out;
}

/** Random strings of every length 0..200, a few per length. */
function randomInputs(seed: number): Uint8Array[] {
  const next = prng(seed);
  const inputs: Uint8Array[] = [];
  for (let length = 0; length <= MAX_LENGTH; length++) {
    for (let i = 0; i < RANDOM_PER_LENGTH; i++) inputs.push(randomBytes(next, length));
  }
  return inputs;
}

/** Every one-byte flip (xor 0xff) and one-bit flip, every truncation, and extensions by 1..8 bytes. */
function mutations(valid: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < valid.length; i++) {
    for (const mask of [0xff, 1, 2, 4, 8, 16, 32, 64, 128]) {
      const m = valid.slice();
      m[i] ^= mask;
      out.push(m);
    }
  }
  for (let length = 0; length < valid.length; length++) out.push(valid.slice(0, length));
  for (let extra = 1; extra <= 8; extra++) out.push(concatBytes([valid, new Uint8Array(extra).fill(extra)]));
  return out;
}

function withByte(valid: Uint8Array, offset: number, values: number[]): Uint8Array[] {
  return values.map((v) => {
    const m = valid.slice();
    m[offset] = v;
    return m;
  });
}

/** The same bytes as a view in the middle of a larger buffer, and as a Node Buffer. */
function views(bytes: Uint8Array): Uint8Array[] {
  const big = new Uint8Array(bytes.length + 16).fill(0xa5);
  big.set(bytes, 7);
  return [big.subarray(7, 7 + bytes.length), Buffer.from(bytes)];
}

const ERROR_CODES: string[] = Object.values(DecodeErrorCode);

type Outcome = { ok: true; value: unknown } | { ok: false; error: { code: string; detail: string } };

/** Calls a decoder; fails the test (naming the input) if it throws or returns an untyped shape. */
function callTotal<T extends Outcome>(name: string, decode: (b: Uint8Array) => T, input: Uint8Array): T {
  let result: T;
  try {
    result = decode(input);
  } catch (e) {
    throw new Error(`${name} threw on ${toHex(input)} (seed ${SEED}): ${String(e)}`);
  }
  if (result.ok) {
    expect(Object.keys(result).sort()).toEqual(["ok", "value"]);
  } else {
    expect(Object.keys(result).sort()).toEqual(["error", "ok"]);
    expect(Object.keys(result.error).sort()).toEqual(["code", "detail"]);
    expect(ERROR_CODES).toContain(result.error.code);
    expect(typeof result.error.detail).toBe("string");
    expect(result.error.detail.length).toBeGreaterThan(0);
  }
  return result;
}

/** docs/protocol.md section 3: the first rule a challenge breaks, or undefined when it is valid. */
function challengeRule(b: Uint8Array): string | undefined {
  if (b.length !== 32) return "WRONG_LENGTH";
  if (b[0] !== 1) return "UNSUPPORTED_VERSION";
  if (b[29] < 1 || b[29] > 4) return "UNKNOWN_PURPOSE";
  if (b[30] === 0 && b[31] === 0) return "ZERO_QUANTITY";
  return undefined;
}

/** docs/protocol.md section 6: the first rule a tap response breaks. */
function tapResponseRule(b: Uint8Array): string | undefined {
  if (b.length !== 94) return "WRONG_LENGTH";
  if (b[0] !== 1) return "UNSUPPORTED_VERSION";
  if (b[25] === 0 && b[26] === 0 && b[27] === 0 && b[28] === 0) return "ZERO_COUNTER";
  if ((b[29] & ~FLAG_USER_PRESENT) !== 0) return "UNKNOWN_FLAGS";
  return undefined;
}

/** docs/protocol.md section 6: the first rule a stamp reply breaks. */
function stampReplyRule(b: Uint8Array): string | undefined {
  if (b.length === 0) return "WRONG_LENGTH";
  if (b[0] >= 8) return "UNKNOWN_STATUS";
  if (b[0] === 0 ? b.length !== 95 : b.length !== 1) return "WRONG_LENGTH";
  return undefined;
}

function validChallenge(next: () => number): Uint8Array {
  const b = randomBytes(next, CHALLENGE_LENGTH);
  b[0] = 1;
  b[29] = 1 + Math.floor(next() * 4);
  if (b[30] === 0 && b[31] === 0) b[31] = 1;
  return b;
}

function validTapResponse(next: () => number): Uint8Array {
  const b = randomBytes(next, TAP_RESPONSE_LENGTH);
  b[0] = 1;
  b[29] &= FLAG_USER_PRESENT;
  if (b[25] === 0 && b[26] === 0 && b[27] === 0 && b[28] === 0) b[28] = 1;
  return b;
}

interface ByteDecoderCase {
  name: string;
  decode: (b: Uint8Array) => Outcome;
  reencode: (value: unknown) => Uint8Array;
  rule: (b: Uint8Array) => string | undefined;
  valid: (next: () => number) => Uint8Array;
  targeted: (valid: Uint8Array) => Uint8Array[];
}

const byteDecoders: ByteDecoderCase[] = [
  {
    name: "decodeChallenge",
    decode: decodeChallenge,
    reencode: (v) => encodeChallenge(v as Parameters<typeof encodeChallenge>[0]),
    rule: challengeRule,
    valid: validChallenge,
    targeted: (valid) => [
      ...withByte(valid, 0, [0, 2, 255]), // version
      ...withByte(valid, 29, [0, 1, 2, 3, 4, 5, 255]), // purpose
      (() => {
        const m = valid.slice();
        m[30] = 0;
        m[31] = 0;
        return m; // quantity 0
      })(),
      ...withByte(valid, 30, [0xff]), // quantity 0xff.. (large but valid)
    ],
  },
  {
    name: "decodeTapResponse",
    decode: decodeTapResponse,
    reencode: (v) => encodeTapResponse(v as Parameters<typeof encodeTapResponse>[0]),
    rule: tapResponseRule,
    valid: validTapResponse,
    targeted: (valid) => [
      ...withByte(valid, 0, [0, 2, 255]),
      (() => {
        const m = valid.slice();
        m.fill(0, 25, 29);
        return m; // counter 0
      })(),
      (() => {
        const m = valid.slice();
        m.fill(0xff, 25, 29);
        return m; // counter 0xffffffff
      })(),
      ...withByte(valid, 29, [0, 1, 2, 3, 4, 8, 16, 32, 64, 128, 0xfe, 0xff]), // flags
    ],
  },
  {
    name: "decodeStampReply",
    decode: decodeStampReply,
    reencode: (v) => encodeStampReply(v as Parameters<typeof encodeStampReply>[0]),
    rule: stampReplyRule,
    valid: (next) => (next() < 0.5 ? concatBytes([new Uint8Array([0]), validTapResponse(next)]) : new Uint8Array([1 + Math.floor(next() * 7)])),
    targeted: (valid) => [
      ...Array.from({ length: 256 }, (_, status) => new Uint8Array([status])),
      ...Array.from({ length: 256 }, (_, status) => concatBytes([new Uint8Array([status]), valid.subarray(1)])),
      new Uint8Array(95), // OK status, a zero tap response (the reply decoder does not look inside)
    ],
  },
];

describe.each(byteDecoders)("$name is total", (c) => {
  function check(input: Uint8Array): void {
    const result = callTotal(c.name, c.decode, input);
    const rule = c.rule(input);
    const context = `${c.name}(${toHex(input)})`;
    if (rule === undefined) {
      expect(result.ok, context).toBe(true);
      if (result.ok) expect(toHex(c.reencode(result.value)), `${context} round trip`).toBe(toHex(input));
    } else {
      expect(result.ok ? "ok" : result.error.code, context).toBe(rule);
    }
  }

  it(`random byte strings of every length 0..${MAX_LENGTH} (seed ${SEED})`, () => {
    for (const input of randomInputs(SEED)) check(input);
  });

  it("valid encodings round-trip, also from views and Buffers", () => {
    const next = prng(SEED + 1);
    for (let i = 0; i < 300; i++) {
      const valid = c.valid(next);
      check(valid);
      for (const view of views(valid)) check(view);
    }
  });

  it("targeted mutations of valid encodings: flips, truncations, extensions, field values", () => {
    const next = prng(SEED + 2);
    for (let i = 0; i < 4; i++) {
      const valid = c.valid(next);
      for (const input of [...mutations(valid), ...c.targeted(valid)]) check(input);
    }
  });
});

describe("fromHex is total", () => {
  const HEX = "0123456789abcdefABCDEF";
  function check(text: string): void {
    let result: ReturnType<typeof fromHex>;
    try {
      result = fromHex(text);
    } catch (e) {
      throw new Error(`fromHex threw on ${JSON.stringify(text)}: ${String(e)}`);
    }
    const valid = text.length % 2 === 0 && [...text].every((ch) => HEX.includes(ch)) && !/[^\x00-\x7f]/.test(text);
    expect(result.ok, JSON.stringify(text)).toBe(valid);
    if (result.ok) {
      expect(toHex(result.value)).toBe(text.toLowerCase());
      expect(result.value.length).toBe(text.length / 2);
    } else {
      expect(typeof result.error).toBe("string");
      expect(result.error.length).toBeGreaterThan(0);
    }
  }

  it(`random strings of every length 0..${MAX_LENGTH}, mostly hex digits (seed ${SEED})`, () => {
    const next = prng(SEED + 3);
    const odd = ["g", "G", "x", " ", "-", "\u0000", "\u00e9", "\ud800", "\uff10", "0x", "/", ":", "@", "`"];
    for (let length = 0; length <= MAX_LENGTH; length++) {
      for (let i = 0; i < RANDOM_PER_LENGTH; i++) {
        let text = "";
        while (text.length < length) {
          const r = next();
          if (r < 0.9) text += HEX[Math.floor(next() * HEX.length)];
          else if (r < 0.97) text += odd[Math.floor(next() * odd.length)];
          else text += String.fromCharCode(Math.floor(next() * 0x10000));
        }
        check(text.slice(0, length));
      }
    }
  });

  it("every byte value round-trips; every single non-hex character is refused", () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const result = fromHex(toHex(all));
    expect(result.ok && toHex(result.value)).toBe(toHex(all));
    for (let code = 0; code < 0x300; code++) {
      const ch = String.fromCharCode(code);
      check("a" + ch);
      check(ch + "0");
    }
  });
});

describe("addChunk (BLE reassembly) is total", () => {
  const MAX = 1 + TAP_RESPONSE_LENGTH;

  function snapshot(a: ChunkAssembly): string {
    return JSON.stringify({ parts: a.parts.map(toHex), complete: a.complete });
  }

  function add(assembly: ChunkAssembly, chunk: Uint8Array, maxLength: number) {
    const before = snapshot(assembly);
    const result = callTotal("addChunk", (c) => addChunk(assembly, c, maxLength), chunk);
    // Whatever happens, the assembly passed in is unchanged (a failed write changes nothing).
    expect(snapshot(assembly)).toBe(before);
    if (result.ok) {
      const length = result.value.parts.reduce((n, p) => n + p.length, 0);
      expect(length).toBeLessThanOrEqual(maxLength);
      expect(result.value.parts.length).toBe(assembly.parts.length + 1);
      expect(result.value.complete).toBe((chunk[0] & 0x80) !== 0);
    } else {
      expect(result.error.code).toBe("WRONG_LENGTH");
    }
    return result;
  }

  it(`random chunk streams of every length 0..${MAX_LENGTH} (seed ${SEED})`, () => {
    const next = prng(SEED + 4);
    let assembly = createChunkAssembly();
    for (const chunk of randomInputs(SEED + 5)) {
      // Bias the header towards the expected index so that streams get somewhere.
      if (chunk.length > 0 && next() < 0.6) chunk[0] = assembly.parts.length | (next() < 0.2 ? 0x80 : 0);
      const result = add(assembly, chunk, next() < 0.5 ? MAX : 4096);
      if (result.ok) assembly = result.value;
      if (assembly.complete || next() < 0.05) assembly = createChunkAssembly();
    }
  });

  it("refuses impossible splits instead of looping or wrapping the chunk index", () => {
    expect(() => splitIntoChunks(new Uint8Array(3), 1)).toThrow(/cannot split/);
    expect(() => splitIntoChunks(new Uint8Array(3), 0)).toThrow(/cannot split/);
  });

  it("split then reassemble gives back every message of length 0..200 (chunk sizes 2, 3, 4, 7, 20, 53, 64)", () => {
    const next = prng(SEED + 6);
    for (let length = 0; length <= MAX_LENGTH; length++) {
      const message = randomBytes(next, length);
      for (const size of [2, 3, 4, 7, 20, 53, 64]) {
        if (Math.ceil(length / (size - 1)) > 128) {
          // More chunks than a 7-bit index can number: refused, never a stream with a wrapped index.
          expect(() => splitIntoChunks(message, size)).toThrow(/cannot split/);
          continue;
        }
        const chunks = splitIntoChunks(message, size);
        const context = `length ${length}, chunk size ${size}`;
        let assembly = createChunkAssembly();
        let overLimit: ChunkAssembly | undefined = createChunkAssembly();
        for (const [i, chunk] of chunks.entries()) {
          if (chunk.length > size || chunk[0] !== (i | (i === chunks.length - 1 ? 0x80 : 0))) throw new Error(`${context}: bad chunk ${i}`);
          const added = addChunk(assembly, chunk, length);
          if (!added.ok) throw new Error(`${context}, chunk ${i}: ${added.error.detail}`);
          assembly = added.value;
          // The same stream against a limit one byte lower must be refused at some chunk.
          if (overLimit !== undefined) {
            const r = addChunk(overLimit, chunk, length - 1);
            overLimit = r.ok ? r.value : undefined;
          }
        }
        if (!assembly.complete || toHex(concatBytes(assembly.parts)) !== toHex(message)) throw new Error(`${context}: reassembly differs`);
        if (overLimit !== undefined) throw new Error(`${context}: a message over maxLength was accepted`);
      }
    }
  });

  it("refuses empty, out-of-order, repeated, skipped and late chunks", () => {
    const reply = concatBytes([new Uint8Array([StampStatus.OK]), new Uint8Array(TAP_RESPONSE_LENGTH).fill(7)]);
    const chunks = splitIntoChunks(reply, 20);
    expect(chunks.length).toBe(5);
    const empty = createChunkAssembly();
    expect(add(empty, new Uint8Array(0), MAX).ok).toBe(false);
    expect(add(empty, chunks[1], MAX).ok).toBe(false);
    const first = add(empty, chunks[0], MAX);
    if (!first.ok) throw new Error(first.error.detail);
    expect(add(first.value, chunks[0], MAX).ok).toBe(false); // repeated
    expect(add(first.value, chunks[2], MAX).ok).toBe(false); // skipped
    let a = first.value;
    for (const chunk of chunks.slice(1)) {
      const r = add(a, chunk, MAX);
      if (!r.ok) throw new Error(r.error.detail);
      a = r.value;
    }
    expect(a.complete).toBe(true);
    for (const late of [chunks[0], chunks[4], new Uint8Array([5]), new Uint8Array([0x85, 1])]) expect(add(a, late, MAX).ok).toBe(false);
    // A header with every index value 0..127, with and without the last bit, at an empty assembly.
    for (let header = 0; header < 256; header++) {
      const r = add(createChunkAssembly(), new Uint8Array([header, 1, 2]), MAX);
      expect(r.ok).toBe((header & 0x7f) === 0);
    }
  });
});

describe("decodePoint (edwards25519) is total", () => {
  function check(input: Uint8Array): void {
    let result: ReturnType<typeof decodePoint>;
    try {
      result = decodePoint(input);
    } catch (e) {
      throw new Error(`decodePoint threw on ${toHex(input)} (seed ${SEED}): ${String(e)}`);
    }
    const reference = referenceDecode(input);
    expect(result.ok, `decodePoint(${toHex(input)})`).toBe(reference !== undefined);
    if (result.ok) {
      const { x, y, z } = result.point;
      expect(z).toBe(1n);
      expect(onCurve({ x, y })).toBe(true);
      expect({ x, y }).toEqual(reference);
      // Only canonical encodings are accepted: re-encoding gives the input back.
      expect(toHex(encodePoint({ x, y }))).toBe(toHex(input));
    } else {
      expect(Object.keys(result).sort()).toEqual(["ok", "reason"]);
      expect(result.reason.length).toBeGreaterThan(0);
    }
  }

  it(`random byte strings of every length 0..${MAX_LENGTH}, and 1500 random 32-byte strings (seed ${SEED})`, () => {
    for (const input of randomInputs(SEED + 7)) check(input);
    const next = prng(SEED + 8);
    for (let i = 0; i < 1500; i++) check(randomBytes(next, 32));
  });

  it("every y >= p, each sign; x = 0 with the sign bit; flips of valid encodings", () => {
    for (let y = P; y < 2n ** 255n; y++) {
      for (const sign of [0, 0x80]) {
        const e = new Uint8Array(32);
        let v = y;
        for (let i = 0; i < 32; i++, v >>= 8n) e[i] = Number(v & 0xffn);
        e[31] |= sign;
        check(e);
        expect(decodePoint(e).ok).toBe(false);
      }
    }
    const identityNegativeZero = new Uint8Array(32);
    identityNegativeZero[0] = 1;
    identityNegativeZero[31] = 0x80;
    check(identityNegativeZero);
    expect(decodePoint(identityNegativeZero).ok).toBe(false);
    const next = prng(SEED + 9);
    let found = 0;
    while (found < 3) {
      const candidate = randomBytes(next, 32);
      if (referenceDecode(candidate) === undefined) continue;
      found++;
      for (const input of mutations(candidate)) check(input);
    }
  });
});
