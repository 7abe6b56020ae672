import { describe, expect, it } from "vitest";
import { TAP_RESPONSE_LENGTH } from "../../shared/protocol-constants";
import { flipBit, GROUP_ORDER, malleateSignature, reencodings, RESPONSE_FIELDS } from "../../rig/response-bytes";

function le(bytes: Uint8Array): bigint {
  return [...bytes].reverse().reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

const response = new Uint8Array(TAP_RESPONSE_LENGTH).map((_, i) => (i * 37 + 11) & 0xff);
// A valid S is below L: clear the top bits of the last byte so the example is one.
response[93] &= 0x0f;

describe("rig: edits of a tap response", () => {
  it("names fields that tile the 94 bytes exactly", () => {
    const covered = RESPONSE_FIELDS.reduce((end, f) => (f.offset === end ? end + f.length : -1), 0);
    expect(covered).toBe(TAP_RESPONSE_LENGTH);
  });

  it("flips exactly one bit, in a copy", () => {
    const flipped = flipBit(response, 40, 3);
    expect([...flipped].filter((b, i) => b !== response[i])).toHaveLength(1);
    expect(flipped[40] ^ response[40]).toBe(8);
  });

  it("adds L to S and leaves everything else alone", () => {
    const malleated = malleateSignature(response);
    expect(le(malleated.subarray(62)) - le(response.subarray(62))).toBe(GROUP_ORDER);
    expect(malleated.subarray(0, 62)).toEqual(response.subarray(0, 62));
  });

  it("spells the same bytes six other ways, none equal to the plain hex", () => {
    const plain = Buffer.from(response).toString("hex");
    const spellings = reencodings(response);
    expect(spellings).toHaveLength(6);
    for (const s of spellings) expect(s.hex).not.toBe(plain);
    expect(spellings[0].hex.toLowerCase()).toBe(plain);
  });
});
