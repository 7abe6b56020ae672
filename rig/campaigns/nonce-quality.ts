import { MAX_OPEN_CHALLENGES } from "../../host/core/challenge-service";
import { MAX_CHALLENGE_TTL_MS } from "../../host/core/challenge-issuer";
import { fromHex } from "../../shared/hex";
import { Attempt, Campaign, Figure } from "../campaign";
import { BIT_SIGMA_LIMIT, CHI_SQUARE_LIMIT, nonceStatistics } from "../nonce-statistics";
import { RigStamp } from "../world/rig-stamp";
import { RigStation } from "../world/rig-station";
import { RigWorld } from "../world/rig-world";
import { legitimateTap } from "./legitimate-tap";

const ATTACK = "nonce repeated from an earlier challenge";

function nonceBytes(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  if (!bytes.ok) throw new Error(`nonce is not hex: ${bytes.error}`);
  return bytes.value;
}

/**
 * Collects challenge nonces. A verifier holds at most MAX_OPEN_CHALLENGES open challenges, so
 * each batch must be spent before the next: on a host whose clock the rig moves, by letting the
 * batch expire; elsewhere by a legitimate tap on every challenge, which also shows that genuine
 * taps keep working throughout.
 */
async function collect(world: RigWorld, samples: number, stamp: RigStamp | undefined): Promise<{ nonces: Uint8Array[]; legitimate: Attempt[] }> {
  const nonces: Uint8Array[] = [];
  const legitimate: Attempt[] = [];
  const stations: RigStation[] = stamp === undefined ? [world.home, world.other] : [world.home];
  while (nonces.length < samples) {
    if (stamp === undefined) {
      // A batch per station, all at once: the requests race, as a busy shop's would.
      const batches = stations.map((station) => Array.from({ length: Math.min(MAX_OPEN_CHALLENGES, samples - nonces.length) }, () => station.challenge()));
      for (const answer of await Promise.all(batches.flat())) {
        if (!answer.ok) throw new Error(`challenge refused while sampling nonces: ${answer.answer}`);
        if (nonces.length < samples) nonces.push(nonceBytes(answer.nonce));
      }
      world.target.advanceClock?.(MAX_CHALLENGE_TTL_MS + 1_000);
      continue;
    }
    const answer = await world.home.challenge();
    if (!answer.ok) throw new Error(`challenge refused while sampling nonces: ${answer.answer}`);
    nonces.push(nonceBytes(answer.nonce));
    legitimate.push({ attack: "legitimate tap", legitimate: true, ...(await world.home.submit(stamp.tap(answer.challenge))) });
  }
  return { nonces: nonces, legitimate: legitimate };
}

/** The nonces as attempts: each one that repeats an earlier nonce is an accepted attack (a replay window). */
export function nonceAttempts(nonces: readonly Uint8Array[]): Attempt[] {
  const seen = new Set<string>();
  return nonces.map((nonce) => {
    const key = Buffer.from(nonce).toString("hex");
    const repeated = seen.has(key);
    seen.add(key);
    return { attack: ATTACK, legitimate: false, accepted: repeated, flagged: false, answer: repeated ? "repeated" : "fresh" };
  });
}

export const nonceQualityCampaign: Campaign = {
  name: "nonce-quality",
  attacks: "HTTP API challenge route: many challenges collected; any repeated nonce, a biased bit position or uneven byte values",
  async run(world, budget) {
    const stamp = await world.newStamp();
    const { nonces, legitimate } = await collect(world, budget.nonceSamples, world.target.advanceClock === undefined ? stamp : undefined);
    // However the challenges were spent, a genuine press still works after them.
    legitimate.push((await legitimateTap(world.home, stamp, "legitimate tap after the sampling")).attempt);
    const stats = nonceStatistics(nonces);
    const figures: Figure[] = [
      { name: "nonces collected", value: String(stats.samples), ok: true },
      { name: "repeated nonces", value: String(stats.repeats), ok: stats.repeats === 0 },
      { name: `worst bit position (σ from 1/2, limit ${BIT_SIGMA_LIMIT})`, value: stats.worstBitSigma.toFixed(2), ok: stats.worstBitSigma < BIT_SIGMA_LIMIT },
      { name: `byte chi-square (255 d.f., limit ${CHI_SQUARE_LIMIT})`, value: stats.byteChiSquare.toFixed(1), ok: stats.byteChiSquare < CHI_SQUARE_LIMIT },
    ];
    return { attempts: [...nonceAttempts(nonces), ...legitimate], notRun: [], figures: figures };
  },
};
