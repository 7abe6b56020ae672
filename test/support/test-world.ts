/**
 * A world for host tests built through the real access flows: `stamp init`'s operator, a
 * merchant and its owner's token, shops and verifiers, counter and flashing stations enrolled
 * with one-time codes and their own Ed25519 keys, approved firmware, and stamps registered by
 * the flashing station with a proof of possession.
 */
import { createPublicKey, generateKeyPairSync, KeyObject, sign } from "node:crypto";
import { decodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { provisioningMessage } from "../../shared/provisioning-message";
import { tapSignedMessage } from "../../shared/signed-message";
import { encodeTapResponse } from "../../shared/tap-response";
import { authenticateToken, bootstrapOperator, enrolStation, issueEnrolmentCode, issueToken, stationKey } from "../../host/core/access/credentials";
import { Principal, StationRole } from "../../host/core/access/principal";
import { issueChallenge } from "../../host/core/challenge-service";
import { StampRecord, Verifier } from "../../host/core/model";
import { addMerchant, addShop, addVerifier } from "../../host/core/registry";
import { approveFirmware, issueProvisioningChallenge, registerStamp } from "../../host/core/stamp-registration";
import { submitTap } from "../../host/core/tap-verifier";
import { Verdict } from "../../host/core/verdict";
import { Store } from "../../host/store/store";
import { createTestDatabase, StoreKind, TestDatabase } from "./test-stores";

/** The firmware every test world approves, and its test stamps claim to run. */
export const TEST_FIRMWARE_HASH = "f1".repeat(32);

export function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

/** A software stamp for host tests: a node:crypto key that signs tap messages like the firmware. */
export class TestStamp {
  readonly publicKey: Uint8Array;
  readonly id: string;
  readonly privateKey: KeyObject;
  counter = 0;

  constructor() {
    this.privateKey = generateKeyPairSync("ed25519").privateKey;
    this.publicKey = rawPublicKey(this.privateKey);
    this.id = toHex(this.publicKey.subarray(0, 8));
  }

  /** The 94-byte tap response to a 32-byte challenge, with the next (or a chosen) counter. */
  answer(challengeBytes: Uint8Array, options: { counter?: number; flags?: number } = {}): Uint8Array {
    const challenge = decodeChallenge(challengeBytes);
    if (!challenge.ok) throw new Error(challenge.error.detail);
    const counter = options.counter ?? ++this.counter;
    const flags = options.flags ?? 1;
    const stampId = this.publicKey.subarray(0, 8);
    const signature = sign(null, tapSignedMessage(challenge.value, stampId, counter, flags), this.privateKey);
    return encodeTapResponse({ stampId, nonce: challenge.value.nonce, counter, flags, signature: new Uint8Array(signature) });
  }

  /** The proof of possession the firmware gives a flashing station (STAMP.prove), over a host challenge. */
  prove(challengeHex: string, firmwareHash = TEST_FIRMWARE_HASH): { challenge: string; firmwareHash: string; signature: string } {
    const challenge = fromHex(challengeHex);
    const hash = fromHex(firmwareHash);
    if (!challenge.ok || !hash.ok) throw new Error("bad hex");
    const message = provisioningMessage(challenge.value, this.publicKey, hash.value);
    if (message === undefined) throw new Error("bad proof lengths");
    return { challenge: challengeHex, firmwareHash: firmwareHash, signature: toHex(new Uint8Array(sign(null, message, this.privateKey))) };
  }
}

/** A station's own key, as `stamp station enrol` makes it. */
export class TestStationKey {
  readonly privateKey: KeyObject = generateKeyPairSync("ed25519").privateKey;
  readonly publicKey: Uint8Array = rawPublicKey(this.privateKey);
}

export function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } | string }): T {
  if (!result.ok) throw new Error(typeof result.error === "string" ? result.error : result.error.message);
  return result.value;
}

/** A person's principal from a freshly issued token, authenticated as the API would. */
async function tokenPrincipal(store: Store, issuer: Principal, input: Parameters<typeof issueToken>[2], now: number): Promise<{ principal: Principal; token: string }> {
  const issued = must(await issueToken(store, issuer, input, now));
  return { principal: must(await authenticateToken(store, issued.token, now)), token: issued.token };
}

export interface EnrolledStation {
  key: TestStationKey;
  keyId: string;
  principal: Principal;
}

/** Enrols a station key with a one-time code the owner issued, as `stamp station enrol` does. */
export async function enrolTestStation(store: Store, owner: Principal, role: StationRole, target: { verifierId?: string; merchantId?: string }, now: number): Promise<EnrolledStation> {
  const code = must(await issueEnrolmentCode(store, owner, { role: role, ...target }, now));
  const key = new TestStationKey();
  const credential = must(await enrolStation(store, { code: code.code, publicKey: key.publicKey, label: role }, now));
  return { key: key, keyId: credential.id, principal: must(await stationKey(store, credential.id, now)).principal };
}

/** Registers a test stamp through the flashing station, with a fresh host challenge and the stamp's proof. */
export async function registerTestStamp(store: Store, flasher: Principal, stamp: TestStamp, binding: { label: string; merchantId: string; shopIds: string[]; verifierIds?: string[] }, now: number): Promise<StampRecord> {
  const challenge = must(await issueProvisioningChallenge(store, flasher, now));
  const input = { publicKeyHex: toHex(stamp.publicKey), verifierIds: [], ...binding, proof: stamp.prove(challenge.challenge) };
  return must(await registerStamp(store, flasher, input, now));
}

export interface TestWorld {
  /** The --db value: the SQLite file's path, or the PostgreSQL database's URL. */
  dbPath: string;
  database: TestDatabase;
  store: Store;
  operator: Principal;
  operatorToken: string;
  owner: Principal;
  ownerToken: string;
  gangnam: Verifier;
  hongdae: Verifier;
  gangnamStation: EnrolledStation;
  hongdaeStation: EnrolledStation;
  flasher: EnrolledStation;
  /** Registered at gangnam. */
  stamp: TestStamp;
  challengeFor(station: EnrolledStation, now?: number): Promise<Uint8Array>;
  submit(station: EnrolledStation, response: Uint8Array, now?: number): Promise<Verdict>;
  register(stamp: TestStamp, shopIds: string[], label?: string): Promise<StampRecord>;
}

/**
 * A fresh database (an SQLite file in a fresh directory, or a new database on this test file's
 * PostgreSQL server) with one merchant, two shops, a verifier and a station in each.
 */
export async function createTestWorld(kind: StoreKind = "sqlite"): Promise<TestWorld> {
  const database = await createTestDatabase(kind);
  const store = await database.open();
  const now = Date.now();
  const bootstrapped = must(await bootstrapOperator(store, "operator", now));
  const operator = must(await authenticateToken(store, bootstrapped.token, now));
  must(await addMerchant(store, operator, { id: "bean-bros", name: "Bean Bros" }, now));
  must(await approveFirmware(store, operator, { hash: TEST_FIRMWARE_HASH, label: "test firmware" }, now));
  const owner = await tokenPrincipal(store, operator, { role: "owner", merchantId: "bean-bros", label: "owner" }, now);
  must(await addShop(store, owner.principal, { id: "gangnam", merchantId: "bean-bros", name: "Gangnam" }, now));
  must(await addShop(store, owner.principal, { id: "hongdae", merchantId: "bean-bros", name: "Hongdae" }, now));
  const verifier = (shopId: string, label: string) => addVerifier(store, owner.principal, { shopId: shopId, label: label, requirePresence: true, purpose: Purpose.STAMP, quantity: 1 }, now);
  const gangnam = must(await verifier("gangnam", "G1"));
  const hongdae = must(await verifier("hongdae", "H1"));
  const gangnamStation = await enrolTestStation(store, owner.principal, "counter-station", { verifierId: gangnam.id }, now);
  const hongdaeStation = await enrolTestStation(store, owner.principal, "counter-station", { verifierId: hongdae.id }, now);
  const flasher = await enrolTestStation(store, owner.principal, "flashing-station", { merchantId: "bean-bros" }, now);
  const register = (stamp: TestStamp, shopIds: string[], label = "stamp-" + stamp.id) =>
    registerTestStamp(store, flasher.principal, stamp, { label: label, merchantId: "bean-bros", shopIds: shopIds }, Date.now());
  const stamp = new TestStamp();
  await register(stamp, ["gangnam"], "stamp-1");
  return {
    dbPath: database.location,
    database,
    store,
    operator,
    operatorToken: bootstrapped.token,
    owner: owner.principal,
    ownerToken: owner.token,
    gangnam,
    hongdae,
    gangnamStation,
    hongdaeStation,
    flasher,
    stamp,
    register,
    challengeFor: async (station, at = Date.now()) => must(await issueChallenge(store, station.principal, at)).bytes,
    submit: (station, response, at = Date.now()) => submitTap(store, station.principal, response, at),
  };
}
