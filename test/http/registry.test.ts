import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  call,
  expectRefused,
  GANGNAM_VERIFIER,
  NET_TIMEOUT,
  seed,
  Seeded,
  startApi,
  TEA_VERIFIER,
  TestApi,
} from "./api-harness";

// A fresh API and world for every test: registry tests add merchants, shops and verifiers.
let api: TestApi;
let world: Seeded;
beforeEach(async () => {
  api = await startApi();
  world = await seed(api);
}, NET_TIMEOUT);
afterEach(async () => {
  await api.close();
});

describe("POST /v1/merchants (operator)", { timeout: NET_TIMEOUT }, () => {
  it("creates a merchant", async () => {
    const response = await world.operator.client.request("POST", "/v1/merchants", { id: "noodle-bar", name: "Noodle Bar" });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: "noodle-bar", name: "Noodle Bar" });
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(await api.store.getMerchant("noodle-bar")).toEqual({ id: "noodle-bar", name: "Noodle Bar" });
  });

  it("refuses a duplicate with 409 and writes nothing", async () => {
    const error = await expectRefused(api, () => world.operator.client.request("POST", "/v1/merchants", { id: "bean-bros", name: "Other" }), 409, "DUPLICATE");
    expect(error.message).toMatch(/already registered|exists/);
  });

  it("refuses anyone but the operator with 403, and no credential with 401", async () => {
    const body = { id: "noodle-bar", name: "Noodle Bar" };
    await expectRefused(api, () => world.beanBros.owner.client.request("POST", "/v1/merchants", body), 403, "FORBIDDEN");
    await expectRefused(api, () => world.beanBros.flasher.client.request("POST", "/v1/merchants", body), 403, "FORBIDDEN");
    await expectRefused(api, () => api.anonymous.request("POST", "/v1/merchants", body), 401, "UNAUTHENTICATED");
  });

  it.each([
    ["missing name", { id: "a" }, /name is required/],
    ["missing id", { name: "A" }, /id is required/],
    ["an extra field", { id: "a", name: "A", owner: "x" }, /owner is not a known field/],
    ["an upper-case id", { id: "Bean", name: "A" }, /id must be 1-40 characters/],
    ["an id too long", { id: "a".repeat(41), name: "A" }, /id must be 1-40/],
    ["a blank name", { id: "a", name: "   " }, /merchant name is blank/],
    ["a control character", { id: "a", name: "A\u0007" }, /control character \(U\+0007\)/],
    ["a number for a name", { id: "a", name: 7 }, /name must be a string/],
    ["a name too long", { id: "a", name: "x".repeat(101) }, /merchant name .*100/],
    ["an array body", [{ id: "a", name: "A" }], /body must be a JSON object/],
  ])("refuses %s with 400", async (_what, body, message) => {
    const error = await expectRefused(api, () => world.operator.client.request("POST", "/v1/merchants", body), 400, "INVALID_INPUT");
    expect(error.message).toMatch(message);
  });
});

describe("GET /v1/merchants", { timeout: NET_TIMEOUT }, () => {
  it("lists every merchant in id order for the operator, a page at a time", async () => {
    await call(world.operator.client, "POST", "/v1/merchants", { id: "alpha", name: "Alpha" }, 201);
    expect(await call(world.operator.client, "GET", "/v1/merchants", undefined, 200)).toEqual({
      items: [
        { id: "alpha", name: "Alpha" },
        { id: "bean-bros", name: "Bean Bros" },
        { id: "tea-house", name: "Tea House" },
      ],
      next: null,
    });
    const first = await call<{ items: { id: string }[]; next: string }>(world.operator.client, "GET", "/v1/merchants?limit=2", undefined, 200);
    expect(first).toEqual({ items: [expect.objectContaining({ id: "alpha" }), expect.objectContaining({ id: "bean-bros" })], next: "bean-bros" });
    const second = await call<{ items: { id: string }[]; next: string | null }>(world.operator.client, "GET", `/v1/merchants?limit=2&after=${first.next}`, undefined, 200);
    expect(second).toEqual({ items: [{ id: "tea-house", name: "Tea House" }], next: null });
  });

  it("shows an owner only their own merchant", async () => {
    expect(await call(world.teaHouse.owner.client, "GET", "/v1/merchants", undefined, 200)).toEqual({ items: [{ id: "tea-house", name: "Tea House" }], next: null });
  });
});

describe("shops (owner and manager)", { timeout: NET_TIMEOUT }, () => {
  it("creates and lists shops of the caller's merchant only", async () => {
    const response = await world.beanBros.manager.client.request("POST", "/v1/shops", { id: "itaewon", merchantId: "bean-bros", name: "Itaewon" });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: "itaewon", merchantId: "bean-bros", name: "Itaewon" });
    expect(await call(world.beanBros.auditor.client, "GET", "/v1/shops", undefined, 200)).toEqual({
      items: [
        { id: "gangnam", merchantId: "bean-bros", name: "Bean Bros Gangnam" },
        { id: "hongdae", merchantId: "bean-bros", name: "Bean Bros Hongdae" },
        { id: "itaewon", merchantId: "bean-bros", name: "Itaewon" },
      ],
      next: null,
    });
    expect(await call(world.teaHouse.owner.client, "GET", "/v1/shops", undefined, 200)).toEqual({ items: [{ id: "tea-main", merchantId: "tea-house", name: "Tea House Main" }], next: null });
  });

  it("answers another merchant with 404, exactly like a merchant that does not exist", async () => {
    const foreign = await expectRefused(api, () => world.teaHouse.owner.client.request("POST", "/v1/shops", { id: "x", merchantId: "bean-bros", name: "X" }), 404, "NOT_FOUND");
    const missing = await expectRefused(api, () => world.teaHouse.owner.client.request("POST", "/v1/shops", { id: "x", merchantId: "nobody", name: "X" }), 404, "NOT_FOUND");
    expect(foreign.message.replace("bean-bros", "<id>")).toBe(missing.message.replace("nobody", "<id>"));
  });

  it("refuses a duplicate shop with 409, no credential with 401, an auditor with 403", async () => {
    const owner = world.beanBros.owner.client;
    await expectRefused(api, () => owner.request("POST", "/v1/shops", { id: "gangnam", merchantId: "bean-bros", name: "Again" }), 409, "DUPLICATE");
    await expectRefused(api, () => api.anonymous.request("POST", "/v1/shops", { id: "x", merchantId: "bean-bros", name: "X" }), 401, "UNAUTHENTICATED");
    await expectRefused(api, () => world.beanBros.auditor.client.request("POST", "/v1/shops", { id: "x", merchantId: "bean-bros", name: "X" }), 403, "FORBIDDEN");
  });

  it("refuses bad bodies and unknown query parameters with 400", async () => {
    const owner = world.beanBros.owner.client;
    await expectRefused(api, () => owner.request("POST", "/v1/shops", { id: "x", name: "X" }), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("POST", "/v1/shops", { id: "x", merchantId: "bean-bros", name: "X", extra: true }), 400, "INVALID_INPUT");
    const error = await expectRefused(api, () => owner.request("GET", "/v1/shops?all=1"), 400, "INVALID_INPUT");
    expect(error.message).toBe("all is not a known field of the query");
  });
});

describe("verifiers (owner and manager set what a tap is worth)", { timeout: NET_TIMEOUT }, () => {
  it("creates a verifier with a random id, presence required, purpose stamp and quantity 1 by default", async () => {
    const response = await world.beanBros.owner.client.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "window" });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ shopId: "gangnam", label: "window", requirePresence: true, purpose: "stamp", quantity: 1 });
    const id = (response.body as { id: string }).id;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(await api.store.getVerifier(id)).toMatchObject({ id: id, shopId: "gangnam", label: "window", requirePresence: true, quantity: 1 });
  });

  it("takes purpose, quantity, presence and an id, and changes them with PATCH", async () => {
    const owner = world.beanBros.owner.client;
    const created = await call(owner, "POST", "/v1/verifiers", { shopId: "gangnam", label: "redeem desk", id: "00112233aabbccdd", purpose: "redeem", quantity: 10, requirePresence: false }, 201);
    expect(created).toEqual({ id: "00112233aabbccdd", shopId: "gangnam", label: "redeem desk", requirePresence: false, purpose: "redeem", quantity: 10 });
    const patched = await call(world.beanBros.manager.client, "PATCH", "/v1/verifiers/00112233aabbccdd", { quantity: 100, purpose: "clock-in" }, 200);
    expect(patched).toEqual({ ...created, purpose: "clock-in", quantity: 100 });
    const listed = await call<{ items: { id: string }[] }>(world.beanBros.auditor.client, "GET", "/v1/verifiers", undefined, 200);
    expect(listed.items.map((v) => v.id)).toEqual(["00112233aabbccdd", GANGNAM_VERIFIER, "1000000000000003", "2000000000000002"]);
  });

  it("refuses a quantity above 100 or below 1, an unknown purpose and an empty patch with 400", async () => {
    const owner = world.beanBros.owner.client;
    await expectRefused(api, () => owner.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "k", quantity: 101 }), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "k", quantity: 0 }), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "k", purpose: "bake" }), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("PATCH", `/v1/verifiers/${GANGNAM_VERIFIER}`, { quantity: 65535 }), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("PATCH", `/v1/verifiers/${GANGNAM_VERIFIER}`, {}), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("PATCH", `/v1/verifiers/${GANGNAM_VERIFIER}`, { shopId: "hongdae" }), 400, "INVALID_INPUT");
  });

  it("refuses an unknown shop (404), a duplicate id (409) and bad fields (400), writing nothing", async () => {
    const owner = world.beanBros.owner.client;
    await expectRefused(api, () => owner.request("POST", "/v1/verifiers", { shopId: "nowhere", label: "k" }), 404, "NOT_FOUND");
    await expectRefused(api, () => owner.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "k", id: GANGNAM_VERIFIER }), 409, "DUPLICATE");
    const badId = await expectRefused(api, () => owner.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "k", id: "00112233AABBCCDD" }), 400, "INVALID_INPUT");
    expect(badId.message).toBe("id must be 16 lower-case hex digits (8 bytes)");
    await expectRefused(api, () => owner.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "k", id: "0011" }), 400, "INVALID_INPUT");
    const presence = await expectRefused(api, () => owner.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "k", requirePresence: "yes" }), 400, "INVALID_INPUT");
    expect(presence.message).toBe("requirePresence must be a boolean");
    await expectRefused(api, () => owner.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "" }), 400, "INVALID_INPUT");
    await expectRefused(api, () => owner.request("POST", "/v1/verifiers", { shopId: "gangnam" }), 400, "INVALID_INPUT");
  });

  it("keeps each merchant's verifiers to itself: another's shop or verifier is 404, like a missing one", async () => {
    const tea = world.teaHouse.owner.client;
    await expectRefused(api, () => tea.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "k" }), 404, "NOT_FOUND");
    const foreign = await expectRefused(api, () => tea.request("PATCH", `/v1/verifiers/${GANGNAM_VERIFIER}`, { quantity: 100 }), 404, "NOT_FOUND");
    const missing = await expectRefused(api, () => tea.request("PATCH", "/v1/verifiers/ffffffffffffffff", { quantity: 100 }), 404, "NOT_FOUND");
    expect(foreign.message.replace(GANGNAM_VERIFIER, "<id>")).toBe(missing.message.replace("ffffffffffffffff", "<id>"));
    expect(await call(tea, "GET", "/v1/verifiers", undefined, 200)).toEqual({ items: [expect.objectContaining({ id: TEA_VERIFIER })], next: null });
  });

  it("lets a counter station read only its own verifier, and never change it", async () => {
    const station = world.beanBros.gangnamStation.client;
    expect(await call(station, "GET", "/v1/verifiers", undefined, 200)).toEqual({ items: [expect.objectContaining({ id: GANGNAM_VERIFIER, purpose: "stamp", quantity: 1 })], next: null });
    await expectRefused(api, () => station.request("PATCH", `/v1/verifiers/${GANGNAM_VERIFIER}`, { quantity: 100 }), 403, "FORBIDDEN");
  });

  it("refuses to create verifiers without a credential (401)", async () => {
    await expectRefused(api, () => api.anonymous.request("POST", "/v1/verifiers", { shopId: "gangnam", label: "k" }), 401, "UNAUTHENTICATED");
  });
});

describe("GET /healthz", { timeout: NET_TIMEOUT }, () => {
  it("answers ok without a credential", async () => {
    const response = await api.anonymous.request("GET", "/healthz");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "ok" });
  });
});
