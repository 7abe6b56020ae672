import { Campaign } from "./campaign";
import { Target } from "./target";

/** A host the rig started, reachable as a Target, and how to stop it. */
export interface RunningHost {
  target: Target;
  stop(): Promise<void>;
}

/**
 * A deliberately weakened host for one campaign, assembled in the rig's test code (test/rig/twins)
 * and never a switch in the product: the campaign must report its attack accepted there, or it
 * proves nothing.
 */
export interface Twin {
  campaign: string;
  /** What was weakened, for the report. */
  weakness: string;
  start(): Promise<RunningHost>;
  /**
   * For a campaign whose weak point is its own check rather than the host's (ledger tampering
   * runs the evidence check itself): the campaign with that check weakened, run against start()'s host.
   */
  weakenedCampaign?: Campaign;
}
