import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  challengeFor,
  errorOf,
  expectRefused,
  GANGNAM_VERIFIER,
  HONGDAE_VERIFIER,
  NET_TIMEOUT,
  provisioningChallenge,
  registerStamp,
  seed,
  Seeded,
  stampBody,
  startApi,
  TEST_FIRMWARE_HASH,
  TestApi,
} from "./api-harness";
import { newTestStamp, signTapHex } from "./signed-tap";

// One API for the file: every test registers stamps with fresh random keys, so none sees another's.
let api: TestApi;
let world: Seeded;
beforeAll(async () => {
  api = await startApi();
  world = await seed(api);
}, NET_TIMEOUT);
afterAll(async () => {
  await api.close();
});

/** A refusal that looks forged raises an alert (host/core/registration-alert.ts): it may write that and its audit entry, nothing else. */
const ALERT_TABLES = ["alerts", "audit"];

/** The canonical encoding of a point of order 4 (a small-order key, R6). */
const SMALL_ORDER_KEY = "0000000000000000000000000000000000000000000000000000000000000080";
/** y = 2 is not on the curve: not a point at all. */
const NOT_A_POINT = "0200000000000000000000000000000000000000000000000000000000000000";
const UNAPPROVED_FIRMWARE = "0e".repeat(32);

function flasher() {
  return world.beanBros.flasher;
}

describe("POST /v1/stamps (a flashing station, with the stamp's proof of possession)", { timeout: NET_TIMEOUT }, () => {
  it("registers a proved stamp and returns it with hex key, status, counter and firmware", async () => {
    const stamp = newTestStamp();
    const response = await flasher().client.request("POST", "/v1/stamps", stampBody(stamp, await provisioningChallenge(flasher()), { label: "gangnam-1", shopIds: ["gangnam", "hongdae"], verifierIds: [GANGNAM_VERIFIER] }));
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: stamp.id,
      publicKey: stamp.publicKeyHex,
      label: "gangnam-1",
      merchantId: "bean-bros",
      shopIds: ["gangnam", "hongdae"],
      verifierIds: [GANGNAM_VERIFIER],
      status: "active",
      lastCounter: 0,
      registeredAt: new Date(api.now).toISOString(),
      firmwareHash: TEST_FIRMWARE_HASH,
    });
    expect((await api.store.getStamp(stamp.id))?.label).toBe("gangnam-1");
  });

  it("issues provisioning challenges of 32 bytes for two minutes", async () => {
    const issued = await call<{ challenge: string; expiresAt: string }>(flasher().client, "POST", "/v1/provisioning-challenges", undefined, 201);
    expect(issued.challenge).toMatch(/^[0-9a-f]{64}$/);
    expect(issued.expiresAt).toBe(new Date(api.now + 120_000).toISOString());
  });

  it("accepts an upper-case key and stores it as lower-case hex", async () => {
    const stamp = newTestStamp();
    const body = { ...stampBody(stamp, await provisioningChallenge(flasher())), publicKey: stamp.publicKeyHex.toUpperCase() };
    const response = await flasher().client.request("POST", "/v1/stamps", body);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ id: stamp.id, publicKey: stamp.publicKeyHex, verifierIds: [] });
  });

  it("refuses the same key twice with 409", async () => {
    const stamp = newTestStamp();
    await registerStamp(flasher(), stamp);
    const again = stampBody(stamp, await provisioningChallenge(flasher()), { label: "again" });
    await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", again), 409, "DUPLICATE");
  });

  it("refuses small-order and off-curve keys with 422", async () => {
    const proof = { challenge: await provisioningChallenge(flasher()), firmwareHash: TEST_FIRMWARE_HASH, signature: "00".repeat(64) };
    const body = { label: "s", merchantId: "bean-bros", shopIds: ["gangnam"], proof: proof };
    const small = await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", { ...body, publicKey: SMALL_ORDER_KEY }), 422, "WEAK_KEY", ALERT_TABLES);
    expect(small.message).toMatch(/small-order/);
    await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", { ...body, publicKey: NOT_A_POINT }), 422, "WEAK_KEY", ALERT_TABLES);
  });

  it("refuses unknown shops and verifiers with 404, and verifiers outside the stamp's shops", async () => {
    const stamp = newTestStamp();
    const post = async (binding: Parameters<typeof stampBody>[2]) => {
      const body = stampBody(stamp, await provisioningChallenge(flasher()), binding);
      return () => flasher().client.request("POST", "/v1/stamps", body);
    };
    await expectRefused(api, await post({ shopIds: ["nowhere"] }), 404, "NOT_FOUND");
    const verifier = await expectRefused(api, await post({ verifierIds: ["ffffffffffffffff"] }), 404, "NOT_FOUND");
    expect(verifier.message).toMatch(/verifier ffffffffffffffff/);
    await expectRefused(api, await post({ shopIds: ["gangnam"], verifierIds: [HONGDAE_VERIFIER] }), 404, "NOT_FOUND");
  });

  it.each([
    ["a short key", { publicKey: "00".repeat(31) }, /publicKey must be 64 hex digits/],
    ["a long key", { publicKey: "00".repeat(33) }, /publicKey must be 64 hex digits/],
    ["a non-hex key", { publicKey: "zz".repeat(32) }, /publicKey must be 64 hex digits/],
    ["a key as bytes", { publicKey: [1, 2, 3] }, /publicKey must be a string/],
    ["no shops", { shopIds: [] }, /shopIds must NOT have fewer than 1 items/],
    ["a bad shop id", { shopIds: ["gangnam", "Hong Dae"] }, /shopIds\[1\] must be 1-40 characters/],
    ["shops as a string", { shopIds: "gangnam" }, /shopIds must be an array/],
    ["a bad verifier id", { verifierIds: ["xyz"] }, /verifierIds\[0\] must be 16 lower-case hex digits/],
    ["a blank label", { label: " " }, /label is blank/],
    ["an extra field", { status: "active" }, /status is not a known field/],
    ["a proof without its signature", { proof: { challenge: "00".repeat(32), firmwareHash: TEST_FIRMWARE_HASH } }, /proof.signature is required/],
    ["an extra proof field", { proof: { challenge: "00".repeat(32), firmwareHash: TEST_FIRMWARE_HASH, signature: "00".repeat(64), counter: 1 } }, /proof.counter is not a known field/],
  ])("refuses %s with 400", async (_what, change, message) => {
    const stamp = newTestStamp();
    const body = { ...stampBody(stamp, await provisioningChallenge(flasher())), ...change };
    const error = await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", body), 400, "INVALID_INPUT");
    expect(error.message).toMatch(message);
  });

  it("refuses a missing field with 400 naming it", async () => {
    const { publicKey: _key, ...body } = stampBody(newTestStamp(), await provisioningChallenge(flasher()));
    const error = await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", body), 400, "INVALID_INPUT");
    expect(error).toEqual({ code: "INVALID_INPUT", message: "publicKey is required", field: "publicKey" });
  });
});

describe("the issue's attack: registering a stranger's key as a stamp is refused, and nothing is written", { timeout: NET_TIMEOUT }, () => {
  // The attacker made this key with node:crypto; no stamp ever held it.
  const stranger = newTestStamp();
  const stampRow = () => api.store.getStamp(stranger.id);

  it("a bare key without any proof (the old API) is 400: proof is required", async () => {
    const bare = { publicKey: stranger.publicKeyHex, label: "mine", merchantId: "bean-bros", shopIds: ["gangnam"] };
    const error = await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", bare), 400, "INVALID_INPUT", ALERT_TABLES);
    expect(error.message).toBe("proof is required");
    expect(await stampRow()).toBeUndefined();
  });

  it("without any credential it is 401", async () => {
    const body = stampBody(stranger, await provisioningChallenge(flasher()));
    await expectRefused(api, () => api.anonymous.request("POST", "/v1/stamps", body), 401, "UNAUTHENTICATED");
  });

  it("an owner, a manager, the operator or a counter station may not register stamps (403), even with a valid proof", async () => {
    const body = stampBody(stranger, await provisioningChallenge(flasher()));
    for (const client of [world.beanBros.owner.client, world.beanBros.manager.client, world.operator.client, world.beanBros.gangnamStation.client]) {
      await expectRefused(api, () => client.request("POST", "/v1/stamps", body), 403, "FORBIDDEN");
    }
    expect(await stampRow()).toBeUndefined();
  });

  it("a proof over a challenge the host never issued is 422 PROOF_INVALID", async () => {
    const body = stampBody(stranger, "ab".repeat(32));
    const error = await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", body), 422, "PROOF_INVALID", ALERT_TABLES);
    expect(error.message).toMatch(/not issued to this station/);
  });

  it("a proof over a challenge issued to another station is 422 PROOF_INVALID", async () => {
    const teaChallenge = await provisioningChallenge(world.teaHouse.flasher);
    const body = stampBody(stranger, teaChallenge);
    const error = await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", body), 422, "PROOF_INVALID", ALERT_TABLES);
    expect(error.message).toMatch(/not issued to this station/);
  });

  it("a proof signed by another key than the one registered is 422 PROOF_INVALID", async () => {
    const challenge = await provisioningChallenge(flasher());
    const body = { ...stampBody(stranger, challenge), proof: stranger.prove(challenge, TEST_FIRMWARE_HASH, generateKeyPairSync("ed25519").privateKey) };
    const error = await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", body), 422, "PROOF_INVALID", ALERT_TABLES);
    expect(error.message).toMatch(/does not verify/);
  });

  it("a stamp running firmware the operator did not approve is 422 FIRMWARE_NOT_APPROVED", async () => {
    const body = stampBody(stranger, await provisioningChallenge(flasher()), { firmwareHash: UNAPPROVED_FIRMWARE });
    const error = await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", body), 422, "FIRMWARE_NOT_APPROVED");
    expect(error.message).toMatch(/not approved/);
  });

  it("a used or expired provisioning challenge is 422 PROOF_INVALID", async () => {
    const used = await provisioningChallenge(flasher());
    await call(flasher().client, "POST", "/v1/stamps", stampBody(newTestStamp(), used), 201);
    const reuse = await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", stampBody(stranger, used)), 422, "PROOF_INVALID");
    expect(reuse.message).toMatch(/already used/);
    const old = await provisioningChallenge(flasher());
    api.now += 120_001;
    try {
      const expired = await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", stampBody(stranger, old)), 422, "PROOF_INVALID");
      expect(expired.message).toMatch(/expired/);
    } finally {
      api.now -= 120_001;
    }
  });

  it("another merchant's flashing station cannot register into bean-bros (404), nor bind bean-bros' shops", async () => {
    const tea = world.teaHouse.flasher;
    const intoBeanBros = stampBody(stranger, await provisioningChallenge(tea));
    await expectRefused(api, () => tea.client.request("POST", "/v1/stamps", intoBeanBros), 404, "NOT_FOUND");
    const withBeanBrosShop = stampBody(stranger, await provisioningChallenge(tea), { merchantId: "tea-house", shopIds: ["gangnam"] });
    await expectRefused(api, () => tea.client.request("POST", "/v1/stamps", withBeanBrosShop), 404, "NOT_FOUND");
    expect(await stampRow()).toBeUndefined();
  });
});

describe("stamp labels: unique within a merchant, and a way to find a stamp", { timeout: NET_TIMEOUT }, () => {
  it("refuses a second stamp of one merchant with the same label (409 DUPLICATE, nothing written, challenge not spent)", async () => {
    const first = newTestStamp();
    const second = newTestStamp();
    await registerStamp(flasher(), first, { label: "counter 7" });
    const challenge = await provisioningChallenge(flasher());
    const clash = await flasher().client.request("POST", "/v1/stamps", stampBody(second, challenge, { label: "counter 7" }));
    expect(clash.status).toBe(409);
    expect(errorOf(clash)).toMatchObject({ code: "DUPLICATE", message: `the label "counter 7" is already used by stamp ${first.id} of this merchant: give each stamp its own label` });
    expect(await api.store.getStamp(second.id)).toBeUndefined();
    // The same proof goes through under another label: the clash spent nothing.
    expect(await call(flasher().client, "POST", "/v1/stamps", stampBody(second, challenge, { label: "counter 8" }), 201)).toMatchObject({ id: second.id, label: "counter 8" });
  });

  it("gives a revoked stamp's label up: a stamp re-flashed after a factory reset keeps its name", async () => {
    const old = newTestStamp();
    await registerStamp(flasher(), old, { label: "counter 9" });
    await call(flasher().client, "POST", `/v1/stamps/${old.id}/revoke`, undefined, 200);
    const fresh = newTestStamp();
    await registerStamp(flasher(), fresh, { label: "counter 9" });
    const both = await call<{ items: { id: string; status: string }[] }>(world.beanBros.owner.client, "GET", `/v1/stamps?label=${encodeURIComponent("counter 9")}`, undefined, 200);
    expect(both.items.map((s) => [s.id, s.status]).sort()).toEqual([[old.id, "revoked"], [fresh.id, "active"]].sort());
    // The label is taken again by the stamp in service.
    const third = stampBody(newTestStamp(), await provisioningChallenge(flasher()), { label: "counter 9" });
    await expectRefused(api, () => flasher().client.request("POST", "/v1/stamps", third), 409, "DUPLICATE");
  });

  it("lets another merchant use the same label", async () => {
    const tea = newTestStamp();
    await registerStamp(world.teaHouse.flasher, tea, { label: "shared label", merchantId: "tea-house", shopIds: ["tea-main"] });
    const bean = newTestStamp();
    await registerStamp(flasher(), bean, { label: "shared label" });
    expect((await api.store.getStamp(bean.id))?.label).toBe("shared label");
  });

  it("finds a stamp by label (GET /v1/stamps?label=…), within the caller's merchant only, NFC-normalised", async () => {
    const stamp = newTestStamp();
    await registerStamp(flasher(), stamp, { label: "Caf\u00e9 1" });
    const found = await call<{ items: { id: string; label: string }[]; next: string | null }>(world.beanBros.auditor.client, "GET", `/v1/stamps?label=${encodeURIComponent("Cafe\u0301 1")}`, undefined, 200);
    expect(found).toEqual({ items: [expect.objectContaining({ id: stamp.id, label: "Caf\u00e9 1" })], next: null });
    expect(await call(world.teaHouse.owner.client, "GET", `/v1/stamps?label=${encodeURIComponent("Caf\u00e9 1")}`, undefined, 200)).toEqual({ items: [], next: null });
    expect(await call(world.beanBros.owner.client, "GET", "/v1/stamps?label=nothing-like-it", undefined, 200)).toEqual({ items: [], next: null });
    await expectRefused(api, () => world.beanBros.owner.client.request("GET", `/v1/stamps?label=${"x".repeat(300)}`), 400, "INVALID_INPUT");
  });
});

describe("GET /v1/stamps, GET /v1/stamps/:id, revoke and reinstate", { timeout: NET_TIMEOUT }, () => {
  it("lists a page at a time, shows and revokes", async () => {
    const a = newTestStamp();
    const b = newTestStamp();
    await registerStamp(flasher(), a, { label: "a" });
    api.now += 1000;
    await registerStamp(flasher(), b, { label: "b", shopIds: ["hongdae"] });
    const all = await call<{ items: { id: string }[]; next: string | null }>(world.beanBros.auditor.client, "GET", "/v1/stamps?limit=1000", undefined, 200);
    expect(all.next).toBeNull();
    const ids = all.items.map((s) => s.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    // Page by page, the same list.
    const paged: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: { items: { id: string }[]; next: string | null } = await call(world.beanBros.owner.client, "GET", `/v1/stamps?limit=2${cursor === "" ? "" : `&after=${cursor}`}`, undefined, 200);
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((s) => s.id));
      cursor = page.next;
    }
    expect(paged).toEqual(ids);

    const shown = await world.beanBros.manager.client.request("GET", `/v1/stamps/${b.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: b.id, label: "b", shopIds: ["hongdae"], status: "active" });

    const revoked = await world.beanBros.manager.client.request("POST", `/v1/stamps/${a.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: a.id, status: "revoked" });
    expect(await call(world.beanBros.owner.client, "GET", `/v1/stamps/${a.id}`, undefined, 200)).toMatchObject({ status: "revoked" });
    expect(await call(world.beanBros.owner.client, "GET", `/v1/stamps/${b.id}`, undefined, 200)).toMatchObject({ status: "active" });
    // The auditor only reads.
    await expectRefused(api, () => world.beanBros.auditor.client.request("POST", `/v1/stamps/${b.id}/revoke`), 403, "FORBIDDEN");
  });

  it("another merchant sees no stamps of bean-bros", async () => {
    await registerStamp(flasher(), newTestStamp());
    const tea = await call<{ items: { merchantId: string }[] }>(world.teaHouse.owner.client, "GET", "/v1/stamps", undefined, 200);
    expect(tea.items.filter((s) => s.merchantId !== "tea-house")).toEqual([]);
  });

  it("reinstates a quarantined stamp with a reason, and only a quarantined one", async () => {
    const stamp = newTestStamp();
    await registerStamp(flasher(), stamp);
    const station = world.beanBros.gangnamStation;
    const tap = async (counter: number) => call<{ reason: string }>(station.client, "POST", "/v1/taps", { response: signTapHex(stamp, (await challengeFor(station)).challenge, counter) }, 200);
    const owner = world.beanBros.owner.client;
    await expectRefused(api, () => owner.request("POST", `/v1/stamps/${stamp.id}/reinstate`, { reason: "not quarantined" }), 409, "CONFLICT");
    expect((await tap(1)).reason).toBe("ACCEPTED");
    expect((await tap(1)).reason).toBe("COUNTER_FORK");
    expect(await call(owner, "GET", `/v1/stamps/${stamp.id}`, undefined, 200)).toMatchObject({ status: "quarantined" });
    await expectRefused(api, () => owner.request("POST", `/v1/stamps/${stamp.id}/reinstate`, {}), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("POST", `/v1/stamps/${stamp.id}/reinstate`, { reason: "   " }), 400, "INVALID_INPUT");
    await expectRefused(api, () => world.beanBros.flasher.client.request("POST", `/v1/stamps/${stamp.id}/reinstate`, { reason: "x" }), 403, "FORBIDDEN");
    const reinstated = await call(owner, "POST", `/v1/stamps/${stamp.id}/reinstate`, { reason: "the twin was found and destroyed" }, 200);
    expect(reinstated).toMatchObject({ status: "active", lastCounter: 1 });
  });

  it("answers unknown stamps with 404 and malformed ids with 400", async () => {
    const owner = world.beanBros.owner.client;
    expect((await expectRefused(api, () => owner.request("GET", "/v1/stamps/0123456789abcdef"), 404, "NOT_FOUND")).message).toMatch(/not registered/);
    await expectRefused(api, () => owner.request("POST", "/v1/stamps/0123456789abcdef/revoke"), 404, "NOT_FOUND");
    const bad = await expectRefused(api, () => owner.request("GET", "/v1/stamps/0123"), 400, "INVALID_INPUT");
    expect(bad.message).toBe("id must be 16 lower-case hex digits (8 bytes)");
    await expectRefused(api, () => owner.request("POST", "/v1/stamps/0123456789ABCDEF/revoke"), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("GET", "/v1/stamps?status=active"), 400, "INVALID_INPUT");
  });
});

describe("the issue's attacks on stamps: no credential, another merchant's owner", { timeout: NET_TIMEOUT }, () => {
  it("without credentials, listing, reading and revoking are 401", async () => {
    const stamp = newTestStamp();
    await registerStamp(flasher(), stamp);
    await expectRefused(api, () => api.anonymous.request("GET", "/v1/stamps"), 401, "UNAUTHENTICATED");
    await expectRefused(api, () => api.anonymous.request("GET", `/v1/stamps/${stamp.id}`), 401, "UNAUTHENTICATED");
    await expectRefused(api, () => api.anonymous.request("POST", `/v1/stamps/${stamp.id}/revoke`), 401, "UNAUTHENTICATED");
    expect((await api.store.getStamp(stamp.id))?.status).toBe("active");
  });

  it("another merchant's owner reading or revoking bean-bros' stamp gets exactly the 404 of a stamp that does not exist", async () => {
    const stamp = newTestStamp();
    await registerStamp(flasher(), stamp);
    const missing = "00000000000000ff";
    const tea = world.teaHouse.owner.client;
    for (const [method, path] of [
      ["GET", "/v1/stamps/:id"],
      ["POST", "/v1/stamps/:id/revoke"],
      ["POST", "/v1/stamps/:id/reinstate"],
    ] as const) {
      const body = path.endsWith("reinstate") ? { reason: "mine now" } : undefined;
      const foreign = await tea.request(method, path.replace(":id", stamp.id), body);
      const absent = await tea.request(method, path.replace(":id", missing), body);
      expect(foreign.status).toBe(404);
      expect(JSON.stringify(foreign.body).replaceAll(stamp.id, "<id>")).toBe(JSON.stringify(absent.body).replaceAll(missing, "<id>"));
      expect(errorOf(foreign).code).toBe("NOT_FOUND");
      await expectRefused(api, () => tea.request(method, path.replace(":id", stamp.id), body), 404, "NOT_FOUND");
    }
    expect((await api.store.getStamp(stamp.id))?.status).toBe("active");
  });
});
