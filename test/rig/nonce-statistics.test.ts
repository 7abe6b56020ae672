import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BIT_SIGMA_LIMIT, CHI_SQUARE_LIMIT, nonceStatistics } from "../../rig/nonce-statistics";

describe("rig: nonce statistics", () => {
  it("passes CSPRNG nonces", () => {
    const stats = nonceStatistics(Array.from({ length: 5_000 }, () => new Uint8Array(randomBytes(16))));
    expect(stats.repeats).toBe(0);
    expect(stats.worstBitSigma).toBeLessThan(BIT_SIGMA_LIMIT);
    expect(stats.byteChiSquare).toBeLessThan(CHI_SQUARE_LIMIT);
  });

  it("counts repeats, and sees a stuck bit and a counter's uneven bytes", () => {
    const stuck = Array.from({ length: 5_000 }, () => {
      const nonce = new Uint8Array(randomBytes(16));
      nonce[0] |= 1; // a stuck bit
      return nonce;
    });
    stuck.push(stuck[0].slice());
    const stats = nonceStatistics(stuck);
    expect(stats.repeats).toBe(1);
    expect(stats.worstBitSigma).toBeGreaterThan(BIT_SIGMA_LIMIT);
    const sequential = nonceStatistics(Array.from({ length: 5_000 }, (_, i) => new Uint8Array(16).fill(0).map((_, j) => (j === 15 ? i & 0xff : 0))));
    expect(sequential.byteChiSquare).toBeGreaterThan(CHI_SQUARE_LIMIT);
  });
});
