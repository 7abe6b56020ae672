import { Attempt } from "../campaign";
import { RigStamp } from "../world/rig-stamp";
import { RigStation } from "../world/rig-station";

/**
 * A genuine press at the stamp's own counter, mixed into every campaign: it must be accepted.
 * Returns the attempt and the response, which the campaign may then replay.
 */
export async function legitimateTap(station: RigStation, stamp: RigStamp, what = "legitimate tap"): Promise<{ attempt: Attempt; response: Uint8Array | undefined }> {
  const issued = await station.challenge();
  if (!issued.ok) return { attempt: { attack: what, legitimate: true, accepted: false, flagged: false, answer: `challenge refused: ${issued.answer}` }, response: undefined };
  const response = stamp.tap(issued.challenge);
  const answer = await station.submit(response);
  return { attempt: { attack: what, legitimate: true, ...answer }, response: response };
}

/** An attack attempt from the host's answer. */
export function attackAttempt(attack: string, answer: { accepted: boolean; flagged: boolean; answer: string }): Attempt {
  return { attack: attack, legitimate: false, ...answer };
}
