import { ApiClient } from "../../host/client/api-client";
import { minimumTravelMs } from "../../host/core/travel-rule";
import { GeoPoint } from "../../host/core/model";
import { apiFlashingStation, registerProvedStamp } from "../../sim/provision";
import { Attempt, Budget, Campaign, Figure } from "../campaign";
import { bootRigStamp, cloneRigStamp, RigStamp } from "../world/rig-stamp";
import { enrolStationKey, RigStation } from "../world/rig-station";
import { RigWorld } from "../world/rig-world";
import { TapAnswer } from "../world/tap-answer";
import { attackAttempt } from "./legitimate-tap";

/**
 * Where the rig puts its two shops: Gangnam and Hongdae stations in Seoul, 11 km apart, so the
 * trip takes about 2 min 17 s at the rule's 300 km/h. Close enough that a deployment run can
 * wait for it in real time; far enough that a tap at the other shop within seconds is
 * impossible.
 */
const SHOP_A: GeoPoint = { latitude: 37.4979, longitude: 127.0276 };
const SHOP_B: GeoPoint = { latitude: 37.5563, longitude: 126.922 };
const REFUSAL = "IMPOSSIBLE_TRAVEL";

/** The travel rule's refusal raises an alert; tap-answer.ts's table may predate the reason. */
function flaggedAnswer(answer: TapAnswer): TapAnswer {
  return { ...answer, flagged: answer.flagged || answer.answer === REFUSAL };
}

async function tapAt(station: RigStation, stamp: RigStamp): Promise<TapAnswer> {
  const issued = await station.challenge();
  if (!issued.ok) return { accepted: false, flagged: false, answer: `challenge refused: ${issued.answer}` };
  return flaggedAnswer(await station.submit(stamp.tap(issued.challenge)));
}

function legitimate(attack: string, answer: TapAnswer): Attempt {
  return { attack: attack, legitimate: true, ...answer };
}

async function put(owner: ApiClient, path: string, body: object): Promise<void> {
  const answer = await owner.request("PUT", path, body);
  if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** Lets the trip's time pass: the embedded host's clock moves; a deployment is waited for. */
async function travel(world: RigWorld, ms: number): Promise<void> {
  if (world.target.advanceClock !== undefined) world.target.advanceClock(ms);
  else await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The campaign's own stamps, bound to both shops (the world's are bound to shop A only, which
 * would make every tap at B an OUTSIDE_SHOP refusal and test nothing here), registered through a
 * flashing station enrolled for the campaign and revoked with its stamps at the end.
 */
interface TwoShopStamps {
  newStamp(): Promise<RigStamp>;
  close(): Promise<void>;
}

async function twoShopStamps(world: RigWorld, shopIds: string[]): Promise<TwoShopStamps> {
  const flashing = await enrolStationKey(world.target, world.owner, { role: "flashing-station", merchantId: world.target.merchantId }, `rig ${world.run} travel flasher`);
  const flasher = apiFlashingStation(flashing.client);
  const made: string[] = [];
  return {
    async newStamp() {
      const stamp = bootRigStamp();
      await registerProvedStamp(flasher, stamp.stamp, { label: `rig-${world.run}-travel-${made.length + 1}`, merchantId: world.target.merchantId, shopIds: shopIds });
      made.push(stamp.id);
      return stamp;
    },
    async close() {
      try {
        for (const id of made) await world.owner.request("POST", `/v1/stamps/${id}/revoke`);
        await world.owner.request("POST", `/v1/credentials/${flashing.keyId}/revoke`);
      } finally {
        await flashing.client.close();
      }
    },
  };
}

/**
 * One round with one genuine stamp: accepted at A; its reply to B's challenge moments later (a
 * relay, or the stamp's clone answering there) refused; after the trip's time, accepted at B;
 * moments later at A refused; at B again accepted (the refusals neither stop nor quarantine it).
 */
async function relayedRound(world: RigWorld, stamp: RigStamp, tripMs: number): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  attempts.push(legitimate("legitimate tap at shop A", await tapAt(world.home, stamp)));
  attempts.push(attackAttempt("same stamp at shop B seconds after shop A (11 km)", await tapAt(world.other, stamp)));
  attempts.push(legitimate("legitimate tap back at shop A", await tapAt(world.home, stamp)));
  await travel(world, tripMs + 1_000);
  attempts.push(legitimate("legitimate tap at shop B after the trip's time", await tapAt(world.other, stamp)));
  attempts.push(attackAttempt("same stamp at shop A seconds after shop B (11 km)", await tapAt(world.home, stamp)));
  attempts.push(legitimate("legitimate tap again at shop B", await tapAt(world.other, stamp)));
  return attempts;
}

/**
 * A clone (the stamp's flash booted on a second device) pressed at B moments after the original
 * at A: refused by the travel rule. Its counter is then spent, so the original's next press would
 * prove the fork; the round ends here (that is the clone campaign's subject).
 */
async function cloneRound(world: RigWorld, stamp: RigStamp): Promise<Attempt[]> {
  const first = legitimate("legitimate tap at shop A (before the clone)", await tapAt(world.home, stamp));
  const clone = cloneRigStamp(stamp);
  return [first, attackAttempt("a clone at shop B seconds after the original at shop A", await tapAt(world.other, clone))];
}

function rounds(budget: Budget): number {
  return budget.kind === "full" ? 5 : 1;
}

/**
 * Theft and place, second half (R5): the same stamp at two shops faster than travel allows.
 * The rig gives its two shops locations 11 km apart and presses stamps bound to both: a tap at
 * the other shop within seconds must be refused (IMPOSSIBLE_TRAVEL) and reported, and the
 * genuine stamp keep working, at the shop where it was and, after the trip's time, at the other.
 */
export const impossibleTravelCampaign: Campaign = {
  name: "impossible-travel",
  attacks: "HTTP API tap route: a stamp bound to two shops 11 km apart, answering at the second within seconds of the first (a relay of its replies, or its clone)",
  async run(world, budget) {
    const shopA = `rig-${world.run}-a`;
    const shopB = `rig-${world.run}-b`;
    await put(world.owner, `/v1/shops/${shopA}/location`, SHOP_A);
    await put(world.owner, `/v1/shops/${shopB}/location`, SHOP_B);
    const tripMs = minimumTravelMs(SHOP_A, SHOP_B);
    const stamps = await twoShopStamps(world, [shopA, shopB]);
    const attempts: Attempt[] = [];
    try {
      const waits = world.target.advanceClock === undefined;
      // Against a deployment each round waits the trip in real time: one round in a short run.
      const relayRounds = waits && budget.kind === "short" ? 1 : rounds(budget);
      const stamp = await stamps.newStamp();
      for (let round = 0; round < relayRounds; round++) {
        // A round ends at shop B: the next one starts at A only once the trip back could be made.
        if (round > 0) await travel(world, tripMs + 1_000);
        attempts.push(...(await relayedRound(world, stamp, tripMs)));
      }
      for (let round = 0; round < rounds(budget); round++) attempts.push(...(await cloneRound(world, await stamps.newStamp())));
    } finally {
      await stamps.close();
    }
    const figures: Figure[] = [{ name: "minimum trip between the rig's shops", value: `${Math.round(tripMs / 1000)} s (11.4 km at 300 km/h)`, ok: true }];
    return { attempts: attempts, notRun: [], figures: figures };
  },
};
