import { Attempt } from "../campaign";
import { RigWorld } from "../world/rig-world";
import { judged } from "./judge-answer";
import { RouteIds } from "./route-path";

/** What the attacks aim to change, read as the rig's owner: refused attacks must leave all of it as it was. */
export interface StateSnapshot {
  stampStatus: string;
  credentialRevoked: string;
  verifierLabel: string;
}

function items(body: unknown): Record<string, unknown>[] {
  const list = typeof body === "object" && body !== null && "items" in body ? body.items : undefined;
  return Array.isArray(list) ? list.filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null) : [];
}

function nextCursor(body: unknown): string | undefined {
  const next = typeof body === "object" && body !== null && "next" in body ? body.next : undefined;
  return typeof next === "string" ? next : undefined;
}

/** One field of one item of a list, paging through it (a deployment's rig merchant grows run after run). */
async function fieldOf(world: RigWorld, list: string, id: string, field: string): Promise<string> {
  let after: string | undefined;
  do {
    const answer = await world.owner.request("GET", `${list}?limit=1000${after === undefined ? "" : `&after=${encodeURIComponent(after)}`}`);
    if (answer.status !== 200) return `HTTP ${answer.status}`;
    const item = items(answer.body).find((i) => i.id === id);
    if (item !== undefined) return String(item[field]);
    after = nextCursor(answer.body);
  } while (after !== undefined);
  return `${id} not listed`;
}

async function stampStatus(world: RigWorld, id: string): Promise<string> {
  const answer = await world.owner.request("GET", `/v1/stamps/${id}`);
  const body = answer.body as { status?: unknown };
  return answer.status === 200 ? String(body.status) : `HTTP ${answer.status}`;
}

/** Reads the victim stamp's status, the sacrificial credential's revocation and the home verifier's label. */
export async function snapshot(world: RigWorld, ids: RouteIds): Promise<StateSnapshot> {
  return {
    stampStatus: await stampStatus(world, ids.stamp),
    credentialRevoked: await fieldOf(world, "/v1/credentials", ids.credential, "revokedAt"),
    verifierLabel: await fieldOf(world, "/v1/verifiers", ids.verifier, "label"),
  };
}

/** One attempt per field: an attack that changed it was accepted, whatever status it was answered with. Pure. */
export function stateAttempts(before: StateSnapshot, after: StateSnapshot): Attempt[] {
  return (Object.keys(before) as (keyof StateSnapshot)[]).map((field) =>
    judged(`refused requests changed nothing: ${field}`, before[field] !== after[field], before[field] === after[field] ? `unchanged (${after[field]})` : `${before[field]} → ${after[field]}`),
  );
}
