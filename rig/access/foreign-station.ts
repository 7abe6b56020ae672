import { Attempt } from "../campaign";
import { attackAttempt } from "../campaigns/legitimate-tap";
import { rigStation } from "../world/rig-station";
import { RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { describeAnswer, judged } from "./judge-answer";
import { leakedMarkers } from "./foreign-sweep";
import { RawAnswer, sendRaw } from "./raw-http";
import { enrolWithCode, HeldStationKey } from "./station-key";
import { bearer, jsonRequest } from "./sweep-request";

async function asForeignOwner(world: RigWorld, token: string, method: string, path: string, body?: object): Promise<RawAnswer> {
  return sendRaw(world.target.url, jsonRequest(world.target.url, method, path, body, bearer(token)));
}

function bodyOf(what: string, answer: RawAnswer): Record<string, unknown> {
  if (answer.status !== 201) throw new Error(`${what} in the foreign merchant: HTTP ${answer.status} ${answer.text}`);
  return JSON.parse(answer.text) as Record<string, unknown>;
}

/** A shop of the other merchant, made by its owner for this run. */
export interface ForeignShop {
  merchantId: string;
  shopId: string;
}

export async function foreignShop(world: RigWorld, token: string): Promise<ForeignShop> {
  const merchantId = await merchantOf(world, token);
  // Not "rig-<run>-…": that is the marker of the rig merchant's own objects in the leak checks.
  const shop = `foreign-${world.run}`;
  bodyOf("shop", await asForeignOwner(world, token, "POST", "/v1/shops", { id: shop, merchantId: merchantId, name: `Rig ${world.run} foreign shop` }));
  return { merchantId: merchantId, shopId: shop };
}

/** A counter station of the other merchant, enrolled by its owner at its shop. */
async function foreignStationKey(world: RigWorld, token: string, shop: string): Promise<HeldStationKey> {
  const verifier = bodyOf("verifier", await asForeignOwner(world, token, "POST", "/v1/verifiers", { shopId: shop, label: `rig ${world.run} foreign` }));
  const code = bodyOf("enrolment code", await asForeignOwner(world, token, "POST", "/v1/enrolment-codes", { role: "counter-station", verifierId: String(verifier.id) }));
  const enrolled = await enrolWithCode(world, String(code.code), `rig ${world.run} foreign station`);
  if (enrolled.key === undefined) throw new Error(`the foreign station's enrolment: HTTP ${enrolled.status}`);
  return enrolled.key;
}

/** The merchant a foreign owner token belongs to, as GET /v1/merchants shows it (its own only). */
export async function merchantOf(world: RigWorld, token: string): Promise<string> {
  const answer = await asForeignOwner(world, token, "GET", "/v1/merchants");
  const items = (JSON.parse(answer.text) as { items?: { id?: unknown }[] }).items ?? [];
  const id = items[0]?.id;
  if (answer.status !== 200 || typeof id !== "string") throw new Error(`the foreign owner's merchant: HTTP ${answer.status}`);
  return id;
}

/**
 * Another merchant's counter station, validly enrolled and signing: the rig's stamp pressed at
 * it must be refused (a stamp works only for its own merchant's shops), and its offline registry
 * and its verifier list must hold nothing of the rig's.
 */
export async function foreignStationAttacks(world: RigWorld, foreignToken: string, shop: ForeignShop, stamp: RigStamp): Promise<Attempt[]> {
  const key = await foreignStationKey(world, foreignToken, shop.shopId);
  try {
    const station = rigStation("foreign", key.client);
    const issued = await station.challenge();
    if (!issued.ok) throw new Error(`the foreign station's challenge: ${issued.answer}`);
    const attempts = [attackAttempt("the rig's stamp pressed at another merchant's station", await station.submit(stamp.tap(issued.challenge)))];
    for (const path of ["/v1/stations/registry", "/v1/verifiers"]) {
      const answer = await key.client.request("GET", path);
      const text = JSON.stringify(answer.body);
      const leaked = leakedMarkers(text, [stamp.id, world.home.verifierId, world.other.verifierId]);
      attempts.push(judged(`another merchant's station reads the rig's: GET ${path}`, leaked.length > 0, leaked.length > 0 ? `listed ${leaked.join(", ")}` : `HTTP ${answer.status}`));
    }
    return attempts;
  } finally {
    const revoked = await asForeignOwner(world, foreignToken, "POST", `/v1/credentials/${key.keyId}/revoke`);
    await key.client.close();
    if (revoked.status !== 200) throw new Error(`the foreign station key could not be revoked: ${describeAnswer(revoked)}`);
  }
}
