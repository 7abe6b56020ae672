/**
 * Which flood requests were served beyond the limits: pure. A request past the per-minute budget
 * of its credential or address must be refused with 429. The open-challenge cap refuses nothing:
 * a station at its share gets a new challenge and its oldest open one is retired, so that cap is
 * judged on the challenges table (the floods campaign's "challenge rows added"), not here.
 */
export interface FloodLimits {
  /** Requests one client may make per minute (its credential's or its address's budget). */
  perMinute: number;
}

export interface FloodAnswer {
  status: number;
  code: string;
}

/** For each answer, in the order sent, whether it was served beyond a limit. */
export function servedBeyondLimits(answers: FloodAnswer[], limits: FloodLimits): boolean[] {
  return answers.map((answer, i) => i >= limits.perMinute && answer.status !== 429);
}
