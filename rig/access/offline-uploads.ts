import { randomBytes } from "node:crypto";
import { decodeChallenge, encodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { Attempt } from "../campaign";
import { RigStamp } from "../world/rig-stamp";
import { RigStation } from "../world/rig-station";
import { RigWorld } from "../world/rig-world";
import { readTapAnswer, TapAnswer } from "../world/tap-answer";

/** The host's answer to one uploaded event: its verdict, or the request's refusal. */
function uploadAnswer(status: number, body: unknown): TapAnswer {
  const results = typeof body === "object" && body !== null && "results" in body && Array.isArray(body.results) ? (body.results as unknown[]) : [];
  const first = results[0];
  const verdict = typeof first === "object" && first !== null && "verdict" in first ? first.verdict : undefined;
  return status === 200 && verdict !== undefined ? readTapAnswer(200, verdict) : readTapAnswer(status, body);
}

/** A challenge of `station`'s verifier, as the host issues it: its bytes. */
async function issuedChallenge(station: RigStation): Promise<Uint8Array> {
  const issued = await station.challenge();
  if (!issued.ok) throw new Error(`challenge refused: ${issued.answer}`);
  const bytes = fromHex(issued.challenge);
  if (!bytes.ok) throw new Error("the host's challenge is not hex");
  return bytes.value;
}

/**
 * A challenge as an offline station makes it for `station`'s verifier: that verifier's id,
 * purpose and quantity (read from a challenge the host issued it), a fresh nonce, dated now.
 */
async function offlineChallenge(world: RigWorld, station: RigStation): Promise<string> {
  const decoded = decodeChallenge(await issuedChallenge(station));
  if (!decoded.ok) throw new Error(`the host's challenge does not decode: ${decoded.error.detail}`);
  const made = { ...decoded.value, nonce: new Uint8Array(randomBytes(16)), issuedAt: Math.floor(world.target.clock() / 1000) };
  return toHex(encodeChallenge(made));
}

async function upload(uploader: RigStation, stamp: RigStamp, challengeHex: string): Promise<TapAnswer> {
  const response = toHex(stamp.tap(challengeHex));
  const answer = await uploader.client.request("POST", "/v1/stations/offline-taps", { events: [{ challenge: challengeHex, response: response }] });
  return uploadAnswer(answer.status, answer.body);
}

/**
 * Offline-tap uploads naming another verifier: a counter station uploads only taps on challenges
 * naming its own verifier (docs/security.md). The home station uploads a genuine press on an
 * offline challenge of the other shop's verifier, and on a challenge the host issued to that
 * verifier: each must not be credited (WRONG_VERIFIER). The stamp is bound to both shops, so
 * only the verifier rule stands between it and a credit. Legitimate: the home station's upload
 * of a press on its own verifier's offline challenge is accepted.
 */
export async function offlineUploadAttacks(world: RigWorld): Promise<Attempt[]> {
  const stamp = await world.newStamp({ shops: "both", verifierIds: [] });
  const own = await upload(world.home, stamp, await offlineChallenge(world, world.home));
  const made = await upload(world.home, stamp, await offlineChallenge(world, world.other));
  const issued = await upload(world.home, stamp, toHex(await issuedChallenge(world.other)));
  const after = await upload(world.home, stamp, await offlineChallenge(world, world.home));
  return [
    { attack: "offline upload of a tap on the station's own verifier's challenge", legitimate: true, ...own },
    { attack: "offline upload naming another verifier (an offline challenge of the other shop's verifier)", legitimate: false, ...made },
    { attack: "offline upload naming another verifier (a challenge the host issued to it)", legitimate: false, ...issued },
    { attack: "offline upload of a tap on the station's own verifier's challenge, after", legitimate: true, ...after },
  ];
}
