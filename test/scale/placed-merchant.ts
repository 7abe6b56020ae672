/**
 * One merchant, built through the API of the shard that holds it, as its people and stations
 * would: the merchant (by that shard's operator), its owner's token, one shop with two counters
 * (two verifiers, each with a counter station enrolled with a one-time code and its own key), a
 * flashing station; then stamps registered with a proof of possession, and taps as a counter
 * station makes them (POST /v1/challenges, the stamp's signed answer, POST /v1/taps).
 */
import { call, challengeFor, enrolStation, issueToken, Person, registerStamp, Station } from "../http/api-harness";
import { newTestStamp, signTapHex, TestStamp } from "../http/signed-tap";
import { ShardHost } from "./shard-host";

export interface PlacedMerchant {
  merchantId: string;
  host: ShardHost;
  owner: Person;
  shopId: string;
  verifierIds: [string, string];
  /** A counter station at each verifier. */
  counters: [Station, Station];
  flasher: Station;
}

export interface VerdictJson {
  accepted: boolean;
  reason: string;
  stampId?: string;
  counter?: number;
}

export async function addPlacedMerchant(host: ShardHost, merchantId: string): Promise<PlacedMerchant> {
  const api = host.api;
  await call(host.operator.client, "POST", "/v1/merchants", { id: merchantId, name: `Merchant ${merchantId}` }, 201);
  const owner = await issueToken(api, host.operator.client, { role: "owner", merchantId: merchantId, label: `${merchantId} owner` });
  const shopId = `${merchantId}-main`;
  await call(owner.client, "POST", "/v1/shops", { id: shopId, merchantId: merchantId, name: `${merchantId} main shop` }, 201);
  const verifierIds: string[] = [];
  const counters: Station[] = [];
  for (const label of ["counter 1", "counter 2"]) {
    const verifier = await call<{ id: string }>(owner.client, "POST", "/v1/verifiers", { shopId: shopId, label: label }, 201);
    verifierIds.push(verifier.id);
    counters.push(await enrolStation(api, owner.client, { role: "counter-station", verifierId: verifier.id }, `${merchantId} ${label}`));
  }
  const flasher = await enrolStation(api, owner.client, { role: "flashing-station", merchantId: merchantId }, `${merchantId} flasher`);
  return {
    merchantId: merchantId,
    host: host,
    owner: owner,
    shopId: shopId,
    verifierIds: [verifierIds[0], verifierIds[1]],
    counters: [counters[0], counters[1]],
    flasher: flasher,
  };
}

let stampsMade = 0;

/** A new stamp of the merchant, registered by its flashing station for its shop. */
export async function newMerchantStamp(world: PlacedMerchant): Promise<TestStamp> {
  const stamp = newTestStamp();
  await registerStamp(world.flasher, stamp, { label: `stamp-${++stampsMade}`, merchantId: world.merchantId, shopIds: [world.shopId] });
  return stamp;
}

/** The stamp's answer, with `counter`, to a fresh challenge of `station`: the bytes (hex) the station would send. */
export async function answerAt(station: Station, stamp: TestStamp, counter: number): Promise<string> {
  return signTapHex(stamp, (await challengeFor(station)).challenge, counter);
}

/** Sends a tap response as `station`; the host's verdict. */
export function sendTap(station: Station, response: string): Promise<VerdictJson> {
  return call<VerdictJson>(station.client, "POST", "/v1/taps", { response: response }, 200);
}

/** One whole tap: a challenge, the stamp's answer with `counter`, the verdict. */
export async function tapAt(station: Station, stamp: TestStamp, counter: number): Promise<VerdictJson> {
  return sendTap(station, await answerAt(station, stamp, counter));
}
