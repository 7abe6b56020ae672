import { Attempt, NotRun } from "../campaign";
import { rigStation } from "../world/rig-station";
import { RigWorld } from "../world/rig-world";
import { issueRigToken, revokeRigCredential, RigToken } from "./access-world";
import { attackOf, judged, legitimateOf } from "./judge-answer";
import { RawAnswer, sendRaw } from "./raw-http";
import { enrolmentCode, enrolWithCode, HeldStationKey, holdStationKey } from "./station-key";
import { bearer, jsonRequest } from "./sweep-request";

const DAY_MS = 24 * 3600_000;

function asOwner(world: RigWorld, method: string, path: string, token: string, body?: object): Promise<RawAnswer> {
  return sendRaw(world.target.url, jsonRequest(world.target.url, method, path, body, bearer(token)));
}

/** A manager's token used, revoked, then used to read and to write: both refused from the revocation on. */
export async function revokedToken(world: RigWorld): Promise<Attempt[]> {
  const token = await issueRigToken(world, "manager", `rig ${world.run} revoked`);
  const patch = { label: `rig ${world.run} changed by a revoked token` };
  const attempts = [legitimateOf("token before its revocation: GET /v1/stamps", await asOwner(world, "GET", "/v1/stamps", token.token))];
  await revokeRigCredential(world, token.id);
  attempts.push(attackOf("revoked token: GET /v1/stamps", await asOwner(world, "GET", "/v1/stamps", token.token)));
  attempts.push(attackOf("revoked token: PATCH /v1/verifiers/:id", await asOwner(world, "PATCH", `/v1/verifiers/${world.home.verifierId}`, token.token, patch)));
  return attempts;
}

/** A counter station's key used, revoked (a stolen station), then asking for a challenge. */
export async function revokedStationKey(world: RigWorld): Promise<Attempt[]> {
  const key: HeldStationKey = await holdStationKey(world, world.home.verifierId, `rig ${world.run} revoked station`);
  const station = rigStation(world.home.verifierId, key.client);
  try {
    const before = await station.challenge();
    const attempts: Attempt[] = [{ attack: "station key before its revocation: a challenge", legitimate: true, accepted: before.ok, flagged: false, answer: before.ok ? "HTTP 201" : before.answer }];
    await revokeRigCredential(world, key.keyId);
    const after = await station.challenge();
    attempts.push(judged("revoked station key: a challenge", after.ok, after.ok ? "HTTP 201" : after.answer));
    return attempts;
  } finally {
    await key.client.close();
  }
}

/** An enrolment code used once, then again with another key: a code is single use. */
export async function reusedEnrolmentCode(world: RigWorld): Promise<Attempt[]> {
  const code = await enrolmentCode(world, world.home.verifierId);
  const first = await enrolWithCode(world, code, `rig ${world.run} first enrolment`);
  const second = await enrolWithCode(world, code, `rig ${world.run} second enrolment`);
  const enrolled = [first.key, second.key].filter((key): key is HeldStationKey => key !== undefined);
  for (const key of enrolled) {
    await revokeRigCredential(world, key.keyId);
    await key.client.close();
  }
  return [
    { attack: "enrolment code, first use", legitimate: true, accepted: first.status === 201, flagged: false, answer: `HTTP ${first.status}` },
    judged("enrolment code used a second time", second.status === 201, `HTTP ${second.status}`),
  ];
}

/**
 * A token issued for the shortest life the API allows (one day) and an enrolment code (one
 * hour), both used after they ran out. Needs the host's clock moved: on a deployment it is not
 * run (waiting a day is not a test run). Run last: the host's clock stays a day ahead.
 */
export async function expiredCredentials(world: RigWorld): Promise<{ attempts: Attempt[]; notRun: NotRun[] }> {
  const advance = world.target.advanceClock;
  if (advance === undefined) {
    const why = "the host's clock cannot be moved, and the shortest token the API issues lives a day (ttlDays ≥ 1), an enrolment code an hour";
    return { attempts: [], notRun: [{ attack: "expired token", why: why }, { attack: "expired enrolment code", why: why }] };
  }
  const token: RigToken = await issueRigToken(world, "auditor", `rig ${world.run} expiring`, 1);
  const code = await enrolmentCode(world, world.home.verifierId);
  const attempts = [legitimateOf("token before its expiry: GET /v1/stamps", await asOwner(world, "GET", "/v1/stamps", token.token))];
  advance(DAY_MS + 1_000);
  attempts.push(attackOf("expired token: GET /v1/stamps", await asOwner(world, "GET", "/v1/stamps", token.token)));
  const late = await enrolWithCode(world, code, `rig ${world.run} late enrolment`);
  if (late.key !== undefined) {
    await revokeRigCredential(world, late.key.keyId);
    await late.key.client.close();
  }
  attempts.push(judged("expired enrolment code", late.status === 201, `HTTP ${late.status}`));
  return { attempts: attempts, notRun: [] };
}
