import { randomBytes } from "node:crypto";
import { ApiClient } from "../../host/client/api-client";
import { httpTransport } from "../../host/client/transports";
import { apiFlashingStation, FlashingStationLink, registerProvedStamp } from "../../sim/provision";
import { Target } from "../target";
import { bootRigStamp, RigStamp } from "./rig-stamp";
import { enrolStationKey, RigStation, rigStation } from "./rig-station";

/**
 * What the rig builds inside its merchant before attacking: two shops, a verifier with its
 * counter station in each, a flashing station, and stamps registered with proof of possession.
 * Everything is named after the run (`rig-<run>-…`) so that one run's objects are told apart
 * from another's and from real ones.
 */
export interface RigWorld {
  target: Target;
  run: string;
  owner: ApiClient;
  /** The station at shop A, where the rig's stamps belong. */
  home: RigStation;
  /** A station at shop B, another verifier of the same merchant. */
  other: RigStation;
  /** Shop A's and shop B's ids. */
  shops: { home: string; other: string };
  /**
   * A new stamp registered through the flashing station: bound to shop A, or as `binding` says
   * (both shops; or to particular verifiers, which must be in its shops).
   */
  newStamp(binding?: StampPlace): Promise<RigStamp>;
  /** One more verifier at shop A with its own enrolled counter station; its key is revoked by close(). */
  newStation(label: string): Promise<RigStation>;
  /** Revokes the run's stamps and station keys, and closes its connections. */
  close(): Promise<void>;
}

/** Where a new stamp may be pressed: its shops, and (when not empty) only these verifiers of them. */
export interface StampPlace {
  shops: "home" | "both";
  verifierIds: string[];
}

async function created(what: string, client: ApiClient, path: string, body: object): Promise<Record<string, unknown>> {
  const response = await client.request("POST", path, body);
  if (response.status !== 201) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Record<string, unknown>;
}

async function verifierAt(target: Target, owner: ApiClient, shopId: string, run: string, label: string): Promise<{ keyId: string; station: RigStation }> {
  const verifier = await created("verifier", owner, "/v1/verifiers", { shopId: shopId, label: `rig ${run} ${label}` });
  const verifierId = String(verifier.id);
  const enrolled = await enrolStationKey(target, owner, { role: "counter-station", verifierId: verifierId }, `rig ${run} ${label}`);
  return { keyId: enrolled.keyId, station: rigStation(verifierId, enrolled.client) };
}

/**
 * Takes the run's objects out of service: its stamps and station keys are revoked. Shops and
 * verifiers stay (the host has no way to delete them: the audit chain names them), as do the
 * ledger events and alerts the run made, all in the rig's own merchant.
 */
async function revokeAll(owner: ApiClient, stampIds: string[], keyIds: string[]): Promise<void> {
  const refused: string[] = [];
  for (const id of stampIds) {
    const answer = await owner.request("POST", `/v1/stamps/${id}/revoke`);
    if (answer.status !== 200) refused.push(`stamp ${id}: HTTP ${answer.status}`);
  }
  for (const id of keyIds) {
    const answer = await owner.request("POST", `/v1/credentials/${id}/revoke`);
    if (answer.status !== 200) refused.push(`station key ${id}: HTTP ${answer.status}`);
  }
  if (refused.length > 0) throw new Error(`the rig could not revoke what it made: ${refused.join("; ")}`);
}

export async function setUpRigWorld(target: Target): Promise<RigWorld> {
  const run = randomBytes(4).toString("hex");
  const owner = new ApiClient(httpTransport(target.url), { kind: "token", token: target.ownerToken }, target.clock);
  const shopA = `rig-${run}-a`;
  const shopB = `rig-${run}-b`;
  await created("shop", owner, "/v1/shops", { id: shopA, merchantId: target.merchantId, name: `Rig ${run} A` });
  await created("shop", owner, "/v1/shops", { id: shopB, merchantId: target.merchantId, name: `Rig ${run} B` });
  const home = await verifierAt(target, owner, shopA, run, "home");
  const other = await verifierAt(target, owner, shopB, run, "other");
  const flashing = await enrolStationKey(target, owner, { role: "flashing-station", merchantId: target.merchantId }, `rig ${run} flasher`);
  const flasher: FlashingStationLink = apiFlashingStation(flashing.client);
  const stampIds: string[] = [];
  const extra: { keyId: string; station: RigStation }[] = [];
  return {
    target: target,
    run: run,
    owner: owner,
    home: home.station,
    other: other.station,
    shops: { home: shopA, other: shopB },
    async newStamp(binding = { shops: "home", verifierIds: [] }) {
      const stamp = bootRigStamp();
      const shopIds = binding.shops === "both" ? [shopA, shopB] : [shopA];
      await registerProvedStamp(flasher, stamp.stamp, { label: `rig-${run}-${stampIds.length + 1}`, merchantId: target.merchantId, shopIds: shopIds, verifierIds: binding.verifierIds });
      stampIds.push(stamp.id);
      return stamp;
    },
    async newStation(label) {
      const added = await verifierAt(target, owner, shopA, run, label);
      extra.push(added);
      return added.station;
    },
    async close() {
      try {
        await revokeAll(owner, stampIds, [home.keyId, other.keyId, flashing.keyId, ...extra.map((e) => e.keyId)]);
      } finally {
        for (const client of [owner, home.station.client, other.station.client, flashing.client, ...extra.map((e) => e.station.client)]) await client.close();
      }
    },
  };
}
