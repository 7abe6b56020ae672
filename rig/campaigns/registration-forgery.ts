import { randomBytes } from "node:crypto";
import { fromHex, toHex } from "../../shared/hex";
import { provisioningMessage } from "../../shared/provisioning-message";
import { proveSimulatedStamp, SIMULATED_FIRMWARE_HASH } from "../../sim/provision";
import { Attempt, Budget, Campaign, CampaignOutput, NotRun } from "../campaign";
import { enrolFlashingStation, FlashingStation, retire } from "../registration/flashing-stations";
import { proofParts, provisioningChallenge, register, RegistrationAnswer, RegistrationBody } from "../registration/registration-request";
import { KEYLESS_SIGNATURE, NON_CANONICAL_KEYS, SMALL_ORDER_KEYS, WeakKey } from "../registration/weak-keys";
import { nodeSigner } from "../world/node-signer";
import { bootRigStamp, RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { legitimateTap } from "./legitimate-tap";

/** The host's provisioning challenge lives 120 s (host/core/stamp-registration.ts); one more second. */
const PAST_PROVISIONING_TTL_MS = 121_000;

/** What every attack of a run shares: the world, two flashing stations, and what to revoke after. */
interface Bench {
  world: RigWorld;
  station: FlashingStation;
  otherStation: FlashingStation;
  registered: string[];
  attempts: Attempt[];
  /**
   * The attempts the host should report to the owner, by the station that sent them: a
   * registration with no proof, a weak key, a proof that does not verify, or a proof over a
   * challenge never issued to the sender (host/core/registration-alert.ts). Refusals an honest
   * station meets too (a challenge used or expired, unapproved firmware) are not among them.
   */
  reported: { attempt: Attempt; station: FlashingStation }[];
  labels: number;
}

function bodyFor(bench: Bench, publicKey: Uint8Array, proof: RegistrationBody["proof"]): RegistrationBody {
  bench.labels += 1;
  const body = { publicKey: toHex(publicKey), label: `rig-${bench.world.run}-reg-${bench.labels}`, merchantId: bench.world.target.merchantId, shopIds: [`rig-${bench.world.run}-a`] };
  return proof === undefined ? body : { ...body, proof: proof };
}

/**
 * Records an answer as an attempt, and keeps an accepted stamp's id to revoke it at the end.
 * `reportedAgainst`: the station the host should name in a forged-registration alert for it.
 */
function record(bench: Bench, attack: string, legitimate: boolean, answer: RegistrationAnswer, reportedAgainst?: FlashingStation): void {
  if (answer.stampId !== undefined) bench.registered.push(answer.stampId);
  const attempt: Attempt = { attack: attack, legitimate: legitimate, accepted: answer.accepted, flagged: false, answer: answer.answer };
  bench.attempts.push(attempt);
  if (reportedAgainst !== undefined) bench.reported.push({ attempt: attempt, station: reportedAgainst });
}

/** How many pages of the owner's alerts (newest first) are searched for the campaign's stations. */
const ALERT_PAGES = 5;

/** The station keys named by FORGED_REGISTRATION alerts among the owner's newest alerts. */
async function stationsReported(bench: Bench): Promise<Set<string>> {
  const named = new Set<string>();
  let before: string | undefined;
  for (let page = 0; page < ALERT_PAGES; page++) {
    const answer = await bench.world.owner.request("GET", before === undefined ? "/v1/alerts" : `/v1/alerts?before=${before}`);
    if (answer.status !== 200) throw new Error(`the owner's alerts could not be read: HTTP ${answer.status}`);
    const body = answer.body as { items: { kind: string; stationId?: string | null }[]; next: string | number | null };
    for (const alert of body.items) if (alert.kind === "FORGED_REGISTRATION" && typeof alert.stationId === "string") named.add(alert.stationId);
    if (body.next === null) break;
    before = String(body.next);
  }
  return named;
}

/**
 * Flags each reportable attempt whose station the owner was alerted to. The host raises one
 * alert per station per ten minutes, so the alert, not each refusal, is what can be seen: an
 * attempt counts as flagged when the station that sent it stands reported.
 */
async function flagReported(bench: Bench): Promise<void> {
  const named = await stationsReported(bench);
  for (const { attempt, station } of bench.reported) attempt.flagged = !attempt.accepted && named.has(station.keyId);
}

function keyOf(stamp: RigStamp): { seed: Uint8Array; publicKey: Uint8Array } {
  if (stamp.stamp.key === undefined) throw new Error("a rig stamp without a key");
  return stamp.stamp.key;
}

/** `signer`'s signature over the provisioning message naming `publicKey`: a proof for a key it does not hold. */
function proofBy(signer: RigStamp, challenge: string, publicKey: Uint8Array): Uint8Array {
  const bytes = fromHex(challenge);
  const hash = fromHex(SIMULATED_FIRMWARE_HASH);
  const message = bytes.ok && hash.ok ? provisioningMessage(bytes.value, publicKey, hash.value) : undefined;
  const key = keyOf(signer);
  const signature = message === undefined ? undefined : nodeSigner.sign(key.seed, key.publicKey, message);
  if (signature === undefined) throw new Error("cannot sign the provisioning message");
  return signature;
}

/** A weak key with R = O, S = 0 as its proof, over a fresh challenge: only the key check stands in the way. */
async function weakKeys(bench: Bench, family: string, keys: readonly WeakKey[]): Promise<void> {
  for (const key of keys) {
    const challenge = await provisioningChallenge(bench.station.client);
    const answer = await register(bench.station.client, bodyFor(bench, key.bytes, proofParts(challenge, KEYLESS_SIGNATURE)));
    record(bench, `${family} with a keyless proof (R = O, S = 0)`, false, answer, bench.station);
  }
}

/** A genuine stamp registered with its own proof, then pressed at its counter: both must be accepted. */
async function genuineRegistration(bench: Bench): Promise<RegistrationBody> {
  const stamp = bootRigStamp();
  const challenge = await provisioningChallenge(bench.station.client);
  const body = bodyFor(bench, keyOf(stamp).publicKey, proveSimulatedStamp(stamp.stamp, challenge));
  record(bench, "genuine registration with proof of possession", true, await register(bench.station.client, body));
  bench.attempts.push((await legitimateTap(bench.world.home, stamp, "legitimate tap by the newly registered stamp")).attempt);
  return body;
}

/** Keys the attacker does not hold: no proof, a zero signature, another stamp's proof, another key's signature. */
async function proofsWithoutTheKey(bench: Bench): Promise<void> {
  const client = bench.station.client;
  // A new victim key each time: on a weakened host one accepted forgery would otherwise
  // register the key and hide the next attack behind "already registered".
  const victim = () => keyOf(bootRigStamp()).publicKey;
  const attacker = bootRigStamp();
  record(bench, "no proof of possession", false, await register(client, bodyFor(bench, victim(), undefined)), bench.station);
  const zero = await provisioningChallenge(client);
  record(bench, "proof with an all-zero signature", false, await register(client, bodyFor(bench, victim(), proofParts(zero, new Uint8Array(64)))), bench.station);
  const theirs = await provisioningChallenge(client);
  record(bench, "another stamp's genuine proof, with the victim's key", false, await register(client, bodyFor(bench, victim(), proveSimulatedStamp(attacker.stamp, theirs))), bench.station);
  const signed = await provisioningChallenge(client);
  const target = victim();
  record(bench, "the victim's key, signed by another stamp's key", false, await register(client, bodyFor(bench, target, proofParts(signed, proofBy(attacker, signed, target)))), bench.station);
}

/** A proof the host already accepted, sent again: as it was, on a new challenge, from another station. */
async function replayedProof(bench: Bench, accepted: RegistrationBody): Promise<void> {
  const proof = accepted.proof;
  if (proof === undefined) throw new Error("the genuine registration had no proof");
  record(bench, "replayed proof: the accepted registration again", false, await register(bench.station.client, accepted));
  const fresh = await provisioningChallenge(bench.station.client);
  record(bench, "replayed proof: its signature on a new challenge", false, await register(bench.station.client, { ...accepted, proof: { ...proof, challenge: fresh } }), bench.station);
  record(bench, "replayed proof: sent by another flashing station", false, await register(bench.otherStation.client, accepted), bench.otherStation);
  // The same proof for a key never registered: the signature names the first key, not this one.
  const unregistered = keyOf(bootRigStamp()).publicKey;
  record(bench, "replayed proof: for another, unregistered key", false, await register(bench.station.client, bodyFor(bench, unregistered, proof)));
}

/** Genuine proofs the host must still refuse: over another station's challenge, for unapproved firmware, too late. */
async function misusedChallenges(bench: Bench): Promise<NotRun[]> {
  const stamp = bootRigStamp();
  const foreign = await provisioningChallenge(bench.otherStation.client);
  record(bench, "genuine proof over a challenge issued to another station", false, await register(bench.station.client, bodyFor(bench, keyOf(stamp).publicKey, proveSimulatedStamp(stamp.stamp, foreign))), bench.station);
  const unapproved = toHex(randomBytes(32));
  const forFirmware = await provisioningChallenge(bench.station.client);
  record(bench, "genuine proof for unapproved firmware", false, await register(bench.station.client, bodyFor(bench, keyOf(stamp).publicKey, proveSimulatedStamp(stamp.stamp, forFirmware, unapproved))));
  const advance = bench.world.target.advanceClock;
  if (advance === undefined) return [{ attack: "genuine proof over an expired challenge", why: "the host's clock cannot be moved; the rig does not wait the 120 s provisioning TTL per attempt" }];
  const late = await provisioningChallenge(bench.station.client);
  const body = bodyFor(bench, keyOf(stamp).publicKey, proveSimulatedStamp(stamp.stamp, late));
  advance(PAST_PROVISIONING_TTL_MS);
  record(bench, "genuine proof over an expired challenge", false, await register(bench.station.client, body));
  return [];
}

async function attack(bench: Bench, budget: Budget): Promise<CampaignOutput> {
  await weakKeys(bench, "small-order key", SMALL_ORDER_KEYS);
  await weakKeys(bench, "non-canonical key", NON_CANONICAL_KEYS);
  const rounds = budget.kind === "full" ? 5 : 1;
  for (let round = 0; round < rounds; round++) {
    const genuine = await genuineRegistration(bench);
    await proofsWithoutTheKey(bench);
    await replayedProof(bench, genuine);
  }
  const notRun = await misusedChallenges(bench);
  // Normal provisioning still works after all of it.
  await genuineRegistration(bench);
  await flagReported(bench);
  return { attempts: bench.attempts, notRun: notRun, figures: [] };
}

/**
 * Forged registrations, each sent as a flashing station of the rig's merchant: small-order and
 * non-canonical public keys with a proof that needs no private key, keys without proof or
 * proved by another stamp, an accepted proof replayed, and genuine proofs over a challenge that
 * is another station's, expired, or for unapproved firmware. Every one must be refused, while a
 * genuine registration (and a tap by that stamp) in the same run is accepted. Forgeries the host
 * should report are flagged when the owner's alerts name the station that sent them.
 */
export const registrationForgeryCampaign: Campaign = {
  name: "registration-forgery",
  attacks: "HTTP API registration route: small-order and non-canonical keys with a keyless proof, no or another stamp's proof, replayed proofs, misused challenges",
  async run(world, budget) {
    const station = await enrolFlashingStation(world, "forger");
    const otherStation = await enrolFlashingStation(world, "other flasher");
    const bench: Bench = { world: world, station: station, otherStation: otherStation, registered: [], attempts: [], reported: [], labels: 0 };
    try {
      return await attack(bench, budget);
    } finally {
      await retire(world.owner, bench.registered, [station, otherStation]);
    }
  },
};
