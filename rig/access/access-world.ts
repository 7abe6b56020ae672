import { randomBytes } from "node:crypto";
import { RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { BodyIds } from "./request-bodies";

/** A person's token the rig issued in its own merchant: its secret and its credential id. */
export interface RigToken {
  id: string;
  token: string;
}

/** What the access campaign adds to the rig's world: objects of every kind a route names. */
export interface AccessWorld {
  world: RigWorld;
  ids: BodyIds;
  victim: RigStamp;
  /** A token made to be the target of "revoke a credential" attacks, never used to attack. */
  sacrificial: RigToken;
}

async function created(world: RigWorld, path: string, body: object): Promise<Record<string, unknown>> {
  const answer = await world.owner.request("POST", path, body);
  if (answer.status !== 201) throw new Error(`${path}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as Record<string, unknown>;
}

/** An API token of the rig's merchant, issued by its owner. `ttlDays` is the shortest the API allows when the attack needs it to expire. */
export async function issueRigToken(world: RigWorld, role: "owner" | "manager" | "auditor", label: string, ttlDays?: number): Promise<RigToken> {
  const body = await created(world, "/v1/tokens", { role: role, merchantId: world.target.merchantId, label: label, ...(ttlDays === undefined ? {} : { ttlDays: ttlDays }) });
  const credential = body.credential as Record<string, unknown>;
  return { id: String(credential.id), token: String(body.token) };
}

/** Revokes a credential of the rig's merchant (a token or a station key) as its owner. */
export async function revokeRigCredential(world: RigWorld, credentialId: string): Promise<void> {
  const answer = await world.owner.request("POST", `/v1/credentials/${credentialId}/revoke`);
  if (answer.status !== 200) throw new Error(`the rig could not revoke ${credentialId}: HTTP ${answer.status}`);
}

/**
 * Builds the objects: a shop, a worker, a stamp, a token to be revoked, and a dashboard person
 * when the host can invite one (it needs a public URL; otherwise a made-up id, which still
 * tests that the route refuses before it looks anything up).
 */
export async function setUpAccessWorld(world: RigWorld): Promise<AccessWorld> {
  const run = world.run;
  const merchant = world.target.merchantId;
  const shop = `rig-${run}-ac`;
  await created(world, "/v1/shops", { id: shop, merchantId: merchant, name: `Rig ${run} access` });
  const worker = await created(world, `/v1/merchants/${merchant}/workers`, { name: `Rig ${run} worker` });
  const victim = await world.newStamp();
  const sacrificial = await issueRigToken(world, "auditor", `rig ${run} sacrificial`);
  const invited = await world.owner.request("POST", `/v1/merchants/${merchant}/dashboard-invitations`, { role: "auditor", name: `Rig ${run} person` });
  const personId = invited.status === 201 ? String((invited.body as Record<string, unknown>).personId) : randomBytes(8).toString("hex");
  const ids: BodyIds = { merchant: merchant, verifier: world.home.verifierId, stamp: victim.id, credential: sacrificial.id, worker: String(worker.id), person: personId, shop: shop };
  return { world: world, ids: ids, victim: victim, sacrificial: sacrificial };
}
