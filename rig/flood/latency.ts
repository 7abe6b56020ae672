/** Latency figures of legitimate taps, and the bound a flood may not push them past: pure. */

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** "Normal" during a flood: p99 at most 3 times the baseline p99 plus 50 ms (scheduling noise on a shared machine). */
export function normalLatencyBound(baselineP99: number): number {
  return 3 * baselineP99 + 50;
}
