/**
 * Walks the route × role table of docs/security.md against the running server: for every route
 * and every role, a well-formed request as that role (valid bodies, fresh ids, objects of the
 * caller's own merchant). "refused" must be 401 (anonymous) or 403, and write nothing;
 * "allowed" must get the route's success status. The table must cover every registered route,
 * and merchant-scoped routes must answer another merchant's object with 404.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { toBase64Url } from "../../shared/base64url";
import { encodePhoneToken } from "../../shared/phone-url";
import { newHolder } from "../../host/core/phone/cards";
import { openPhoneTap } from "../../host/core/phone/phone-tap";
import { signPhoneToken } from "../support/phone-token";
import { ApiClient, ApiCredential, ApiResponse, credentialHeaders } from "../../host/client/api-client";
import { ApiMethod } from "../../host/client/transports";
import { PERMISSIONS } from "../../host/core/access/permissions";
import { ROUTE_ACTIONS } from "../../host/http/route-permissions";
import {
  call,
  challengeFor,
  enrolmentKeyId,
  expectRefused,
  GANGNAM_VERIFIER,
  issueToken,
  NET_TIMEOUT,
  provisioningChallenge,
  registerStamp,
  seed,
  Seeded,
  stampBody,
  startApi,
  TEA_VERIFIER,
  TestApi,
} from "./api-harness";
import { newTestStamp, rawPublicKey, signTapHex, TestStamp } from "./signed-tap";

const ROLES = ["anonymous", "operator", "owner", "manager", "auditor", "counter-station", "flashing-station"] as const;
type Role = (typeof ROLES)[number];
type Cell = "allowed" | "refused";

const MARKER = "<!-- checked: route-roles -->";

interface Row {
  route: string;
  cells: Record<Role, Cell>;
}

function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((cell) => cell.trim());
}

/** The one table right after the marker: a header naming the roles, a separator, a row per route. */
function parseTable(markdown: string): Row[] {
  const start = markdown.indexOf(MARKER);
  if (start < 0) throw new Error(`docs/security.md has no ${MARKER}`);
  const lines = markdown.slice(start + MARKER.length).split("\n").map((line) => line.trim());
  while (lines.length > 0 && lines[0] === "") lines.shift();
  const table: string[] = [];
  for (const line of lines) {
    if (!line.startsWith("|")) break;
    table.push(line);
  }
  const [header, separator, ...rows] = table;
  if (header === undefined || separator === undefined || !/^\|[\s|:-]+\|$/.test(separator)) throw new Error("the route-roles table has no header and separator");
  const columns = cellsOf(header).slice(1);
  expect(columns, "the table's columns are the roles, in this order").toEqual([...ROLES]);
  return rows.map((line) => {
    const [first, ...cells] = cellsOf(line);
    const route = first.replace(/`/g, "").trim();
    if (!/^(GET|POST|PATCH|PUT|DELETE) \/\S*$/.test(route)) throw new Error(`not a route: "${first}"`);
    if (cells.length !== ROLES.length) throw new Error(`row ${route} has ${cells.length} cells, not ${ROLES.length}`);
    const record = {} as Record<Role, Cell>;
    ROLES.forEach((role, i) => {
      if (cells[i] !== "allowed" && cells[i] !== "refused") throw new Error(`row ${route}, ${role}: "${cells[i]}" is neither allowed nor refused`);
      record[role] = cells[i] as Cell;
    });
    return { route: route, cells: record };
  });
}

const SECURITY_MD = readFileSync(join(__dirname, "../../docs/security.md"), "utf8");
const TABLE = parseTable(SECURITY_MD);

const PAGES_MARKER = "<!-- checked: phone-pages -->";
const DASHBOARD_PAGES_MARKER = "<!-- checked: dashboard-pages -->";

/** The routes of a pages' table (docs/security.md: the phone pages', the dashboard's): its first column. */
function parsePageRoutes(markdown: string, marker: string): string[] {
  const start = markdown.indexOf(marker);
  if (start < 0) throw new Error(`docs/security.md has no ${marker}`);
  const lines = markdown.slice(start + marker.length).trim().split("\n");
  const tableEnd = lines.findIndex((line) => !line.trim().startsWith("|"));
  const rows = lines.slice(2, tableEnd < 0 ? lines.length : tableEnd);
  return rows.map((line) => {
    const route = cellsOf(line)[0].replace(/`/g, "").trim();
    if (!/^(GET|POST) \/\S*$/.test(route)) throw new Error(`not a route: "${route}"`);
    return route;
  });
}

const PAGE_ROUTES = [...parsePageRoutes(SECURITY_MD, PAGES_MARKER), ...parsePageRoutes(SECURITY_MD, DASHBOARD_PAGES_MARKER)];

/**
 * Every route the app registered, from Fastify's own route tree (printRoutes): each line adds its
 * text to its parent's path. HEAD routes are Fastify's automatic twins of GET.
 */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of tree.split("\n")) {
    const match = /^((?:│   |    )*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?$/.exec(line.replace(/\s+$/, ""));
    if (match === null) continue;
    const depth = match[1].length / 4;
    while (stack.length > 0 && stack[stack.length - 1].depth >= depth) stack.pop();
    const path = (stack.length > 0 ? stack[stack.length - 1].path : "") + match[2];
    stack.push({ depth: depth, path: path });
    for (const method of (match[3] ?? "").split(",").map((m) => m.trim())) {
      if (method !== "" && method !== "HEAD") routes.push(`${method} ${path}`);
    }
  }
  return routes;
}

interface Request {
  method: ApiMethod;
  path: string;
  body?: object;
}

interface RouteSpec {
  /** The success status of an allowed call. */
  success: number;
  /** A well-formed request as `role`, on objects of bean-bros (the caller's merchant). */
  request(role: Role): Promise<Request>;
  /** The same request on tea-house's object: an allowed caller of bean-bros gets 404. */
  foreign?(role: Role): Promise<Request>;
  /** Lists: every item must belong to the caller's merchant. */
  scopedList?: boolean;
  /** Public routes that authenticate themselves: sends the request itself. */
  send?(role: Role): Promise<ApiResponse>;
}

let api: TestApi;
let world: Seeded;
let teaStamp: TestStamp;
let teaStampId: string;
/** A tea-house credential (its owner's token) for the scoping of credential revocation. */
let teaCredentialId: string;
/** A worker of each merchant, for the invitation routes. */
let beanWorkerId: string;
let teaWorkerId: string;
let beanPersonId: string;
let teaPersonId: string;
/** A customer's card at each merchant (a phone tap there), for the coupon routes. */
let beanCardId: string;
let teaCardId: string;

/** A card holder made by a press of the stamp read by a phone (the core's own path for GET /t/<token>). */
async function customerCard(stamp: TestStamp, counter: number): Promise<string> {
  const { holderId } = await newHolder(api.store, api.now);
  const token = toBase64Url(encodePhoneToken(signPhoneToken(stamp.privateKey, stamp.stampId, api.url, counter)));
  const opened = await openPhoneTap(api.store, { baseUrl: api.url, tokenText: token, holderId: holderId, now: api.now });
  if (!opened.verdict.accepted) throw new Error(`customer card: ${opened.verdict.reason}`);
  return holderId;
}

function clientOf(role: Exclude<Role, "anonymous">): ApiClient {
  switch (role) {
    case "operator":
      return world.operator.client;
    case "owner":
      return world.beanBros.owner.client;
    case "manager":
      return world.beanBros.manager.client;
    case "auditor":
      return world.beanBros.auditor.client;
    case "counter-station":
      return world.beanBros.gangnamStation.client;
    case "flashing-station":
      return world.beanBros.flasher.client;
  }
}

function clientFor(role: Role): ApiClient {
  return role === "anonymous" ? api.anonymous : clientOf(role);
}

let serial = 0;
function fresh(prefix: string): string {
  serial += 1;
  return `${prefix}-${serial}`;
}

/** A bean-bros stamp, active, registered by its flashing station. */
async function activeStamp(): Promise<TestStamp> {
  const stamp = newTestStamp();
  await registerStamp(world.beanBros.flasher, stamp, { shopIds: ["gangnam"] });
  return stamp;
}

/** A bean-bros stamp quarantined by a proven clone (one counter signed over two challenges). */
async function quarantinedStamp(): Promise<TestStamp> {
  const stamp = await activeStamp();
  const station = world.beanBros.gangnamStation;
  for (const expected of ["ACCEPTED", "COUNTER_FORK"]) {
    const { challenge } = await challengeFor(station);
    const verdict = await call<{ reason: string }>(station.client, "POST", "/v1/taps", { response: signTapHex(stamp, challenge, 1) }, 200);
    if (verdict.reason !== expected) throw new Error(`quarantining: ${verdict.reason}`);
  }
  return stamp;
}

/** Sends an enrolment for a fresh key with a fresh code: signed by that key; a person's token rides along. */
async function enrol(role: Role, verifierId = GANGNAM_VERIFIER): Promise<ApiResponse> {
  const { code } = await call<{ code: string }>(world.beanBros.owner.client, "POST", "/v1/enrolment-codes", { role: "counter-station", verifierId: verifierId }, 201);
  const privateKey = generateKeyPairSync("ed25519").privateKey;
  const publicKey = rawPublicKey(privateKey);
  const transport = api.transport();
  const bytes = new TextEncoder().encode(JSON.stringify({ code: code, publicKey: toHex(publicKey), label: fresh("station") }));
  const signed = credentialHeaders({ kind: "station", keyId: enrolmentKeyId(publicKey), privateKey: privateKey }, { method: "POST", authority: transport.authority, pathAndQuery: "/v1/enrolments", body: bytes }, api.now);
  const token: Record<string, string> = role === "operator" || role === "owner" || role === "manager" || role === "auditor" ? { authorization: `Bearer ${(role === "operator" ? world.operator : world.beanBros[role]).token}` } : {};
  const answer = await transport.request("POST", "/v1/enrolments", { accept: "application/json", "content-type": "application/json", ...signed, ...token }, bytes);
  return { status: answer.status, body: JSON.parse(answer.body) as unknown, headers: answer.headers };
}

/** A tap the gangnam counter judged offline: a challenge it made itself, and the stamp's reply to it. */
function offlineEvent(stamp: TestStamp): { challenge: string; response: string } {
  const challenge = toHex(encodeChallenge({ verifierId: fromHexOrThrow(GANGNAM_VERIFIER), issuedAt: Math.floor(api.now / 1000), nonce: new Uint8Array(randomBytes(16)), purpose: Purpose.STAMP, quantity: 1 }));
  return { challenge: challenge, response: signTapHex(stamp, challenge, 1) };
}

function fromHexOrThrow(hex: string): Uint8Array {
  const decoded = fromHex(hex);
  if (!decoded.ok) throw new Error(decoded.error);
  return decoded.value;
}

const SPECS: Record<string, RouteSpec> = {
  "GET /healthz": { success: 200, request: async () => ({ method: "GET", path: "/healthz" }) },
  "POST /v1/merchants": { success: 201, request: async () => ({ method: "POST", path: "/v1/merchants", body: { id: fresh("merchant"), name: "New Merchant" } }) },
  "GET /v1/merchants": { success: 200, scopedList: true, request: async () => ({ method: "GET", path: "/v1/merchants" }) },
  "POST /v1/shops": {
    success: 201,
    request: async () => ({ method: "POST", path: "/v1/shops", body: { id: fresh("shop"), merchantId: "bean-bros", name: "New Shop" } }),
    foreign: async () => ({ method: "POST", path: "/v1/shops", body: { id: fresh("shop"), merchantId: "tea-house", name: "New Shop" } }),
  },
  "GET /v1/shops": { success: 200, scopedList: true, request: async () => ({ method: "GET", path: "/v1/shops" }) },
  "PUT /v1/shops/:id/location": {
    success: 200,
    request: async () => ({ method: "PUT", path: "/v1/shops/gangnam/location", body: { latitude: 37.4979, longitude: 127.0276 } }),
    foreign: async () => ({ method: "PUT", path: "/v1/shops/tea-main/location", body: { latitude: 37.4979, longitude: 127.0276 } }),
  },
  "DELETE /v1/shops/:id/location": {
    success: 200,
    request: async () => ({ method: "DELETE", path: "/v1/shops/gangnam/location" }),
    foreign: async () => ({ method: "DELETE", path: "/v1/shops/tea-main/location" }),
  },
  "POST /v1/verifiers": {
    success: 201,
    request: async () => ({ method: "POST", path: "/v1/verifiers", body: { shopId: "gangnam", label: "new counter" } }),
    foreign: async () => ({ method: "POST", path: "/v1/verifiers", body: { shopId: "tea-main", label: "new counter" } }),
  },
  "GET /v1/verifiers": { success: 200, request: async () => ({ method: "GET", path: "/v1/verifiers" }) },
  "PATCH /v1/verifiers/:id": {
    success: 200,
    request: async () => ({ method: "PATCH", path: `/v1/verifiers/${GANGNAM_VERIFIER}`, body: { label: fresh("counter") } }),
    foreign: async () => ({ method: "PATCH", path: `/v1/verifiers/${TEA_VERIFIER}`, body: { label: fresh("counter") } }),
  },
  "POST /v1/challenges": { success: 201, request: async () => ({ method: "POST", path: "/v1/challenges" }) },
  "POST /v1/taps": {
    success: 200,
    request: async () => {
      const stamp = await activeStamp();
      const { challenge } = await challengeFor(world.beanBros.gangnamStation);
      return { method: "POST", path: "/v1/taps", body: { response: signTapHex(stamp, challenge, 1) } };
    },
  },
  "GET /v1/stations/registry": { success: 200, request: async () => ({ method: "GET", path: "/v1/stations/registry" }) },
  "POST /v1/stations/offline-taps": {
    success: 200,
    request: async () => ({ method: "POST", path: "/v1/stations/offline-taps", body: { events: [offlineEvent(await activeStamp())] } }),
  },
  "POST /v1/provisioning-challenges": { success: 201, request: async () => ({ method: "POST", path: "/v1/provisioning-challenges" }) },
  "POST /v1/stamps": {
    success: 201,
    request: async () => ({ method: "POST", path: "/v1/stamps", body: stampBody(newTestStamp(), await provisioningChallenge(world.beanBros.flasher)) }),
    foreign: async () => ({ method: "POST", path: "/v1/stamps", body: stampBody(newTestStamp(), await provisioningChallenge(world.beanBros.flasher), { merchantId: "tea-house", shopIds: ["tea-main"] }) }),
  },
  "GET /v1/stamps": { success: 200, scopedList: true, request: async () => ({ method: "GET", path: "/v1/stamps" }) },
  "GET /v1/stamps/:id": {
    success: 200,
    request: async () => ({ method: "GET", path: `/v1/stamps/${(await activeStamp()).id}` }),
    foreign: async () => ({ method: "GET", path: `/v1/stamps/${teaStampId}` }),
  },
  "POST /v1/stamps/:id/revoke": {
    success: 200,
    request: async () => ({ method: "POST", path: `/v1/stamps/${(await activeStamp()).id}/revoke` }),
    foreign: async () => ({ method: "POST", path: `/v1/stamps/${teaStampId}/revoke` }),
  },
  "POST /v1/stamps/:id/reinstate": {
    success: 200,
    request: async () => ({ method: "POST", path: `/v1/stamps/${(await quarantinedStamp()).id}/reinstate`, body: { reason: "the clone was found" } }),
    foreign: async () => ({ method: "POST", path: `/v1/stamps/${teaStampId}/reinstate`, body: { reason: "the clone was found" } }),
  },
  "GET /v1/events": { success: 200, scopedList: true, request: async () => ({ method: "GET", path: "/v1/events" }) },
  "GET /v1/alerts": { success: 200, scopedList: true, request: async () => ({ method: "GET", path: "/v1/alerts" }) },
  "GET /v1/audit": { success: 200, request: async () => ({ method: "GET", path: "/v1/audit" }) },
  "POST /v1/tokens": {
    success: 201,
    request: async (role) => ({ method: "POST", path: "/v1/tokens", body: { role: role === "operator" ? "owner" : "auditor", merchantId: "bean-bros", label: fresh("token") } }),
    foreign: async (role) => ({ method: "POST", path: "/v1/tokens", body: { role: role === "operator" ? "owner" : "auditor", merchantId: "tea-house", label: fresh("token") } }),
  },
  "GET /v1/credentials": { success: 200, scopedList: true, request: async () => ({ method: "GET", path: "/v1/credentials" }) },
  "POST /v1/credentials/:id/revoke": {
    success: 200,
    request: async () => {
      const target = await issueToken(api, world.beanBros.owner.client, { role: "auditor", merchantId: "bean-bros", label: fresh("to revoke") });
      return { method: "POST", path: `/v1/credentials/${target.credentialId}/revoke` };
    },
    foreign: async () => ({ method: "POST", path: `/v1/credentials/${teaCredentialId}/revoke` }),
  },
  "POST /v1/enrolment-codes": {
    success: 201,
    request: async () => ({ method: "POST", path: "/v1/enrolment-codes", body: { role: "counter-station", verifierId: GANGNAM_VERIFIER } }),
    foreign: async () => ({ method: "POST", path: "/v1/enrolment-codes", body: { role: "counter-station", verifierId: TEA_VERIFIER } }),
  },
  "POST /v1/enrolments": { success: 201, request: async () => ({ method: "POST", path: "/v1/enrolments" }), send: (role) => enrol(role) },
  "POST /v1/firmware": { success: 201, request: async () => ({ method: "POST", path: "/v1/firmware", body: { hash: toHex(randomBytes(32)), label: fresh("firmware") } }) },
  "GET /v1/firmware": { success: 200, request: async () => ({ method: "GET", path: "/v1/firmware" }) },
  "POST /v1/ledger/check": { success: 200, request: async () => ({ method: "POST", path: "/v1/ledger/check" }) },
  "POST /v1/ledger/checkpoints": { success: 201, request: async () => ({ method: "POST", path: "/v1/ledger/checkpoints" }) },
  "GET /v1/ledger/checkpoints": { success: 200, request: async () => ({ method: "GET", path: "/v1/ledger/checkpoints" }) },
  "GET /v1/openapi.json": { success: 200, request: async () => ({ method: "GET", path: "/v1/openapi.json" }) },
  "POST /v1/merchants/:id/workers": {
    success: 201,
    request: async () => ({ method: "POST", path: "/v1/merchants/bean-bros/workers", body: { name: fresh("worker") } }),
    foreign: async () => ({ method: "POST", path: "/v1/merchants/tea-house/workers", body: { name: fresh("worker") } }),
  },
  "GET /v1/merchants/:id/workers": {
    success: 200,
    scopedList: true,
    request: async () => ({ method: "GET", path: "/v1/merchants/bean-bros/workers" }),
    foreign: async () => ({ method: "GET", path: "/v1/merchants/tea-house/workers" }),
  },
  "POST /v1/workers/:id/invitations": {
    success: 201,
    request: async () => ({ method: "POST", path: `/v1/workers/${beanWorkerId}/invitations` }),
    foreign: async () => ({ method: "POST", path: `/v1/workers/${teaWorkerId}/invitations` }),
  },
  "POST /v1/merchants/:id/dashboard-invitations": {
    success: 201,
    request: async () => ({ method: "POST", path: "/v1/merchants/bean-bros/dashboard-invitations", body: { role: "auditor", name: fresh("person") } }),
    foreign: async () => ({ method: "POST", path: "/v1/merchants/tea-house/dashboard-invitations", body: { role: "auditor", name: fresh("person") } }),
  },
  "POST /v1/dashboard-people/:id/recovery-links": {
    success: 201,
    request: async () => ({ method: "POST", path: `/v1/dashboard-people/${beanPersonId}/recovery-links` }),
    foreign: async () => ({ method: "POST", path: `/v1/dashboard-people/${teaPersonId}/recovery-links` }),
  },
  "PUT /v1/merchants/:id/loyalty": {
    success: 200,
    request: async () => ({ method: "PUT", path: "/v1/merchants/bean-bros/loyalty", body: { stampsPerReward: 10, stampsPerPress: 1, rewardLabel: fresh("a free coffee") } }),
    foreign: async () => ({ method: "PUT", path: "/v1/merchants/tea-house/loyalty", body: { stampsPerReward: 10, stampsPerPress: 1, rewardLabel: fresh("a free tea") } }),
  },
  "GET /v1/merchants/:id/loyalty": {
    success: 200,
    request: async () => ({ method: "GET", path: "/v1/merchants/bean-bros/loyalty" }),
    foreign: async () => ({ method: "GET", path: "/v1/merchants/tea-house/loyalty" }),
  },
  "POST /v1/merchants/:id/coupons": {
    success: 201,
    request: async () => ({ method: "POST", path: "/v1/merchants/bean-bros/coupons", body: { cardIds: [beanCardId], label: fresh("a cake") } }),
    foreign: async () => ({ method: "POST", path: "/v1/merchants/tea-house/coupons", body: { cardIds: [teaCardId], label: fresh("a tea") } }),
  },
  "GET /v1/merchants/:id/vouchers": {
    success: 200,
    scopedList: true,
    request: async () => ({ method: "GET", path: "/v1/merchants/bean-bros/vouchers" }),
    foreign: async () => ({ method: "GET", path: "/v1/merchants/tea-house/vouchers" }),
  },
  "GET /v1/merchants/:id/analytics/daily": {
    success: 200,
    request: async () => ({ method: "GET", path: "/v1/merchants/bean-bros/analytics/daily" }),
    foreign: async () => ({ method: "GET", path: "/v1/merchants/tea-house/analytics/daily" }),
  },
  "GET /v1/merchants/:id/analytics/frequency": {
    success: 200,
    request: async () => ({ method: "GET", path: "/v1/merchants/bean-bros/analytics/frequency" }),
    foreign: async () => ({ method: "GET", path: "/v1/merchants/tea-house/analytics/frequency" }),
  },
  "GET /v1/merchants/:id/analytics/come-back": {
    success: 200,
    request: async () => ({ method: "GET", path: "/v1/merchants/bean-bros/analytics/come-back" }),
    foreign: async () => ({ method: "GET", path: "/v1/merchants/tea-house/analytics/come-back" }),
  },
  "GET /v1/merchants/:id/analytics/attendance": {
    success: 200,
    request: async () => ({ method: "GET", path: "/v1/merchants/bean-bros/analytics/attendance" }),
    foreign: async () => ({ method: "GET", path: "/v1/merchants/tea-house/analytics/attendance" }),
  },
};

beforeAll(async () => {
  api = await startApi();
  world = await seed(api);
  teaStamp = newTestStamp();
  teaStampId = teaStamp.id;
  await registerStamp(world.teaHouse.flasher, teaStamp, { merchantId: "tea-house", shopIds: ["tea-main"] });
  teaCredentialId = (await issueToken(api, world.teaHouse.owner.client, { role: "auditor", merchantId: "tea-house", label: "tea auditor" })).credentialId;
  beanWorkerId = (await call<{ id: string }>(world.beanBros.owner.client, "POST", "/v1/merchants/bean-bros/workers", { name: "Bean Barista" }, 201)).id;
  teaWorkerId = (await call<{ id: string }>(world.teaHouse.owner.client, "POST", "/v1/merchants/tea-house/workers", { name: "Tea Barista" }, 201)).id;
  beanPersonId = (await call<{ personId: string }>(world.beanBros.owner.client, "POST", "/v1/merchants/bean-bros/dashboard-invitations", { role: "manager", name: "Bean Manager" }, 201)).personId;
  teaPersonId = (await call<{ personId: string }>(world.teaHouse.owner.client, "POST", "/v1/merchants/tea-house/dashboard-invitations", { role: "manager", name: "Tea Manager" }, 201)).personId;
  // Something in every list: a tea-house tap, event and alert that bean-bros must never see.
  const { challenge } = await challengeFor(world.teaHouse.station);
  await call(world.teaHouse.station.client, "POST", "/v1/taps", { response: signTapHex(teaStamp, challenge, 5) }, 200);
  const late = await challengeFor(world.teaHouse.station);
  await call(world.teaHouse.station.client, "POST", "/v1/taps", { response: signTapHex(teaStamp, late.challenge, 4) }, 200);
  beanCardId = await customerCard(await activeStamp(), 1);
  teaCardId = await customerCard(teaStamp, 6);
  // A tea-house coupon that bean-bros' lists must never show.
  await call(world.teaHouse.owner.client, "POST", "/v1/merchants/tea-house/coupons", { cardIds: [teaCardId], label: "a tea" }, 201);
}, NET_TIMEOUT);
afterAll(async () => {
  await api.close();
});

describe("docs/security.md: the route × role table", () => {
  it("has a row for every registered route, and no row for a route that does not exist", async () => {
    await api.app.ready();
    const registered = registeredRoutes(api.app.printRoutes({ commonPrefix: false }));
    expect(registered.length).toBeGreaterThan(20);
    for (const route of registered) {
      const [method, url] = route.split(" ");
      expect(api.app.hasRoute({ method: method as ApiMethod, url: url }), `${route} parsed from printRoutes is registered`).toBe(true);
    }
    const documented = [...TABLE.map((row) => row.route), ...PAGE_ROUTES];
    expect(new Set(documented).size, "each route has one row").toBe(documented.length);
    expect([...registered].sort(), "the two tables' routes are the registered routes").toEqual([...documented].sort());
    expect(PAGE_ROUTES.filter((route) => route.split(" ")[1].startsWith("/v1")), "no API route among the pages").toEqual([]);
  });

  it("HEAD, Fastify's twin of every GET, needs a credential just the same", async () => {
    for (const row of TABLE.filter((r) => r.route.startsWith("GET ") && r.cells.anonymous === "refused")) {
      const path = row.route.slice(4).replace(":id", "0123456789abcdef");
      const answer = await api.raw(path, { method: "HEAD" });
      expect(answer.status, `HEAD ${path}`).toBe(401);
    }
  });

  it("gives every route needing a credential the action whose roles are the table's (host/http/route-permissions.ts)", () => {
    for (const row of TABLE.filter((r) => r.cells.anonymous === "refused")) {
      const action = ROUTE_ACTIONS[row.route];
      if (action === undefined) throw new Error(`${row.route} has no action in ROUTE_ACTIONS`);
      const allowed = ROLES.filter((role) => role !== "anonymous" && row.cells[role] === "allowed");
      expect([...PERMISSIONS[action]].sort(), `${row.route}: ${action}`).toEqual([...allowed].sort());
    }
    expect(Object.keys(ROUTE_ACTIONS).sort(), "no action for a route the table does not list").toEqual(TABLE.filter((r) => r.cells.anonymous === "refused").map((r) => r.route).sort());
  });

  it("knows how to call every route of the table", () => {
    expect(TABLE.map((row) => row.route).filter((route) => SPECS[route] === undefined)).toEqual([]);
  });
});

async function send(spec: RouteSpec, role: Role, request: Request): Promise<ApiResponse> {
  return spec.send !== undefined ? spec.send(role) : clientFor(role).request(request.method, request.path, request.body);
}

/** Merchant ids on a list's items (merchants by their own id). */
function merchantsIn(route: string, body: unknown): string[] {
  const items = (body as { items: Record<string, unknown>[] }).items;
  return items.map((item) => String(route === "GET /v1/merchants" ? item.id : item.merchantId));
}

describe.each(TABLE)("$route", ({ route, cells }) => {
  const spec = SPECS[route];
  it.each(ROLES.map((role) => [role, cells[role]] as const))("%s: %s", async (role, cell) => {
    if (spec === undefined) throw new Error(`no request known for ${route}: add one to SPECS`);
    const request = await spec.request(role);
    if (cell === "refused") {
      if (role === "anonymous") await expectRefused(api, () => send(spec, role, request), 401, "UNAUTHENTICATED");
      else await expectRefused(api, () => send(spec, role, request), 403, "FORBIDDEN");
      return;
    }
    const response = await send(spec, role, request);
    expect(response.status, `${route} as ${role}: ${JSON.stringify(response.body)}`).toBe(spec.success);
    if (spec.scopedList === true && role !== "operator" && role !== "anonymous") {
      expect(merchantsIn(route, response.body).filter((merchant) => merchant !== "bean-bros"), `${route} as ${role} lists only bean-bros' objects`).toEqual([]);
    }
    if (spec.foreign !== undefined && role !== "operator" && role !== "anonymous") {
      const foreign = await spec.foreign(role);
      const error = await expectRefused(api, () => clientFor(role).request(foreign.method, foreign.path, foreign.body), 404, "NOT_FOUND");
      expect(error.message).not.toMatch(/another merchant|forbidden|not allowed/i);
    }
  }, NET_TIMEOUT);
});

/** The credential a role's client signs or sends with, for requests built byte by byte. */
function credentialOf(role: Role): ApiCredential {
  switch (role) {
    case "anonymous":
      return { kind: "none" };
    case "operator":
      return { kind: "token", token: world.operator.token };
    case "owner":
    case "manager":
    case "auditor":
      return { kind: "token", token: world.beanBros[role].token };
    case "counter-station":
      return { kind: "station", keyId: world.beanBros.gangnamStation.keyId, privateKey: world.beanBros.gangnamStation.privateKey };
    case "flashing-station":
      return { kind: "station", keyId: world.beanBros.flasher.keyId, privateKey: world.beanBros.flasher.privateKey };
  }
}

/** A request with `text` as its body, exactly (it need not be JSON), under `role`'s credential. */
let textTransport: ReturnType<TestApi["transport"]> | undefined;
async function sendText(role: Role, method: ApiMethod, pathAndQuery: string, text: string | undefined): Promise<ApiResponse> {
  textTransport ??= api.transport();
  const transport = textTransport;
  const bytes = text === undefined ? undefined : new TextEncoder().encode(text);
  const headers = {
    accept: "application/json",
    ...(bytes === undefined ? {} : { "content-type": "application/json" }),
    ...credentialHeaders(credentialOf(role), { method: method, authority: transport.authority, pathAndQuery: pathAndQuery, body: bytes ?? new Uint8Array(0) }, api.now),
  };
  const answer = await transport.request(method, pathAndQuery, headers, bytes);
  return { status: answer.status, body: JSON.parse(answer.body) as unknown, headers: answer.headers };
}

/**
 * Requests no route accepts: for a GET a query parameter none knows (and a malformed limit); for
 * the others a body with a field none knows, a body of the wrong type and text that is not JSON.
 * The path's ids are made up and of no particular shape.
 */
function invalidRequests(route: string): { method: ApiMethod; pathAndQuery: string; text: string | undefined }[] {
  const [method, template] = route.split(" ") as [ApiMethod, string];
  const path = template.replace(":id", "not-an-id!");
  if (method === "GET") return [{ method: method, pathAndQuery: `${path}?not-a-field=1&limit=-7`, text: undefined }];
  return [
    { method: method, pathAndQuery: path, text: JSON.stringify({ "not-a-field": [null] }) },
    { method: method, pathAndQuery: path, text: "[1, 2, 3]" },
    { method: method, pathAndQuery: path, text: "{ not json" },
  ];
}

describe("the credential and the role are checked before the request's shape", () => {
  const guarded = TABLE.filter((row) => row.cells.anonymous === "refused");
  it.each(guarded.map((row) => [row.route, row] as const))(
    "%s: an invalid request is 401 without a credential, 403 for every refused role",
    async (route, row) => {
      // A 400 to someone who may not call the route would tell them what its body looks like.
      for (const request of invalidRequests(route)) {
        const what = `${request.method} ${request.pathAndQuery} ${request.text ?? ""}`;
        const anonymous = await sendText("anonymous", request.method, request.pathAndQuery, request.text);
        expect([anonymous.status, errorCode(anonymous)], `${what} without a credential`).toEqual([401, "UNAUTHENTICATED"]);
        for (const role of ROLES.filter((r) => r !== "anonymous" && row.cells[r] === "refused")) {
          const refused = await sendText(role, request.method, request.pathAndQuery, request.text);
          expect([refused.status, errorCode(refused)], `${what} as ${role}`).toEqual([403, "FORBIDDEN"]);
        }
      }
    },
    NET_TIMEOUT,
  );
});

function errorCode(response: ApiResponse): string | undefined {
  const body = response.body as { error?: { code?: string } };
  return body.error?.code;
}

/** A page route's path with its parameters filled: a well-formed invitation code, a merchant, an asset. */
function pagePath(route: string): string {
  return route
    .split(" ")[1]
    .replace(":code", "A".repeat(43))
    .replace(":merchantId", "bean-bros")
    .replace(":name", "stamp.css")
    .replace(":token", "not-a-token");
}

describe("docs/security.md: the phone pages", () => {
  it("answer a GET the same with or without an API credential: a card holder is not a role", async () => {
    for (const route of PAGE_ROUTES.filter((r) => r.startsWith("GET "))) {
      const path = pagePath(route);
      const anonymous = await api.raw(path, { redirect: "manual" });
      const asOwner = await api.raw(path, { redirect: "manual", headers: { authorization: `Bearer ${world.beanBros.owner.token}` } });
      expect(anonymous.status, `${route} answers without a credential`).not.toBe(401);
      expect([asOwner.status, asOwner.text], `${route} with an owner's token`).toEqual([anonymous.status, anonymous.text]);
    }
  }, NET_TIMEOUT);

  it("refuse a POST that does not show it came from the host's own page, and take one that does", async () => {
    for (const route of PAGE_ROUTES.filter((r) => r.startsWith("POST "))) {
      const path = pagePath(route);
      const init = { method: "POST", headers: { "content-type": "application/json" }, body: "{}" };
      const foreign: Record<string, string>[] = [{}, { origin: "https://evil.example" }, { "sec-fetch-site": "same-site" }, { "sec-fetch-site": "cross-site", origin: api.url }];
      for (const label of foreign) {
        const refused = await expectRefused(api, () => api.raw(path, { ...init, headers: { ...init.headers, ...label } }), 403, "CROSS_SITE_REQUEST");
        expect(refused.message, `${route} ${JSON.stringify(label)}`).toMatch(/own pages/);
      }
      const own: Record<string, string>[] = [{ origin: api.url }, { "sec-fetch-site": "same-origin" }];
      for (const label of own) {
        const answer = await api.raw(path, { ...init, headers: { ...init.headers, ...label } });
        expect(answer.status, `${route} ${JSON.stringify(label)}`).not.toBe(403);
      }
    }
  }, NET_TIMEOUT);
});
