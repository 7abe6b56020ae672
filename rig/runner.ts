import { Budget, Campaign, CampaignResult } from "./campaign";
import { judge, RigReport, TwinRun } from "./report/rig-report";
import { tally } from "./tally";
import { Target } from "./target";
import { RunningHost, Twin } from "./twin";
import { setUpRigWorld } from "./world/rig-world";

/** Runs one campaign against a target in a world of its own (fresh shops, stations, stamps). */
export async function runCampaign(campaign: Campaign, target: Target, budget: Budget): Promise<CampaignResult> {
  const world = await setUpRigWorld(target);
  const started = performance.now();
  try {
    const output = await campaign.run(world, budget);
    return tally(campaign.name, campaign.attacks, output, Math.round(performance.now() - started));
  } finally {
    await world.close();
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A campaign that stopped on an error (a refused setup, a rate limit, a lost connection) is a failed one, still reported. */
async function runCampaignOrFail(campaign: Campaign, target: Target, budget: Budget): Promise<CampaignResult> {
  const started = performance.now();
  try {
    return await runCampaign(campaign, target, budget);
  } catch (e) {
    const empty = tally(campaign.name, campaign.attacks, { attempts: [], notRun: [], figures: [] }, Math.round(performance.now() - started));
    return { ...empty, error: messageOf(e) };
  }
}

async function runTwin(campaign: Campaign, twin: Twin | undefined, budget: Budget): Promise<TwinRun> {
  if (twin === undefined) return { campaign: campaign.name, weakness: undefined, result: undefined, error: undefined };
  let host: RunningHost | undefined;
  try {
    host = await twin.start();
    return { campaign: campaign.name, weakness: twin.weakness, result: await runCampaign(twin.weakenedCampaign ?? campaign, host.target, budget), error: undefined };
  } catch (e) {
    return { campaign: campaign.name, weakness: twin.weakness, result: undefined, error: messageOf(e) };
  } finally {
    await host?.stop();
  }
}

export interface RunPlan {
  target: Target;
  /**
   * Campaigns run against a host of their own instead of `target`, started just before and stopped
   * just after (floods need a host process with the product's own limits and a bench measuring it).
   */
  ownHosts?: ReadonlyMap<string, () => Promise<RunningHost>>;
  campaigns: Campaign[];
  twins: Twin[];
  budget: Budget;
  /** Hears each finished campaign (progress on a terminal). */
  onResult?: (line: string) => void;
}

/** The campaign against its own host (named in the result), started and stopped around it. */
async function runOnOwnHost(campaign: Campaign, start: () => Promise<RunningHost>, budget: Budget): Promise<CampaignResult> {
  const started = performance.now();
  let host: RunningHost | undefined;
  try {
    host = await start();
    return { ...(await runCampaignOrFail(campaign, host.target, budget)), host: host.target.label };
  } catch (e) {
    const empty = tally(campaign.name, campaign.attacks, { attempts: [], notRun: [], figures: [] }, Math.round(performance.now() - started));
    return { ...empty, error: `its own host could not be started: ${messageOf(e)}` };
  } finally {
    await host?.stop();
  }
}

/** Every campaign against the target (or its own host), then each against its weakened twin; the report with its verdict. */
export async function runRig(plan: RunPlan): Promise<RigReport> {
  const startedAt = new Date().toISOString();
  const campaigns: CampaignResult[] = [];
  for (const campaign of plan.campaigns) {
    const own = plan.ownHosts?.get(campaign.name);
    const result = own === undefined ? await runCampaignOrFail(campaign, plan.target, plan.budget) : await runOnOwnHost(campaign, own, plan.budget);
    const stopped = result.error === undefined ? "" : `, stopped: ${result.error}`;
    plan.onResult?.(`${campaign.name}: ${result.attempts} attempts, ${result.accepted} accepted, ${result.falseRejections} false rejections, ${result.durationMs} ms${stopped}`);
    campaigns.push(result);
  }
  const twins: TwinRun[] = [];
  for (const campaign of plan.campaigns) {
    const run = await runTwin(campaign, plan.twins.find((t) => t.campaign === campaign.name), plan.budget);
    plan.onResult?.(`${campaign.name} against its twin: ${run.result === undefined ? (run.error ?? "no twin") : `${run.result.accepted} accepted`}`);
    twins.push(run);
  }
  const failures = judge(campaigns, twins);
  return { startedAt: startedAt, target: plan.target.label, budget: plan.budget.kind, campaigns: campaigns, twins: twins, failures: failures, passed: failures.length === 0 };
}
