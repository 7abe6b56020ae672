import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NonceSet } from "../../rig/nonce-set";

describe("rig: the flat set of nonces seen", () => {
  it("finds every repeat and nothing else while it grows far past its first table", () => {
    const set = new NonceSet(16);
    const nonces = Array.from({ length: 200_000 }, () => new Uint8Array(randomBytes(16)));
    expect(nonces.every((n) => set.add(n))).toBe(true);
    expect(set.size).toBe(200_000);
    // Every one again, as a copy: each is a repeat, after the table was rebuilt several times.
    expect(nonces.filter((n) => set.add(n.slice())).length).toBe(0);
    expect(set.size).toBe(200_000);
  });

  it("tells apart nonces a counter makes, which differ in one byte or one bit", () => {
    const set = new NonceSet(16);
    const counter = (i: number) => new Uint8Array(16).map((_, j) => (j === 15 ? i & 0xff : j === 14 ? (i >> 8) & 0xff : 0));
    for (let i = 0; i < 5_000; i++) expect(set.add(counter(i))).toBe(true);
    expect(set.add(counter(4_999))).toBe(false);
    const bit = counter(0);
    bit[0] ^= 0x80;
    expect(set.add(bit)).toBe(true);
  });

  it("refuses a nonce of another length", () => {
    expect(() => new NonceSet(16).add(new Uint8Array(15))).toThrow(/15 bytes/);
  });
});
