import { Attempt, Campaign, Figure } from "../campaign";
import { cloneRigStamp, RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { attackAttempt, legitimateTap } from "./legitimate-tap";

async function tapAt(world: RigWorld, stamp: RigStamp): Promise<{ accepted: boolean; flagged: boolean; answer: string }> {
  const issued = await world.home.challenge();
  if (!issued.ok) throw new Error(`challenge refused: ${issued.answer}`);
  return world.home.submit(stamp.tap(issued.challenge));
}

async function statusOf(world: RigWorld, stamp: RigStamp): Promise<string> {
  const response = await world.owner.request("GET", `/v1/stamps/${stamp.id}`);
  const body = response.body as { status?: unknown };
  return response.status === 200 && typeof body.status === "string" ? body.status : `HTTP ${response.status}`;
}

/**
 * Two devices holding one key: a flash dump booted a second time. Interleaved, both sign the
 * same counter for different challenges; booted from an older dump, the clone signs a counter
 * the original already spent (a rollback). The first tap that diverges must be refused and
 * flagged, and the stamp quarantined at once; every tap from either device after that is refused.
 */
export const cloneCampaign: Campaign = {
  name: "clone",
  attacks: "HTTP API tap route: a stamp's flash copied to a second device, used interleaved with the original and rolled back",
  async run(world, budget) {
    const attempts: Attempt[] = [];
    const figures: Figure[] = [];
    const rounds = budget.kind === "full" ? 5 : 1;
    for (let round = 0; round < rounds; round++) {
      const original = await world.newStamp();
      attempts.push((await legitimateTap(world.home, original)).attempt);
      const clone = cloneRigStamp(original);
      attempts.push((await legitimateTap(world.home, original, "legitimate tap, original after the copy")).attempt);
      attempts.push(attackAttempt("interleaved: clone signs the same counter", await tapAt(world, clone)));
      const interleaved = await statusOf(world, original);
      attempts.push(attackAttempt("after the fork: clone", await tapAt(world, clone)));
      attempts.push(attackAttempt("after the fork: original (its key is no longer its own)", await tapAt(world, original)));

      const victim = await world.newStamp();
      attempts.push((await legitimateTap(world.home, victim)).attempt);
      const dump = cloneRigStamp(victim);
      for (let i = 0; i < 3; i++) attempts.push((await legitimateTap(world.home, victim, "legitimate tap, original after the dump")).attempt);
      attempts.push(attackAttempt("rollback: old dump signs a spent counter", await tapAt(world, dump)));
      const rolledBack = await statusOf(world, victim);
      figures.push(
        { name: `round ${round + 1}: status after the first interleaved clone tap`, value: interleaved, ok: interleaved === "quarantined" },
        { name: `round ${round + 1}: status after the rollback tap`, value: rolledBack, ok: rolledBack === "quarantined" },
      );
    }
    return { attempts: attempts, notRun: [], figures: figures };
  },
};
