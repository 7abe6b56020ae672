import { Attempt, Campaign, Figure } from "../campaign";
import { RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { legitimateTap } from "./legitimate-tap";

async function challenge(world: RigWorld): Promise<string> {
  const answer = await world.home.challenge();
  if (!answer.ok) throw new Error(`challenge refused: ${answer.answer}`);
  return answer.challenge;
}

async function statusOf(world: RigWorld, stamp: RigStamp): Promise<string> {
  const response = await world.owner.request("GET", `/v1/stamps/${stamp.id}`);
  const body = response.body as { status?: unknown };
  return response.status === 200 && typeof body.status === "string" ? body.status : `HTTP ${response.status}`;
}

/**
 * The attack's goal is the genuine stamp's quarantine, not a tap: it succeeds ("accepted") when
 * the tap was accepted or when the stamp is quarantined after it. Pure.
 */
export function griefingAttempt(attack: string, answer: { accepted: boolean; flagged: boolean; answer: string }, statusAfter: string): Attempt {
  const quarantined = statusAfter === "quarantined";
  return { attack: attack, legitimate: false, accepted: answer.accepted || quarantined, flagged: answer.flagged, answer: quarantined ? `${answer.answer}, stamp quarantined` : answer.answer };
}

/**
 * Someone near a genuine stamp tries to get it quarantined (R4): one contact without a press,
 * and two of its replies relayed out of order, the later counter first. The late reply must be
 * refused and reported, and the stamp must stay in service: only proof of a second device (two
 * signatures on one counter) quarantines it, never an order of arrival.
 */
export const quarantineGriefingCampaign: Campaign = {
  name: "quarantine-griefing",
  attacks: "HTTP API tap route: a genuine stamp's reply taken without a press, and two replies relayed out of order, to get it quarantined",
  async run(world, budget) {
    const attempts: Attempt[] = [];
    const figures: Figure[] = [];
    const stamp = await world.newStamp();
    const rounds = budget.kind === "full" ? 10 : 2;
    for (let round = 0; round < rounds; round++) {
      attempts.push((await legitimateTap(world.home, stamp)).attempt);
      const unpressed = await world.home.submit(stamp.tap(await challenge(world), false));
      attempts.push(griefingAttempt("one contact without a press", unpressed, await statusOf(world, stamp)));
      const earlier = stamp.tap(await challenge(world));
      const later = stamp.tap(await challenge(world));
      // The relay holds the earlier reply back: the later one arrives first and is genuine.
      attempts.push({ attack: "later reply, relayed first", legitimate: true, ...(await world.home.submit(later)) });
      const late = await world.home.submit(earlier);
      attempts.push(griefingAttempt("earlier reply, relayed late", late, await statusOf(world, stamp)));
    }
    attempts.push((await legitimateTap(world.home, stamp, "legitimate tap after the griefing")).attempt);
    const status = await statusOf(world, stamp);
    figures.push({ name: "stamp status at the end", value: status, ok: status === "active" });
    return { attempts: attempts, notRun: [], figures: figures };
  },
};
