/**
 * What the flood campaign can measure of a host the rig started itself, carried on its Target
 * (`floodBench`) as the access twin's host carries an operator token: the rows in its challenges
 * table, and whether its requests may leave from several loopback addresses. A deployment has
 * none, and the campaign says what it did not run.
 */
import { Target } from "../target";

export interface FloodBench {
  /** Rows in the host's challenges table now. */
  challengeRows(): number;
  /** The host process's resident set (the rig's own process when the host is embedded). */
  rssBytes(): number;
}

function isFloodBench(value: unknown): value is FloodBench {
  return typeof value === "object" && value !== null && "challengeRows" in value && "rssBytes" in value;
}

export function floodBenchOf(target: Target): FloodBench | undefined {
  const named: unknown = (target as Target & { floodBench?: unknown }).floodBench;
  return isFloodBench(named) ? named : undefined;
}
