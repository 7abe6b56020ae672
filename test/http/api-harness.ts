/**
 * A real, authenticated API for tests (its public URL for phone pages is its own address): buildServer on a real database (an SQLite file in a fresh
 * temporary directory, or a new PostgreSQL database: see test/support/test-stores.ts), listening on an ephemeral loopback port, with a clock the test moves. Every call
 * goes over HTTP through the project's own ApiClient and httpTransport, as a given credential:
 * an API token (operator, owner, manager, auditor) or a station's own Ed25519 key, signing each
 * request (RFC 9421) with the API's clock.
 *
 * `seed()` builds a world through the API itself, exactly as people and stations would: the
 * operator token of `stamp init`, two merchants with their owners, shops, verifiers, counter
 * and flashing stations enrolled with one-time codes and their own keys, approved firmware.
 */
import { snapshotDatabase as snapshotOf } from "../support/database-snapshot";
import { createTestDatabase, StoreKind, TestDatabase } from "../support/test-stores";
import { FastifyInstance } from "fastify";
import { generateKeyPairSync, KeyObject } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "../../shared/hex";
import { bootstrapOperator } from "../../host/core/access/credentials";
import { ApiClient, ApiCredential, ApiResponse } from "../../host/client/api-client";
import { ApiMethod, ApiTransport, httpTransport } from "../../host/client/transports";
import { buildServer } from "../../host/http/server";
import { createHostKeyFile } from "../../host/ledger/host-key";
import { Store } from "../../host/store/store";
import { rawPublicKey, TestStamp } from "./signed-tap";

export type { ApiResponse };

/** Tests that listen on a socket state this timeout. */
export const NET_TIMEOUT = 30_000;

/** A fixed start time, so ISO strings in assertions are predictable. */
export const START_TIME = Date.UTC(2025, 4, 1, 9, 30, 0);

/** The firmware the operator approves in `seed()`; test stamps claim to run it. */
export const TEST_FIRMWARE_HASH = "f1".repeat(32);

/** Rate limits far above anything a test sends: the limits have their own tests (test/hardening). */
const UNLIMITED = { perAddressPerMinute: 1_000_000, perCredentialPerMinute: 1_000_000, perAddressPerMinuteOnPhonePages: 1_000_000 };

/**
 * Tables whose rows are authentication bookkeeping, not state: every signed request spends
 * its nonce (request_nonces) before the route runs, whatever the route then answers. That is
 * what stops a replay, and the replay tests check it directly.
 */
const BOOKKEEPING_TABLES = new Set(["request_nonces"]);

export interface RawAnswer {
  status: number;
  /** The parsed JSON body, or the text when it is not JSON; undefined when empty. */
  body: unknown;
  text: string;
  contentType: string | null;
}

export interface TestApi {
  url: string;
  dir: string;
  /** The --db value: the SQLite file's path, or the PostgreSQL database's URL. */
  dbPath: string;
  database: TestDatabase;
  store: Store;
  app: FastifyInstance;
  /** The API's clock (and every client's), in milliseconds; tests move it. */
  now: number;
  /** A client calling the API with this credential over HTTP, signing with the API's clock. */
  client(credential: ApiCredential, clock?: () => number): ApiClient;
  /** A client without any credential. */
  anonymous: ApiClient;
  /** A transport to the API, for tests that build or replay requests themselves. */
  transport(): ApiTransport;
  /** Any request with fetch, headers and body exactly as given (malformed JSON, content types, ...). */
  raw(path: string, init: RequestInit): Promise<RawAnswer>;
  /** Every row of every table but the nonce bookkeeping, to prove that a refused request wrote nothing. */
  snapshot(): Promise<string>;
  close(): Promise<void>;
}

export function snapshotDatabase(dbPath: string): string {
  return snapshotOf(dbPath, BOOKKEEPING_TABLES);
}

/** One value read straight from the database, e.g. a COUNT(*); parameters are written `?`. */
export function queryValue(api: { database: TestDatabase }, sql: string, ...params: unknown[]): Promise<unknown> {
  return api.database.value(sql, ...params);
}

async function toRawAnswer(response: Response): Promise<RawAnswer> {
  const text = await response.text();
  let body: unknown = undefined;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body: body, text: text, contentType: response.headers.get("content-type") };
}

export async function startApi(kind: StoreKind = "sqlite"): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), "stamp-http-"));
  const database = await createTestDatabase(kind);
  const store = await database.open();
  const hostKey = createHostKeyFile(join(dir, "host-key.json"));
  if (!hostKey.ok) throw new Error(hostKey.error);
  const state = { now: START_TIME };
  const listening = { url: "" };
  const app = buildServer(store, { clock: () => state.now, rateLimits: UNLIMITED, hostKey: hostKey.value, publicUrl: () => listening.url });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  listening.url = url;
  const transports: ApiTransport[] = [];
  const transport = (): ApiTransport => {
    const made = httpTransport(url);
    transports.push(made);
    return made;
  };
  const api: TestApi = Object.assign(state, {
    url: url,
    dir: dir,
    dbPath: database.location,
    database: database,
    store: store,
    app: app,
    client: (credential: ApiCredential, clock?: () => number) => new ApiClient(transport(), credential, clock ?? (() => state.now)),
    anonymous: new ApiClient(transport(), { kind: "none" }),
    transport: transport,
    raw: async (path: string, init: RequestInit) => toRawAnswer(await fetch(url + path, init)),
    snapshot: () => database.dump(BOOKKEEPING_TABLES),
    close: async () => {
      for (const made of transports) await made.close();
      await app.close();
      await store.close();
      await database.discard();
      rmSync(dir, { recursive: true, force: true });
    },
  });
  return api;
}

/** The `{ error: { code, message } }` body of a refused request. */
export function errorOf(response: { status: number; body: unknown }): { code: string; message: string; field?: string } {
  const body = response.body;
  if (typeof body === "object" && body !== null && "error" in body) {
    const error = body.error;
    if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
      return error as { code: string; message: string; field?: string };
    }
  }
  throw new Error(`not an error body: ${response.status} ${JSON.stringify(response.body)}`);
}

/**
 * Sends a request that must be refused with `status` and `code`, and proves the database is
 * row for row what it was before (the nonce bookkeeping aside, and the tables in `mayWrite`: a
 * refusal that raises an alert writes it and its audit entry). Returns the error body.
 */
export async function expectRefused(
  api: TestApi,
  request: () => Promise<{ status: number; body: unknown }>,
  status: number,
  code: string,
  mayWrite: readonly string[] = [],
): Promise<{ code: string; message: string; field?: string }> {
  const snapshot = () => (mayWrite.length === 0 ? api.snapshot() : api.database.dump(new Set([...BOOKKEEPING_TABLES, ...mayWrite])));
  const before = await snapshot();
  const response = await request();
  const text = typeof response.body === "string" ? response.body : JSON.stringify(response.body);
  if (response.status !== status) throw new Error(`expected ${status} ${code}, got ${response.status}: ${text}`);
  const error = errorOf(response);
  if (error.code !== code) throw new Error(`expected code ${code}, got ${error.code}: ${error.message}`);
  if (/\bat .+:\d+:\d+/.test(text)) throw new Error("a stack trace leaked into the response: " + text);
  if ((await snapshot()) !== before) throw new Error(`the refused request changed the database: ${text}`);
  return error;
}

/** The body of a response that must have `status`; throws with the answer otherwise. */
export function expectStatus<T = Record<string, unknown>>(response: ApiResponse, status: number): T {
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as T;
}

export async function call<T = Record<string, unknown>>(client: ApiClient, method: ApiMethod, path: string, body: object | undefined, status: number): Promise<T> {
  return expectStatus<T>(await client.request(method, path, body), status);
}

/** A person with an API token. */
export interface Person {
  token: string;
  credentialId: string;
  client: ApiClient;
}

/** A station with its own Ed25519 key, enrolled with a one-time code. */
export interface Station {
  /** The credential id it signs with (keyid). */
  keyId: string;
  privateKey: KeyObject;
  publicKey: Uint8Array;
  client: ApiClient;
}

/** Issues a token through POST /v1/tokens as `issuer`. */
export async function issueToken(api: TestApi, issuer: ApiClient, body: { role: string; merchantId?: string; label: string; ttlDays?: number }): Promise<Person> {
  const issued = await call<{ token: string; credential: { id: string } }>(issuer, "POST", "/v1/tokens", body, 201);
  return { token: issued.token, credentialId: issued.credential.id, client: api.client({ kind: "token", token: issued.token }) };
}

/** The keyid an enrolment is signed with: the first 8 bytes of the key it enrols, in hex. */
export function enrolmentKeyId(publicKey: Uint8Array): string {
  return toHex(publicKey).slice(0, 16);
}

/**
 * Enrols a new station key as `stamp station enrol` does: `issuer` asks for a one-time code
 * (POST /v1/enrolment-codes), the station enrols its own public key with it (POST
 * /v1/enrolments), signing the enrolment with that very key.
 */
export async function enrolStation(
  api: TestApi,
  issuer: ApiClient,
  target: { role: "counter-station"; verifierId: string } | { role: "flashing-station"; merchantId: string },
  label: string = target.role,
): Promise<Station> {
  const { code } = await call<{ code: string }>(issuer, "POST", "/v1/enrolment-codes", target, 201);
  const privateKey = generateKeyPairSync("ed25519").privateKey;
  const publicKey = rawPublicKey(privateKey);
  const enrolling = api.client({ kind: "station", keyId: enrolmentKeyId(publicKey), privateKey: privateKey });
  const enrolled = await call<{ id: string; role: string }>(enrolling, "POST", "/v1/enrolments", { code: code, publicKey: toHex(publicKey), label: label }, 201);
  if (enrolled.role !== target.role) throw new Error(`enrolled as ${enrolled.role}, not ${target.role}`);
  return { keyId: enrolled.id, privateKey: privateKey, publicKey: publicKey, client: api.client({ kind: "station", keyId: enrolled.id, privateKey: privateKey }) };
}

export const GANGNAM_VERIFIER = "1000000000000001";
export const HONGDAE_VERIFIER = "2000000000000002";
/** A second verifier at gangnam that does not need the button. */
export const GANGNAM_NO_BUTTON = "1000000000000003";
/** Tea House's only verifier, at its shop "tea-main". */
export const TEA_VERIFIER = "3000000000000003";

export interface MerchantWorld {
  merchantId: string;
  owner: Person;
  flasher: Station;
}

export interface Seeded {
  operator: Person;
  beanBros: MerchantWorld & {
    manager: Person;
    auditor: Person;
    /** Counter stations, one per verifier. */
    gangnamStation: Station;
    hongdaeStation: Station;
    kioskStation: Station;
  };
  /** A second merchant: its people and stations must never reach bean-bros' objects. */
  teaHouse: MerchantWorld & { station: Station; shopId: string };
}

/**
 * Two merchants through the API itself. bean-bros: shops gangnam and hongdae, verifiers
 * GANGNAM_VERIFIER (button required), HONGDAE_VERIFIER and GANGNAM_NO_BUTTON, owner, manager and
 * auditor tokens, a counter station per verifier and a flashing station. tea-house: shop
 * tea-main, TEA_VERIFIER, owner, a counter station and a flashing station. TEST_FIRMWARE_HASH
 * is approved.
 */
export async function seed(api: TestApi): Promise<Seeded> {
  const bootstrapped = await bootstrapOperator(api.store, "operator", api.now);
  if (!bootstrapped.ok) throw new Error(bootstrapped.error.message);
  const operator: Person = { token: bootstrapped.value.token, credentialId: bootstrapped.value.credential.id, client: api.client({ kind: "token", token: bootstrapped.value.token }) };
  const op = operator.client;
  await call(op, "POST", "/v1/merchants", { id: "bean-bros", name: "Bean Bros" }, 201);
  await call(op, "POST", "/v1/merchants", { id: "tea-house", name: "Tea House" }, 201);
  await call(op, "POST", "/v1/firmware", { hash: TEST_FIRMWARE_HASH, label: "stamp firmware 1.0" }, 201);

  const owner = await issueToken(api, op, { role: "owner", merchantId: "bean-bros", label: "bean owner" });
  const o = owner.client;
  await call(o, "POST", "/v1/shops", { id: "gangnam", merchantId: "bean-bros", name: "Bean Bros Gangnam" }, 201);
  await call(o, "POST", "/v1/shops", { id: "hongdae", merchantId: "bean-bros", name: "Bean Bros Hongdae" }, 201);
  await call(o, "POST", "/v1/verifiers", { shopId: "gangnam", label: "front counter", id: GANGNAM_VERIFIER }, 201);
  await call(o, "POST", "/v1/verifiers", { shopId: "hongdae", label: "front counter", id: HONGDAE_VERIFIER }, 201);
  await call(o, "POST", "/v1/verifiers", { shopId: "gangnam", label: "kiosk", id: GANGNAM_NO_BUTTON, requirePresence: false }, 201);
  const manager = await issueToken(api, o, { role: "manager", merchantId: "bean-bros", label: "bean manager" });
  const auditor = await issueToken(api, o, { role: "auditor", merchantId: "bean-bros", label: "bean auditor" });

  const teaOwner = await issueToken(api, op, { role: "owner", merchantId: "tea-house", label: "tea owner" });
  await call(teaOwner.client, "POST", "/v1/shops", { id: "tea-main", merchantId: "tea-house", name: "Tea House Main" }, 201);
  await call(teaOwner.client, "POST", "/v1/verifiers", { shopId: "tea-main", label: "counter", id: TEA_VERIFIER }, 201);

  return {
    operator: operator,
    beanBros: {
      merchantId: "bean-bros",
      owner: owner,
      manager: manager,
      auditor: auditor,
      gangnamStation: await enrolStation(api, o, { role: "counter-station", verifierId: GANGNAM_VERIFIER }, "gangnam counter"),
      hongdaeStation: await enrolStation(api, o, { role: "counter-station", verifierId: HONGDAE_VERIFIER }, "hongdae counter"),
      kioskStation: await enrolStation(api, o, { role: "counter-station", verifierId: GANGNAM_NO_BUTTON }, "gangnam kiosk"),
      flasher: await enrolStation(api, o, { role: "flashing-station", merchantId: "bean-bros" }, "bean flasher"),
    },
    teaHouse: {
      merchantId: "tea-house",
      shopId: "tea-main",
      owner: teaOwner,
      station: await enrolStation(api, teaOwner.client, { role: "counter-station", verifierId: TEA_VERIFIER }, "tea counter"),
      flasher: await enrolStation(api, teaOwner.client, { role: "flashing-station", merchantId: "tea-house" }, "tea flasher"),
    },
  };
}

/** The body of POST /v1/stamps for `stamp`, proved over `challenge` (a provisioning challenge). */
export function stampBody(stamp: TestStamp, challenge: string, binding: { label?: string; merchantId?: string; shopIds?: string[]; verifierIds?: string[]; firmwareHash?: string } = {}): Record<string, unknown> {
  return {
    publicKey: stamp.publicKeyHex,
    label: binding.label ?? "stamp-" + stamp.id,
    merchantId: binding.merchantId ?? "bean-bros",
    shopIds: binding.shopIds ?? ["gangnam"],
    ...(binding.verifierIds === undefined ? {} : { verifierIds: binding.verifierIds }),
    proof: stamp.prove(challenge, binding.firmwareHash ?? TEST_FIRMWARE_HASH),
  };
}

/** A fresh provisioning challenge for `flasher`. */
export async function provisioningChallenge(flasher: Station): Promise<string> {
  return (await call<{ challenge: string }>(flasher.client, "POST", "/v1/provisioning-challenges", undefined, 201)).challenge;
}

/** Registers `stamp` as the flashing station does: a fresh host challenge, the stamp's proof, POST /v1/stamps. */
export async function registerStamp(flasher: Station, stamp: TestStamp, binding: Parameters<typeof stampBody>[2] = {}): Promise<Record<string, unknown>> {
  return call(flasher.client, "POST", "/v1/stamps", stampBody(stamp, await provisioningChallenge(flasher), binding), 201);
}

/** A challenge for the station's own verifier: its hex bytes and what the API said about it. */
export async function challengeFor(station: Station): Promise<{ challenge: string; nonce: string; verifierId: string; purpose: string; quantity: number; expiresAt: string }> {
  return call(station.client, "POST", "/v1/challenges", undefined, 201);
}
