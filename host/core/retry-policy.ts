/** How a station waits for hardware that is missing (the PC/SC service, a Bluetooth adapter). */
export interface RetryPolicy {
  /** First pause after a failure (default 1 s); it doubles up to maxMs. */
  firstMs: number;
  /** Longest pause between attempts (default 30 s). */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { firstMs: 1000, maxMs: 30_000 };

/** The pause after `pause`: twice as long, at most `policy.maxMs`. */
export function nextPause(pause: number, policy: RetryPolicy): number {
  return Math.min(pause * 2, policy.maxMs);
}
