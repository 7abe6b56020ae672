import { MAX_OPEN_CHALLENGES } from "../../host/core/challenge-service";
import { MAX_CHALLENGE_TTL_MS } from "../../host/core/challenge-issuer";
import { fromHex } from "../../shared/hex";
import { Attempt, Budget, Campaign, CampaignOutput, Figure } from "../campaign";
import { BIT_SIGMA_LIMIT, CHI_SQUARE_LIMIT, NonceTally } from "../nonce-statistics";
import { RigStamp } from "../world/rig-stamp";
import { enrolStationKey, RigStation, rigStation } from "../world/rig-station";
import { RigWorld } from "../world/rig-world";
import { legitimateTap } from "./legitimate-tap";

const ATTACK = "nonce repeated from an earlier challenge";

/**
 * Verifiers asked at once on a host whose clock the rig moves, MAX_OPEN_CHALLENGES from each
 * one's station per batch (the most a station holds open; past that the host retires its oldest):
 * 8 of them keep 128 requests in flight, which lets the host commit them in larger batches (a
 * million challenges in minutes rather than a quarter hour).
 */
const VERIFIERS_IN_FLIGHT = 8;

function nonceBytes(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  if (!bytes.ok) throw new Error(`nonce is not hex: ${bytes.error}`);
  return bytes.value;
}

function nonceAttempt(repeated: boolean): Attempt {
  return { attack: ATTACK, legitimate: false, accepted: repeated, flagged: false, answer: repeated ? "repeated" : "fresh" };
}

/** The nonces as attempts: each one that repeats an earlier nonce is an accepted attack (a replay window). */
export function nonceAttempts(nonces: readonly Uint8Array[]): Attempt[] {
  const tally = new NonceTally();
  return nonces.map((nonce) => nonceAttempt(tally.add(nonce)));
}

/**
 * What the sampling saw. Fresh nonces are only counted (a million Attempt objects would cost
 * hundreds of megabytes and tell nothing more); every repeated one is kept as an attempt.
 */
class Sampling {
  readonly tally = new NonceTally();
  readonly repeated: Attempt[] = [];
  readonly legitimate: Attempt[] = [];

  take(hex: string): void {
    if (this.tally.add(nonceBytes(hex))) this.repeated.push(nonceAttempt(true));
  }
}

/** More verifiers at the home shop, each with its own enrolled station (revoked at the end of the campaign). */
async function extraStations(world: RigWorld, count: number): Promise<{ stations: RigStation[]; keyIds: string[] }> {
  const own = await world.home.client.request("GET", "/v1/verifiers");
  const shopId = (own.body as { items?: { shopId?: unknown }[] }).items?.[0]?.shopId;
  if (own.status !== 200 || typeof shopId !== "string") throw new Error(`the home station's verifier: HTTP ${own.status}`);
  const stations: RigStation[] = [];
  const keyIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const verifier = await world.owner.request("POST", "/v1/verifiers", { shopId: shopId, label: `rig ${world.run} nonce ${i + 1}` });
    if (verifier.status !== 201) throw new Error(`verifier: HTTP ${verifier.status}`);
    const verifierId = String((verifier.body as { id: unknown }).id);
    const enrolled = await enrolStationKey(world.target, world.owner, { role: "counter-station", verifierId: verifierId }, `rig ${world.run} nonce ${i + 1}`);
    keyIds.push(enrolled.keyId);
    stations.push(rigStation(verifierId, enrolled.client));
  }
  return { stations: stations, keyIds: keyIds };
}

/**
 * On a host whose clock the rig moves: a batch of MAX_OPEN_CHALLENGES from each station at once
 * (the requests race, as a busy shop's would), then the clock moved past the challenges' TTL so
 * that they expire. Stops at the first batch with a repeated nonce: the attack is then shown
 * (the run has failed), and a broken generator's twin need not be sampled a million times.
 */
async function collectExpiring(world: RigWorld, samples: number, sampling: Sampling, advanceClock: (ms: number) => void): Promise<void> {
  const extra = await extraStations(world, VERIFIERS_IN_FLIGHT - 2);
  try {
    const stations = [world.home, world.other, ...extra.stations];
    while (sampling.tally.samples < samples && sampling.tally.repeats === 0) {
      const batch = stations.flatMap((station) => Array.from({ length: MAX_OPEN_CHALLENGES }, () => station.challenge()));
      for (const answer of await Promise.all(batch)) {
        if (!answer.ok) throw new Error(`challenge refused while sampling nonces: ${answer.answer}`);
        if (sampling.tally.samples < samples) sampling.take(answer.nonce);
      }
      advanceClock(MAX_CHALLENGE_TTL_MS + 1_000);
    }
  } finally {
    for (const id of extra.keyIds) await world.owner.request("POST", `/v1/credentials/${id}/revoke`);
    for (const station of extra.stations) await station.client.close();
  }
}

/**
 * Elsewhere (a deployment: the rig cannot move its clock) each challenge is spent by a
 * legitimate tap before the next, which also shows that genuine taps keep working throughout.
 */
async function collectSpending(world: RigWorld, samples: number, sampling: Sampling, stamp: RigStamp): Promise<void> {
  while (sampling.tally.samples < samples && sampling.tally.repeats === 0) {
    const answer = await world.home.challenge();
    if (!answer.ok) throw new Error(`challenge refused while sampling nonces: ${answer.answer}`);
    sampling.take(answer.nonce);
    sampling.legitimate.push({ attack: "legitimate tap", legitimate: true, ...(await world.home.submit(stamp.tap(answer.challenge))) });
  }
}

function figuresOf(sampling: Sampling, budget: Budget): Figure[] {
  const stats = sampling.tally.statistics();
  const stopped = stats.samples < budget.nonceSamples ? ` of ${budget.nonceSamples} (stopped at the first repeated nonce)` : "";
  return [
    { name: "nonces collected", value: `${stats.samples}${stopped}`, ok: true },
    { name: "repeated nonces", value: String(stats.repeats), ok: stats.repeats === 0 },
    { name: `worst bit position (σ from 1/2, limit ${BIT_SIGMA_LIMIT})`, value: stats.worstBitSigma.toFixed(2), ok: stats.worstBitSigma < BIT_SIGMA_LIMIT },
    { name: `byte chi-square (255 d.f., limit ${CHI_SQUARE_LIMIT})`, value: stats.byteChiSquare.toFixed(1), ok: stats.byteChiSquare < CHI_SQUARE_LIMIT },
  ];
}

async function run(world: RigWorld, budget: Budget): Promise<CampaignOutput> {
  const stamp = await world.newStamp();
  const sampling = new Sampling();
  const advanceClock = world.target.advanceClock;
  if (advanceClock === undefined) await collectSpending(world, budget.nonceSamples, sampling, stamp);
  else await collectExpiring(world, budget.nonceSamples, sampling, advanceClock);
  // However the challenges were spent, a genuine press still works after them.
  sampling.legitimate.push((await legitimateTap(world.home, stamp, "legitimate tap after the sampling")).attempt);
  const fresh = sampling.tally.samples - sampling.tally.repeats;
  return {
    attempts: [...sampling.repeated, ...sampling.legitimate],
    counted: [{ ...nonceAttempt(false), count: fresh }],
    notRun: [],
    figures: figuresOf(sampling, budget),
  };
}

export const nonceQualityCampaign: Campaign = {
  name: "nonce-quality",
  attacks: "HTTP API challenge route: many challenges collected; any repeated nonce, a biased bit position or uneven byte values",
  run: run,
};
