/**
 * Simple statistics over challenge nonces: pure. They catch a broken generator (a counter, a
 * clock, a stuck bit, a small seed), not a subtly biased one: that needs a real test battery.
 */
import { NonceSet } from "./nonce-set";

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

/**
 * The statistics kept as nonces arrive, so that a million of them need not be held as objects:
 * each nonce is remembered once, in a flat table (NonceSet), to find repeats.
 */
export class NonceTally {
  private seen: NonceSet | undefined;
  private ones: number[] = [];
  private readonly byteCounts = new Array<number>(256).fill(0);
  private width = 0;
  samples = 0;
  repeats = 0;

  /** Counts one nonce; true when it repeats an earlier one. */
  add(nonce: Uint8Array): boolean {
    if (this.seen === undefined) {
      this.width = nonce.length;
      this.ones = new Array<number>(nonce.length * 8).fill(0);
      this.seen = new NonceSet(nonce.length);
    }
    const repeated = !this.seen.add(nonce);
    if (repeated) this.repeats += 1;
    this.samples += 1;
    for (let i = 0; i < nonce.length; i++) {
      this.byteCounts[nonce[i]] += 1;
      for (let bit = 0; bit < 8; bit++) if ((nonce[i] >> bit) & 1) this.ones[i * 8 + bit] += 1;
    }
    return repeated;
  }

  statistics(): NonceStatistics {
    const n = this.samples;
    const sigma = Math.sqrt(n) / 2;
    const worstBitSigma = n === 0 ? 0 : Math.max(...this.ones.map((count) => Math.abs(count - n / 2) / sigma));
    const expected = (n * this.width) / 256;
    const byteChiSquare = expected === 0 ? 0 : this.byteCounts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    return { samples: n, repeats: this.repeats, worstBitSigma: worstBitSigma, byteChiSquare: byteChiSquare };
  }
}

export function nonceStatistics(nonces: readonly Uint8Array[]): NonceStatistics {
  const tally = new NonceTally();
  for (const nonce of nonces) tally.add(nonce);
  return tally.statistics();
}
