import { Attempt, Campaign } from "../campaign";
import { RigWorld } from "../world/rig-world";
import { RigStamp } from "../world/rig-stamp";
import { attackAttempt, legitimateTap } from "./legitimate-tap";

async function tapAtOtherShop(world: RigWorld, stamp: RigStamp): Promise<Attempt> {
  const issued = await world.other.challenge();
  if (!issued.ok) throw new Error(`challenge refused: ${issued.answer}`);
  return attackAttempt("stamp pressed at a shop it is not bound to", await world.other.submit(stamp.tap(issued.challenge)));
}

/**
 * A genuine stamp taken out of its shop: pressed at the other shop's counter, on that
 * counter's own challenge, so everything about the tap is valid but the place. It must be
 * refused and reported (an alert: "stolen stamp used at …"), and the stamp keep working at
 * home afterwards: being stolen and brought back is not a reason to stop it.
 */
export const theftCampaign: Campaign = {
  name: "theft",
  attacks: "HTTP API tap route: a valid stamp pressed at a shop of the same merchant it is not bound to",
  async run(world, budget) {
    const attempts: Attempt[] = [];
    const stamp = await world.newStamp();
    const rounds = budget.kind === "full" ? 20 : 3;
    for (let round = 0; round < rounds; round++) {
      attempts.push((await legitimateTap(world.home, stamp)).attempt);
      attempts.push(await tapAtOtherShop(world, stamp));
    }
    attempts.push((await legitimateTap(world.home, stamp, "legitimate tap back at home")).attempt);
    return { attempts: attempts, notRun: [], figures: [] };
  },
};
