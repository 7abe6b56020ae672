import { CampaignResult } from "../campaign";

/** One campaign run against its weakened twin: it must have caught it (accepted > 0). */
export interface TwinRun {
  campaign: string;
  /** What the twin weakens; undefined when the campaign has no twin yet (the run fails). */
  weakness: string | undefined;
  result: CampaignResult | undefined;
  /** Set when the twin could not be run at all. */
  error: string | undefined;
}

/** Everything a run found: the report's JSON is exactly this. */
export interface RigReport {
  startedAt: string;
  target: string;
  budget: "short" | "full";
  campaigns: CampaignResult[];
  twins: TwinRun[];
  /** Why the run failed; empty when it passed. */
  failures: string[];
  passed: boolean;
}

/** The run's failures: pure. Attacks accepted by the real host, legitimate taps refused, figures out of bounds, twins not caught. */
export function judge(campaigns: CampaignResult[], twins: TwinRun[]): string[] {
  const failures: string[] = [];
  for (const c of campaigns) {
    if (c.error !== undefined) failures.push(`${c.campaign}: stopped before its end: ${c.error}`);
    if (c.accepted > 0) failures.push(`${c.campaign}: ${c.accepted} attack(s) accepted`);
    if (c.falseRejections > 0) failures.push(`${c.campaign}: ${c.falseRejections} legitimate tap(s) refused`);
    for (const f of c.figures) if (!f.ok) failures.push(`${c.campaign}: ${f.name} = ${f.value}`);
  }
  for (const t of twins) {
    if (t.weakness === undefined) failures.push(`${t.campaign}: no weakened twin, so the campaign has not shown it can fail`);
    else if (t.error !== undefined) failures.push(`${t.campaign}: its twin could not be run: ${t.error}`);
    else if (t.result === undefined || t.result.accepted === 0) failures.push(`${t.campaign}: did not catch its weakened twin (${t.weakness})`);
  }
  return failures;
}
