import { Attempt, Campaign } from "../campaign";
import { malleateSignature, reencodings } from "../response-bytes";
import { RigWorld } from "../world/rig-world";
import { attackAttempt, legitimateTap } from "./legitimate-tap";

/**
 * Replays of a response the host already accepted: as sent, at another verifier, with the
 * signature malleated (S + L) and spelled otherwise in hex. One more malleated signature is sent
 * before its genuine twin: strict verification must refuse it without spending the challenge,
 * so the genuine response that follows is still accepted.
 */
export const replayCampaign: Campaign = {
  name: "replay",
  attacks: "HTTP API tap route: an accepted response sent again, at another verifier, with S + L, re-encoded or padded",
  async run(world: RigWorld, budget) {
    const attempts: Attempt[] = [];
    const stamp = await world.newStamp();
    const rounds = budget.kind === "full" ? 25 : 3;
    for (let round = 0; round < rounds; round++) {
      const first = await legitimateTap(world.home, stamp);
      attempts.push(first.attempt);
      const used = first.response;
      if (used === undefined) continue;
      attempts.push(attackAttempt("replay: same response again", await world.home.submit(used)));
      attempts.push(attackAttempt("replay: at another verifier", await world.other.submit(used)));
      attempts.push(attackAttempt("replay: malleated signature S + L", await world.home.submit(malleateSignature(used))));
      for (const spelling of reencodings(used)) attempts.push(attackAttempt(`replay: ${spelling.name}`, await world.home.submit(spelling.hex)));

      const issued = await world.home.challenge();
      if (!issued.ok) throw new Error(`challenge refused: ${issued.answer}`);
      const fresh = stamp.tap(issued.challenge);
      attempts.push(attackAttempt("malleated S + L before the genuine response", await world.home.submit(malleateSignature(fresh))));
      attempts.push({ attack: "genuine response after its malleated copy", legitimate: true, ...(await world.home.submit(fresh)) });
    }
    return { attempts: attempts, notRun: [], figures: [] };
  },
};
