/**
 * What a campaign is and what it reports. A campaign is one named family of attacks on a host;
 * it mixes legitimate taps into its run so that a host which refuses everything (and so would
 * "pass" every attack) shows up as false rejections instead of a clean report.
 */
import { RigWorld } from "./world/rig-world";

/** How much a campaign may do: "short" fits `npm test` (seconds), "full" is `npm run rig`. */
export interface Budget {
  kind: "short" | "full";
  /** Challenges the nonce-quality campaign collects. */
  nonceSamples: number;
  /** Concurrent submissions of one valid response. */
  concurrentSubmissions: number;
}

export const SHORT_BUDGET: Budget = { kind: "short", nonceSamples: 2_000, concurrentSubmissions: 100 };
/** The full run collects the million challenges (about 6 minutes on the rig's own host, 2 cores). */
export const FULL_BUDGET: Budget = { kind: "full", nonceSamples: 1_000_000, concurrentSubmissions: 100 };

/** One attack (or one legitimate tap) as sent, and what the host answered. */
export interface Attempt {
  /** The sub-attack this belongs to, e.g. "replay: same response again". */
  attack: string;
  /** A legitimate tap mixed in: it must be accepted. */
  legitimate: boolean;
  accepted: boolean;
  /** Refused with a reason the host reports as a security signal (an alert or quarantine). */
  flagged: boolean;
  /** The host's reason name or HTTP status, for the report. */
  answer: string;
}

/** A sub-attack the campaign did not run, and why (never counted as passed). */
export interface NotRun {
  attack: string;
  why: string;
}

/** A measured figure a campaign reports besides its attempts (nonce statistics). */
export interface Figure {
  name: string;
  value: string;
  /** Whether the figure is within what the campaign requires. */
  ok: boolean;
}

export interface CampaignResult {
  campaign: string;
  attacks: string;
  attempts: number;
  accepted: number;
  flagged: number;
  legitimate: number;
  falseRejections: number;
  durationMs: number;
  /** Up to a few accepted attacks, to reproduce them. */
  acceptedExamples: Attempt[];
  /** Attempts by sub-attack: sent, accepted, flagged, and the host's distinct answers. */
  byAttack: { attack: string; sent: number; accepted: number; flagged: number; answers: string[] }[];
  notRun: NotRun[];
  figures: Figure[];
  /** Why the campaign stopped before its end (its counts are then only what it reached); undefined when it ran through. */
  error?: string;
  /** The host it ran against when not the run's target (a host of its own, e.g. for floods). */
  host?: string;
}

/** Attempts alike in everything, counted rather than kept one object each (a million fresh nonces). */
export interface CountedAttempts extends Attempt {
  count: number;
}

/** What a campaign's run returns before the runner times and tallies it. */
export interface CampaignOutput {
  attempts: Attempt[];
  /** More attempts, by the batch; tallied exactly as if each were in `attempts`. */
  counted?: CountedAttempts[];
  notRun: NotRun[];
  figures: Figure[];
}

export interface Campaign {
  name: string;
  /** One sentence: what it attacks and how. */
  attacks: string;
  run(world: RigWorld, budget: Budget): Promise<CampaignOutput>;
}
