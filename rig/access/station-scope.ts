import { Attempt } from "../campaign";
import { legitimateTap, attackAttempt } from "../campaigns/legitimate-tap";
import { RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { describeAnswer, isServed, judged, legitimateOf } from "./judge-answer";
import { leakedMarkers } from "./foreign-sweep";
import { sendRaw, authorityOf } from "./raw-http";
import { signedRequest } from "./signed-requests";
import { HeldStationKey } from "./station-key";

/**
 * A counter station is one verifier (docs/security.md): it may not ask for another verifier's
 * challenges, answer them, or see that verifier. Its own challenge and tap are the legitimate
 * requests mixed in.
 */
export async function stationScopeAttacks(world: RigWorld, key: HeldStationKey, stamp: RigStamp): Promise<Attempt[]> {
  const url = world.target.url;
  const authority = authorityOf(url);
  const other = world.other.verifierId;
  const attempts: Attempt[] = [(await legitimateTap(world.home, stamp, "legitimate tap at the station's own verifier")).attempt];

  // The body of a challenge request is empty by contract; one naming the other verifier must not get its challenge.
  const answer = await sendRaw(url, signedRequest(key, "POST", "/v1/challenges", authority, authority, world.target.clock(), { verifierId: other }));
  attempts.push(judged("station asks for another verifier's challenge (verifierId in the body)", isServed(answer.status) && answer.text.includes(other), describeAnswer(answer)));

  const theirs = await world.other.challenge();
  if (!theirs.ok) throw new Error(`the other station's challenge: ${theirs.answer}`);
  attempts.push(attackAttempt("station answers another verifier's challenge", await world.home.submit(stamp.tap(theirs.challenge))));

  const listed = await sendRaw(url, signedRequest(key, "GET", "/v1/verifiers", authority, authority, world.target.clock()));
  attempts.push(legitimateOf("station lists its verifier", listed));
  const leaked = leakedMarkers(listed.text, [other]);
  attempts.push(judged("station sees another verifier", leaked.length > 0, leaked.length > 0 ? `listed ${other}` : describeAnswer(listed)));
  attempts.push(...(await registryScope(world, stamp)));
  attempts.push((await legitimateTap(world.home, stamp, "legitimate tap after the scope attacks")).attempt);
  return attempts;
}

/** The offline registry: the home station's holds the stamp bound to its shop; the other shop's station's must not. */
async function registryScope(world: RigWorld, stamp: RigStamp): Promise<Attempt[]> {
  const own = await world.home.client.request("GET", "/v1/stations/registry?limit=1000");
  const listed = own.status === 200 && JSON.stringify(own.body).includes(stamp.id);
  const other = await world.other.client.request("GET", "/v1/stations/registry?limit=1000");
  const leaked = JSON.stringify(other.body).includes(stamp.id);
  return [
    { attack: "station's registry holds its shop's stamp", legitimate: true, accepted: listed, flagged: false, answer: `HTTP ${own.status}${listed ? "" : ", stamp not listed"}` },
    judged("station's registry holds another shop's stamp", leaked, leaked ? `listed ${stamp.id}` : `HTTP ${other.status}`),
  ];
}
