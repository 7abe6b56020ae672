import { createPublicKey, generateKeyPairSync, KeyObject } from "node:crypto";
import { ApiClient } from "../../host/client/api-client";
import { toHex } from "../../shared/hex";
import { stationClient } from "../world/rig-station";
import { RigWorld } from "../world/rig-world";

/** A counter station key the campaign holds itself: the signed-request attacks need its private key. */
export interface HeldStationKey {
  keyId: string;
  privateKey: KeyObject;
  client: ApiClient;
}

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

/** What an enrolment code is for: a counter station of one verifier, or a flashing station of the merchant. */
export type StationRoleBody = { role: "counter-station"; verifierId: string } | { role: "flashing-station"; merchantId: string };

/** An enrolment code from the rig's owner (one hour, once); a verifier id alone means a counter station's. */
export async function enrolmentCode(world: RigWorld, forWhat: string | StationRoleBody): Promise<string> {
  const body: StationRoleBody = typeof forWhat === "string" ? { role: "counter-station", verifierId: forWhat } : forWhat;
  const answer = await world.owner.request("POST", "/v1/enrolment-codes", body);
  if (answer.status !== 201) throw new Error(`enrolment code: HTTP ${answer.status}`);
  return String((answer.body as Record<string, unknown>).code);
}

/** Enrols a fresh key with `code`, the request signed by that very key (as `stamp station enrol`): the HTTP status and the key. */
export async function enrolWithCode(world: RigWorld, code: string, label: string): Promise<{ status: number; key: HeldStationKey | undefined }> {
  const privateKey = generateKeyPairSync("ed25519").privateKey;
  const publicKey = rawPublicKey(privateKey);
  const enrolling = stationClient(world.target, toHex(publicKey).slice(0, 16), privateKey);
  const answer = await enrolling.request("POST", "/v1/enrolments", { code: code, publicKey: toHex(publicKey), label: label });
  await enrolling.close();
  if (answer.status !== 201) return { status: answer.status, key: undefined };
  const keyId = String((answer.body as Record<string, unknown>).id);
  return { status: answer.status, key: { keyId: keyId, privateKey: privateKey, client: stationClient(world.target, keyId, privateKey) } };
}

/** A new station key (a counter station's for `verifierId`, or as `forWhat` says), enrolled as a station would. */
export async function holdStationKey(world: RigWorld, forWhat: string | StationRoleBody, label: string): Promise<HeldStationKey> {
  const enrolled = await enrolWithCode(world, await enrolmentCode(world, forWhat), label);
  if (enrolled.key === undefined) throw new Error(`enrolment: HTTP ${enrolled.status}`);
  return enrolled.key;
}
