/**
 * Totality of the phone URL's decoders (docs/protocol.md §15): the token, its base64url text and
 * the NDEF parser return a value or a typed error for any input and never throw; what they
 * accept re-encodes to the same bytes or text (so an edited URL never decodes to the same
 * token). Inputs from a seeded PRNG (failures name the input) and mutations of valid encodings;
 * expected outcomes computed independently (node's base64url, the documented rules).
 */
import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../../shared/base64url";
import { DecodeErrorCode } from "../../shared/decode-error";
import { decodeNdefUriRecord, findNdefMessage, ndefUriTlv } from "../../shared/ndef";
import { decodePhoneToken, decodePhoneTokenText, encodePhoneToken, PHONE_TOKEN_LENGTH, PHONE_TOKEN_TEXT_LENGTH } from "../../shared/phone-url";
import { KNOWN_FLAGS } from "../../shared/protocol-constants";

/** mulberry32, as in decoders-total.test.ts. */
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

const next = prng(0x9ab0e11);
const bytes = (length: number) => Uint8Array.from({ length }, () => Math.floor(next() * 256));
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** Mostly alphabet characters, sometimes anything printable (and "=" padding, which is refused). */
const text = (length: number) =>
  Array.from({ length }, () => (next() < 0.9 ? BASE64URL[Math.floor(next() * 64)] : String.fromCharCode(32 + Math.floor(next() * 95)))).join("");

const validToken = encodePhoneToken({ stampId: bytes(8), counter: 43, flags: 1, pressRandom: bytes(6), signature: bytes(64) });

describe("the phone URL's decoders are total and canonical", () => {
  it("base64url: random byte strings round-trip; random texts are accepted exactly when canonical", () => {
    for (let length = 0; length <= 100; length++) {
      const data = bytes(length);
      const encoded = toBase64Url(data);
      expect(encoded).toBe(Buffer.from(data).toString("base64url"));
      const decoded = fromBase64Url(encoded);
      expect(decoded.ok && Buffer.from(decoded.value).equals(Buffer.from(data))).toBe(true);
    }
    for (let length = 0; length <= 130; length++) {
      for (let i = 0; i < 10; i++) {
        const input = text(length);
        const decoded = fromBase64Url(input);
        const alphabetOnly = [...input].every((c) => BASE64URL.includes(c));
        const canonical = alphabetOnly && length % 4 !== 1 && Buffer.from(Buffer.from(input, "base64url")).toString("base64url") === input;
        expect({ input, ok: decoded.ok }).toEqual({ input, ok: canonical });
        if (decoded.ok) expect(toBase64Url(decoded.value)).toBe(input);
      }
    }
  });

  it("phone token: random and mutated bytes decode exactly as the rules say, and re-encode", () => {
    const inputs: Uint8Array[] = [];
    for (let length = 0; length <= 100; length++) for (let i = 0; i < 8; i++) inputs.push(bytes(length));
    for (let i = 0; i < validToken.length; i++) {
      for (const mask of [0xff, 1, 0x80]) {
        const m = validToken.slice();
        m[i] ^= mask;
        inputs.push(m);
      }
    }
    const zeroCounter = validToken.slice();
    zeroCounter.fill(0, 9, 13);
    inputs.push(validToken, zeroCounter, validToken.subarray(1), new Uint8Array([...validToken, 0]));
    for (const input of inputs) {
      const decoded = decodePhoneToken(input);
      const expected =
        input.length !== PHONE_TOKEN_LENGTH
          ? DecodeErrorCode.WRONG_LENGTH
          : input[0] !== 1
            ? DecodeErrorCode.UNSUPPORTED_VERSION
            : Buffer.from(input).readUInt32BE(9) === 0
              ? DecodeErrorCode.ZERO_COUNTER
              : (input[13] & ~KNOWN_FLAGS) !== 0
                ? DecodeErrorCode.UNKNOWN_FLAGS
                : "ok";
      expect({ input: Buffer.from(input).toString("hex"), outcome: decoded.ok ? "ok" : decoded.error.code }).toEqual({ input: Buffer.from(input).toString("hex"), outcome: expected });
      if (decoded.ok) expect(Buffer.from(encodePhoneToken(decoded.value)).equals(Buffer.from(input))).toBe(true);
    }
  });

  it("token text: random texts never throw; every one-character edit of a valid text is refused or another token", () => {
    const valid = toBase64Url(validToken);
    expect(valid).toHaveLength(PHONE_TOKEN_TEXT_LENGTH);
    for (let length = 100; length <= 120; length++) for (let i = 0; i < 20; i++) decodePhoneTokenText(text(length));
    for (let i = 0; i < valid.length; i++) {
      for (const c of ["A", "_", "-", "z", "=", "%", " "]) {
        if (valid[i] === c) continue;
        const edited = valid.slice(0, i) + c + valid.slice(i + 1);
        const decoded = decodePhoneTokenText(edited);
        if (decoded.ok) expect(Buffer.from(encodePhoneToken(decoded.value)).equals(Buffer.from(validToken))).toBe(false);
        else expect([DecodeErrorCode.NOT_BASE64URL, DecodeErrorCode.UNSUPPORTED_VERSION, DecodeErrorCode.ZERO_COUNTER, DecodeErrorCode.UNKNOWN_FLAGS]).toContain(decoded.error.code);
      }
    }
    expect(decodePhoneTokenText(valid + "A")).toMatchObject({ ok: false, error: { code: DecodeErrorCode.WRONG_LENGTH } });
  });

  it("NDEF: random data areas and records never throw; URIs round-trip through the TLV", () => {
    for (let length = 0; length <= 200; length++) {
      for (let i = 0; i < 6; i++) {
        const area = bytes(length);
        if (next() < 0.5 && length > 0) area[0] = 0x03;
        const message = findNdefMessage(area);
        if (message.ok) decodeNdefUriRecord(message.value);
        else expect(message.error.code).toBe(DecodeErrorCode.NOT_NDEF);
        const record = decodeNdefUriRecord(area);
        if (!record.ok) expect(record.error.code).toBe(DecodeErrorCode.NOT_NDEF);
      }
    }
    for (let i = 0; i < 200; i++) {
      const scheme = ["https://", "http://", "ftp://", ""][Math.floor(next() * 4)];
      const uri = scheme + Array.from({ length: Math.floor(next() * 180) }, () => String.fromCharCode(33 + Math.floor(next() * 94))).join("");
      const message = findNdefMessage(ndefUriTlv(uri));
      if (!message.ok) throw new Error(message.error.detail);
      expect(decodeNdefUriRecord(message.value)).toEqual({ ok: true, value: uri });
    }
  });
});
