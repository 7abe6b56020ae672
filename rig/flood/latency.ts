/** Latency figures of legitimate taps, and the bound a flood may not push them past: pure. */

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** How far a flood may push the legitimate taps' p99: a factor of the baseline's, plus scheduling noise. */
export interface LatencyBound {
  factor: number;
  slackMs: number;
}

/**
 * "Normal" during a flood. The full run (`npm run rig`, a machine given to it) holds the p99 to
 * 3 × the baseline's + 50 ms. The short run shares the machine with the rest of `npm test`,
 * whose other suites move any latency by a factor of several on two cores, so there it only
 * catches a flood that starves the host (10 × + 500 ms): a host without limits, verifying every
 * junk request, misses even that.
 */
export function latencyBoundFor(kind: "short" | "full"): LatencyBound {
  return kind === "full" ? { factor: 3, slackMs: 50 } : { factor: 10, slackMs: 500 };
}

export function normalLatencyBound(baselineP99: number, bound: LatencyBound): number {
  return bound.factor * baselineP99 + bound.slackMs;
}
