/**
 * Simple statistics over challenge nonces: pure. They catch a broken generator (a counter, a
 * clock, a stuck bit, a small seed), not a subtly biased one: that needs a real test battery.
 */

export interface NonceStatistics {
  samples: number;
  repeats: number;
  /** The largest distance of one bit position's count of ones from samples / 2, in standard deviations. */
  worstBitSigma: number;
  /** Pearson's chi-square of all nonce bytes over 256 values (255 degrees of freedom). */
  byteChiSquare: number;
}

/** Limits that a true 128-bit random source exceeds with negligible probability (about 1e-5 or less). */
export const BIT_SIGMA_LIMIT = 5;
/** 255 degrees of freedom: mean 255, standard deviation √510 ≈ 22.6; this is about mean + 5 σ. */
export const CHI_SQUARE_LIMIT = 368;

export function nonceStatistics(nonces: readonly Uint8Array[]): NonceStatistics {
  const seen = new Set<string>();
  let repeats = 0;
  const width = nonces.length === 0 ? 0 : nonces[0].length;
  const ones = new Array<number>(width * 8).fill(0);
  const byteCounts = new Array<number>(256).fill(0);
  for (const nonce of nonces) {
    const key = Buffer.from(nonce).toString("hex");
    if (seen.has(key)) repeats += 1;
    seen.add(key);
    for (let i = 0; i < nonce.length; i++) {
      byteCounts[nonce[i]] += 1;
      for (let bit = 0; bit < 8; bit++) if ((nonce[i] >> bit) & 1) ones[i * 8 + bit] += 1;
    }
  }
  const n = nonces.length;
  const sigma = Math.sqrt(n) / 2;
  const worstBitSigma = n === 0 ? 0 : Math.max(...ones.map((count) => Math.abs(count - n / 2) / sigma));
  const totalBytes = n * width;
  const expected = totalBytes / 256;
  const byteChiSquare = expected === 0 ? 0 : byteCounts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
  return { samples: n, repeats: repeats, worstBitSigma: worstBitSigma, byteChiSquare: byteChiSquare };
}
