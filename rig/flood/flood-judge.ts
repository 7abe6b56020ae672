/**
 * Which flood requests were served beyond the limits: pure. A request past the per-minute budget
 * of its credential or address must be refused with 429, and no verifier may get a challenge
 * while it already holds the cap of open ones.
 */
export interface FloodLimits {
  /** Requests one client may make per minute (its credential's or its address's budget). */
  perMinute: number;
  /** Open challenges one verifier may hold; undefined when the flood asks for none. */
  maxOpen: number | undefined;
}

export interface FloodAnswer {
  status: number;
  code: string;
}

/** For each answer, in the order sent, whether it was served beyond a limit. */
export function servedBeyondLimits(answers: FloodAnswer[], limits: FloodLimits): boolean[] {
  let served = 0;
  return answers.map((answer, i) => {
    const pastBudget = i >= limits.perMinute && answer.status !== 429;
    const pastCap = limits.maxOpen !== undefined && answer.status === 201 && served >= limits.maxOpen;
    if (answer.status === 201) served += 1;
    return pastBudget || pastCap;
  });
}
