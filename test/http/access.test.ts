import { generateKeyPairSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toHex } from "../../shared/hex";
import {
  call,
  enrolmentKeyId,
  enrolStation,
  expectRefused,
  GANGNAM_VERIFIER,
  issueToken,
  NET_TIMEOUT,
  seed,
  Seeded,
  snapshotDatabase,
  startApi,
  TEA_VERIFIER,
  TestApi,
} from "./api-harness";
import { rawPublicKey } from "./signed-tap";

let api: TestApi;
let world: Seeded;
beforeEach(async () => {
  api = await startApi();
  world = await seed(api);
}, NET_TIMEOUT);
afterEach(async () => {
  await api.close();
});

const DAY_MS = 24 * 3600_000;

describe("API tokens", { timeout: NET_TIMEOUT }, () => {
  it("are shown once and stored only as a hash", async () => {
    const issued = await call<{ token: string; credential: Record<string, unknown> }>(world.beanBros.owner.client, "POST", "/v1/tokens", { role: "manager", merchantId: "bean-bros", label: "evening shift" }, 201);
    expect(issued.token).toMatch(/^stamp_[A-Za-z0-9_-]{43}$/);
    expect(issued.credential).toMatchObject({ role: "manager", merchantId: "bean-bros", label: "evening shift", kind: "token", publicKey: null, revokedAt: null });
    expect(snapshotDatabase(api.dbPath)).not.toContain(issued.token);
    const listed = await call<{ items: Record<string, unknown>[] }>(world.beanBros.owner.client, "GET", "/v1/credentials?limit=1000", undefined, 200);
    expect(JSON.stringify(listed)).not.toContain(issued.token);
    expect(listed.items.every((c) => c.merchantId === "bean-bros")).toBe(true);
    expect(listed.items.map((c) => c.id)).toContain((issued.credential as { id: string }).id);
  });

  it("an owner issues people of their own merchant only, never an operator; a manager issues none", async () => {
    const owner = world.beanBros.owner.client;
    await expectRefused(api, () => owner.request("POST", "/v1/tokens", { role: "operator", label: "me" }), 403, "FORBIDDEN");
    await expectRefused(api, () => owner.request("POST", "/v1/tokens", { role: "owner", merchantId: "tea-house", label: "x" }), 404, "NOT_FOUND");
    await expectRefused(api, () => world.beanBros.manager.client.request("POST", "/v1/tokens", { role: "auditor", merchantId: "bean-bros", label: "x" }), 403, "FORBIDDEN");
    await expectRefused(api, () => world.beanBros.gangnamStation.client.request("POST", "/v1/tokens", { role: "owner", merchantId: "bean-bros", label: "x" }), 403, "FORBIDDEN");
    await expectRefused(api, () => api.anonymous.request("POST", "/v1/tokens", { role: "operator", label: "x" }), 401, "UNAUTHENTICATED");
    await expectRefused(api, () => world.operator.client.request("POST", "/v1/tokens", { role: "manager", merchantId: "bean-bros", label: "x" }), 403, "FORBIDDEN");
  });

  it("an expired token is refused (401) once the clock passes its end", async () => {
    const shortLived = await issueToken(api, world.beanBros.owner.client, { role: "auditor", merchantId: "bean-bros", label: "one day", ttlDays: 1 });
    expect((await shortLived.client.request("GET", "/v1/stamps")).status).toBe(200);
    api.now += DAY_MS - 1;
    expect((await shortLived.client.request("GET", "/v1/stamps")).status).toBe(200);
    api.now += 1;
    const error = await expectRefused(api, () => shortLived.client.request("GET", "/v1/stamps"), 401, "UNAUTHENTICATED");
    expect(error.message).toMatch(/expired/);
    // Other tokens live on.
    expect((await world.beanBros.owner.client.request("GET", "/v1/stamps")).status).toBe(200);
  });

  it("a revoked token is refused (401) at once", async () => {
    const manager = world.beanBros.manager;
    expect((await manager.client.request("GET", "/v1/shops")).status).toBe(200);
    const revoked = await call(world.beanBros.owner.client, "POST", `/v1/credentials/${manager.credentialId}/revoke`, undefined, 200);
    expect(revoked).toMatchObject({ id: manager.credentialId, revokedAt: new Date(api.now).toISOString() });
    const error = await expectRefused(api, () => manager.client.request("GET", "/v1/shops"), 401, "UNAUTHENTICATED");
    expect(error.message).toMatch(/revoked/);
    await expectRefused(api, () => manager.client.request("POST", "/v1/shops", { id: "x", merchantId: "bean-bros", name: "X" }), 401, "UNAUTHENTICATED");
  });

  it("another merchant's owner cannot revoke or see bean-bros' credentials: 404, like a missing one", async () => {
    const tea = world.teaHouse.owner.client;
    const target = world.beanBros.manager.credentialId;
    const foreign = await expectRefused(api, () => tea.request("POST", `/v1/credentials/${target}/revoke`), 404, "NOT_FOUND");
    const missing = await expectRefused(api, () => tea.request("POST", "/v1/credentials/00000000000000ff/revoke"), 404, "NOT_FOUND");
    expect(foreign.message.replace(target, "<id>")).toBe(missing.message.replace("00000000000000ff", "<id>"));
    const listed = await call<{ items: { merchantId: string }[] }>(tea, "GET", "/v1/credentials?limit=1000", undefined, 200);
    expect(listed.items.every((c) => c.merchantId === "tea-house")).toBe(true);
    expect((await world.beanBros.manager.client.request("GET", "/v1/shops")).status).toBe(200);
  });
});

describe("station enrolment", { timeout: NET_TIMEOUT }, () => {
  async function code(target: object): Promise<string> {
    return (await call<{ code: string }>(world.beanBros.owner.client, "POST", "/v1/enrolment-codes", target, 201)).code;
  }

  function newKey() {
    const privateKey = generateKeyPairSync("ed25519").privateKey;
    const publicKey = rawPublicKey(privateKey);
    return { privateKey, publicKey, client: api.client({ kind: "station", keyId: enrolmentKeyId(publicKey), privateKey: privateKey }) };
  }

  it("enrols a key with a one-time code; the code cannot be used twice", async () => {
    const once = await code({ role: "counter-station", verifierId: GANGNAM_VERIFIER });
    expect(once).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const first = newKey();
    const enrolled = await call(first.client, "POST", "/v1/enrolments", { code: once, publicKey: toHex(first.publicKey), label: "counter 2" }, 201);
    expect(enrolled).toMatchObject({ role: "counter-station", merchantId: "bean-bros", verifierId: GANGNAM_VERIFIER, kind: "station-key", publicKey: toHex(first.publicKey) });
    const second = newKey();
    const error = await expectRefused(api, () => second.client.request("POST", "/v1/enrolments", { code: once, publicKey: toHex(second.publicKey), label: "thief" }), 403, "FORBIDDEN");
    expect(error.message).toMatch(/already used/);
  });

  it("refuses an expired code, an unknown code, and an enrolment not signed by the key it enrols", async () => {
    const stale = await code({ role: "flashing-station", merchantId: "bean-bros" });
    const key = newKey();
    const body = { code: stale, publicKey: toHex(key.publicKey), label: "late" };
    await expectRefused(api, () => key.client.request("POST", "/v1/enrolments", { ...body, code: "0000-0000-0000-0000" }), 403, "FORBIDDEN");
    // Signed by someone else's key, under this key's keyid: the signature does not verify.
    const other = generateKeyPairSync("ed25519").privateKey;
    const forged = api.client({ kind: "station", keyId: enrolmentKeyId(key.publicKey), privateKey: other });
    await expectRefused(api, () => forged.request("POST", "/v1/enrolments", body), 401, "UNAUTHENTICATED");
    // Signed by another key under its own keyid: the keyid is not the enrolled key's.
    const otherKey = newKey();
    await expectRefused(api, () => otherKey.client.request("POST", "/v1/enrolments", body), 401, "UNAUTHENTICATED");
    await expectRefused(api, () => api.anonymous.request("POST", "/v1/enrolments", body), 401, "UNAUTHENTICATED");
    api.now += 3600_001;
    try {
      const error = await expectRefused(api, () => key.client.request("POST", "/v1/enrolments", body), 403, "FORBIDDEN");
      expect(error.message).toMatch(/expired/);
    } finally {
      api.now -= 3600_001;
    }
  });

  it("codes are for the caller's own merchant: another merchant's verifier is 404; an auditor or a station gets 403", async () => {
    await expectRefused(api, () => world.beanBros.owner.client.request("POST", "/v1/enrolment-codes", { role: "counter-station", verifierId: TEA_VERIFIER }), 404, "NOT_FOUND");
    await expectRefused(api, () => world.beanBros.owner.client.request("POST", "/v1/enrolment-codes", { role: "flashing-station", merchantId: "tea-house" }), 404, "NOT_FOUND");
    await expectRefused(api, () => world.beanBros.auditor.client.request("POST", "/v1/enrolment-codes", { role: "counter-station", verifierId: GANGNAM_VERIFIER }), 403, "FORBIDDEN");
    await expectRefused(api, () => world.beanBros.flasher.client.request("POST", "/v1/enrolment-codes", { role: "flashing-station", merchantId: "bean-bros" }), 403, "FORBIDDEN");
    await expectRefused(api, () => api.anonymous.request("POST", "/v1/enrolment-codes", { role: "flashing-station", merchantId: "bean-bros" }), 401, "UNAUTHENTICATED");
  });

  it("a flashing station enrolled for tea-house acts for tea-house only", async () => {
    const flasher = await enrolStation(api, world.teaHouse.owner.client, { role: "flashing-station", merchantId: "tea-house" }, "tea flasher 2");
    const shops = await call<{ items: { merchantId: string }[] }>(flasher.client, "GET", "/v1/shops", undefined, 200);
    expect(shops.items.map((s) => s.merchantId)).toEqual(["tea-house"]);
  });
});
