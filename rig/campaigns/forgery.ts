import { decodeChallenge } from "../../shared/challenge";
import { fromHex } from "../../shared/hex";
import { FLAG_USER_PRESENT } from "../../shared/protocol-constants";
import { tapSignedMessage } from "../../shared/signed-message";
import { encodeTapResponse } from "../../shared/tap-response";
import { Attempt, Campaign } from "../campaign";
import { flipBit, RESPONSE_FIELDS } from "../response-bytes";
import { bootRigStamp, RigStamp } from "../world/rig-stamp";
import { nodeSigner } from "../world/node-signer";
import { RigWorld } from "../world/rig-world";
import { attackAttempt } from "./legitimate-tap";

async function freshChallenge(world: RigWorld): Promise<string> {
  const answer = await world.home.challenge();
  if (!answer.ok) throw new Error(`challenge refused: ${answer.answer}`);
  return answer.challenge;
}

/** Which bits of each byte a run flips: one (rotating) in a short run, all eight in a full one. */
export function bitsToFlip(offset: number, kind: "short" | "full"): number[] {
  return kind === "full" ? [0, 1, 2, 3, 4, 5, 6, 7] : [offset % 8];
}

/** A tap response for `victim`'s stamp id and the next counter, signed by another key. */
function signedByWrongKey(victim: RigStamp, signer: RigStamp, challengeHex: string, counter: number): Uint8Array {
  const bytes = fromHex(challengeHex);
  if (!bytes.ok) throw new Error(bytes.error);
  const challenge = decodeChallenge(bytes.value);
  if (!challenge.ok || victim.stamp.key === undefined || signer.stamp.key === undefined) throw new Error("cannot build the wrong-key tap");
  const stampId = victim.stamp.key.stampId;
  const message = tapSignedMessage(challenge.value, stampId, counter, FLAG_USER_PRESENT);
  const signature = nodeSigner.sign(signer.stamp.key.seed, signer.stamp.key.publicKey, message);
  if (signature === undefined) throw new Error("signer refused");
  return encodeTapResponse({ stampId: stampId, nonce: challenge.value.nonce, counter: counter, flags: FLAG_USER_PRESENT, signature: signature });
}

/**
 * Every byte of a genuine, not yet submitted response with a bit flipped (version, stamp id,
 * nonce, counter, flags, R and S), then the genuine response itself: none of the forgeries may
 * be accepted, and none may spend the challenge, so the genuine one still is (field by field). Then taps for the
 * stamp signed by a key that is not its own: an unregistered one, and another registered stamp's.
 */
export const forgeryCampaign: Campaign = {
  name: "forgery",
  attacks: "HTTP API tap route: a bit flipped in every byte of every field and of the signature; the stamp's id signed with a wrong key",
  async run(world, budget) {
    const attempts: Attempt[] = [];
    const stamp = await world.newStamp();
    // One fresh challenge and genuine response per field, the counter last: on a host that
    // accepts a forgery, a flipped counter bit raises the stamp's counter and would hide the rest.
    const fields = [...RESPONSE_FIELDS].sort((a, b) => Number(a.name === "counter") - Number(b.name === "counter"));
    for (const field of fields) {
      const genuine = stamp.tap(await freshChallenge(world));
      for (let offset = field.offset; offset < field.offset + field.length; offset++) {
        for (const bit of bitsToFlip(offset, budget.kind)) {
          attempts.push(attackAttempt(`bit flip in ${field.name}`, await world.home.submit(flipBit(genuine, offset, bit))));
        }
      }
      attempts.push({ attack: `genuine response after its ${field.name} forgeries`, legitimate: true, ...(await world.home.submit(genuine)) });
    }

    const stranger = bootRigStamp();
    const neighbour = await world.newStamp();
    const rounds = budget.kind === "full" ? 10 : 2;
    for (let round = 0; round < rounds; round++) {
      // A refused forgery does not spend its challenge (a verifier keeps 16 open at most): the
      // genuine tap after the forgeries spends it, and shows that they changed nothing.
      const challenge = await freshChallenge(world);
      const counter = (stamp.stamp.counter?.last ?? 0) + 100;
      attempts.push(attackAttempt("wrong key: unregistered", await world.home.submit(signedByWrongKey(stamp, stranger, challenge, counter))));
      attempts.push(attackAttempt("wrong key: another registered stamp's", await world.home.submit(signedByWrongKey(stamp, neighbour, challenge, counter + 1))));
      attempts.push({ attack: "legitimate tap after the wrong keys", legitimate: true, ...(await world.home.submit(stamp.tap(challenge))) });
    }
    return { attempts: attempts, notRun: [], figures: [] };
  },
};
