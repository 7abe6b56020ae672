import { Attempt, Budget, Campaign } from "../campaign";
import { RigWorld } from "../world/rig-world";
import { RigStamp } from "../world/rig-stamp";
import { RigStation } from "../world/rig-station";
import { attackAttempt, legitimateTap } from "./legitimate-tap";

async function tapAt(station: RigStation, stamp: RigStamp, attack: string): Promise<Attempt> {
  const issued = await station.challenge();
  if (!issued.ok) throw new Error(`challenge refused: ${issued.answer}`);
  return attackAttempt(attack, await station.submit(stamp.tap(issued.challenge)));
}

function roundsOf(budget: Budget): number {
  return budget.kind === "full" ? 20 : 3;
}

/** A stamp bound to shop A pressed at shop B's counter, on that counter's own challenge. */
async function otherShopRounds(world: RigWorld, budget: Budget): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const stamp = await world.newStamp();
  for (let round = 0; round < roundsOf(budget); round++) {
    attempts.push((await legitimateTap(world.home, stamp)).attempt);
    attempts.push(await tapAt(world.other, stamp, "stamp pressed at a shop it is not bound to"));
  }
  attempts.push((await legitimateTap(world.home, stamp, "legitimate tap back at home")).attempt);
  return attempts;
}

/**
 * A stamp bound to one verifier (a counter) of shop A pressed at another counter of the same shop:
 * the shop is right but the counter is not, and the binding to verifiers narrows where a stamp
 * counts (a till that must not take the stamp of the kitchen's clock-in, say). The new counter
 * is shown to work with a stamp bound to the shop only, so its refusal is the binding's.
 */
async function unboundVerifierRounds(world: RigWorld, budget: Budget): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const bound = await world.newStamp({ shops: "home", verifierIds: [world.home.verifierId] });
  const shopWide = await world.newStamp();
  const beside = await world.newStation("beside");
  for (let round = 0; round < roundsOf(budget); round++) {
    attempts.push((await legitimateTap(world.home, bound, "legitimate tap at the verifier the stamp is bound to")).attempt);
    attempts.push(await tapAt(beside, bound, "stamp bound to one verifier pressed at another verifier of its shop"));
    attempts.push((await legitimateTap(beside, shopWide, "legitimate tap of a shop-bound stamp at that other verifier")).attempt);
  }
  attempts.push((await legitimateTap(world.home, bound, "legitimate tap back at its own verifier")).attempt);
  return attempts;
}

/**
 * A genuine stamp taken out of its place: pressed at the other shop's counter, and a stamp bound
 * to one counter pressed at another counter of its own shop, each on that counter's own
 * challenge, so everything about the tap is valid but the place. Each must be refused and
 * reported (an alert: "stolen stamp used at …"), and the stamp keep working at home afterwards:
 * being stolen and brought back is not a reason to stop it.
 */
export const theftCampaign: Campaign = {
  name: "theft",
  attacks: "HTTP API tap route: a valid stamp pressed at a shop of the same merchant it is not bound to, and a stamp bound to one verifier pressed at another verifier of its shop",
  async run(world, budget) {
    const attempts = [...(await otherShopRounds(world, budget)), ...(await unboundVerifierRounds(world, budget))];
    return { attempts: attempts, notRun: [], figures: [] };
  },
};
