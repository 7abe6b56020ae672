import { randomBytes } from "node:crypto";
import { MAX_CHALLENGE_TTL_MS } from "../../host/core/challenge-issuer";
import { decodeChallenge, encodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { Attempt, Budget, Campaign, NotRun } from "../campaign";
import { RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { attackAttempt, legitimateTap } from "./legitimate-tap";

/** A challenge the host never issued: a real one with its nonce replaced by random bytes. */
function withRandomNonce(challengeHex: string): string {
  const bytes = fromHex(challengeHex);
  if (!bytes.ok) throw new Error(bytes.error);
  const decoded = decodeChallenge(bytes.value);
  if (!decoded.ok) throw new Error(decoded.error.detail);
  return toHex(encodeChallenge({ ...decoded.value, nonce: new Uint8Array(randomBytes(16)) }));
}

async function issued(world: RigWorld, at: "home" | "other"): Promise<string> {
  const answer = await world[at].challenge();
  if (!answer.ok) throw new Error(`challenge refused: ${answer.answer}`);
  return answer.challenge;
}

/**
 * N submissions of one valid response at once: exactly one may win. The first acceptance is the
 * legitimate tap; every further one is an accepted attack; none at all is a false rejection.
 */
export function concurrentAttempts(answers: { accepted: boolean; flagged: boolean; answer: string }[]): Attempt[] {
  const firstAccepted = answers.findIndex((a) => a.accepted);
  return answers.map((answer, i) => ({ attack: "100 concurrent submissions of one response", legitimate: i === (firstAccepted === -1 ? 0 : firstAccepted), ...answer }));
}

/** The expired-challenge attack: by moving the host's clock, by waiting in a full run, or not at all. */
async function expired(world: RigWorld, stamp: RigStamp, budget: Budget): Promise<Attempt | NotRun> {
  const attack = "expired challenge";
  const advance = world.target.advanceClock;
  if (advance === undefined && budget.kind === "short") {
    return { attack: attack, why: `the host's clock cannot be moved and a short run does not wait the ${MAX_CHALLENGE_TTL_MS / 1000} s TTL` };
  }
  const challenge = await issued(world, "home");
  const waitMs = MAX_CHALLENGE_TTL_MS + 1_000;
  if (advance !== undefined) advance(waitMs);
  else await new Promise((resolve) => setTimeout(resolve, waitMs));
  return attackAttempt(attack, await world.home.submit(stamp.tap(challenge)));
}

export const challengeMisuseCampaign: Campaign = {
  name: "challenge-misuse",
  attacks: "HTTP API tap route: a challenge never issued, expired, another verifier's, used once already, and one response submitted 100 times at once",
  async run(world, budget) {
    const attempts: Attempt[] = [];
    const notRun: NotRun[] = [];
    const stamp = await world.newStamp();
    const rounds = budget.kind === "full" ? 10 : 2;
    for (let round = 0; round < rounds; round++) {
      // Challenges the attacks leave open stay open (a verifier keeps 16 at most): the home
      // station's is spent by the legitimate tap below; the other station's expire, so the
      // rounds stay under 16.
      const challenge = await issued(world, "home");
      attempts.push(attackAttempt("unknown challenge", await world.home.submit(stamp.tap(withRandomNonce(challenge)))));
      attempts.push(attackAttempt("another verifier's challenge", await world.home.submit(stamp.tap(await issued(world, "other")))));
      attempts.push({ attack: "legitimate tap", legitimate: true, ...(await world.home.submit(stamp.tap(challenge))) });
      // The stamp signs the spent challenge again with a new counter: a new, valid signature over a used challenge.
      attempts.push(attackAttempt("reused challenge, new signature", await world.home.submit(stamp.tap(challenge))));
    }
    const late = await expired(world, stamp, budget);
    if ("why" in late) notRun.push(late);
    else attempts.push(late);
    attempts.push((await legitimateTap(world.home, stamp, "legitimate tap after the expired one")).attempt);

    const one = stamp.tap(await issued(world, "home"));
    const answers = await Promise.all(Array.from({ length: budget.concurrentSubmissions }, () => world.home.submit(one)));
    attempts.push(...concurrentAttempts(answers));
    return { attempts: attempts, notRun: notRun, figures: [] };
  },
};
