import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectRefused, seed, startApi, TestApi } from "./api-harness";

let api: TestApi;
beforeEach(async () => {
  api = await startApi();
});
afterEach(async () => {
  await api.close();
});

describe("POST /v1/merchants", () => {
  it("creates a merchant", async () => {
    const response = await api.post("/v1/merchants", { id: "bean-bros", name: "Bean Bros" });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: "bean-bros", name: "Bean Bros" });
    expect(response.contentType).toMatch(/^application\/json/);
    expect(await api.store.getMerchant("bean-bros")).toEqual({ id: "bean-bros", name: "Bean Bros" });
  });

  it("refuses a duplicate with 409 and writes nothing", async () => {
    await api.post("/v1/merchants", { id: "bean-bros", name: "Bean Bros" });
    const error = await expectRefused(api, () => api.post("/v1/merchants", { id: "bean-bros", name: "Other" }), 409, "DUPLICATE");
    expect(error.message).toMatch(/already registered/);
  });

  it.each([
    ["missing name", { id: "a" }, /name is required/],
    ["missing id", { name: "A" }, /id is required/],
    ["an extra field", { id: "a", name: "A", owner: "x" }, /owner is not a known field/],
    ["an upper-case id", { id: "Bean", name: "A" }, /id must be 1-40 characters/],
    ["an id too long", { id: "a".repeat(41), name: "A" }, /id must be 1-40/],
    ["a blank name", { id: "a", name: "   " }, /name must be printable text, not blank/],
    ["a control character", { id: "a", name: "A\u0007" }, /control characters/],
    ["a number for a name", { id: "a", name: 7 }, /name must be a string/],
    ["a name too long", { id: "a", name: "x".repeat(101) }, /name must NOT have more than 100 characters/],
    ["an array body", [{ id: "a", name: "A" }], /body must be a JSON object/],
  ])("refuses %s with 400", async (_what, body, message) => {
    const error = await expectRefused(api, () => api.post("/v1/merchants", body), 400, "INVALID_INPUT");
    expect(error.message).toMatch(message);
  });
});

describe("merchants list", () => {
  it("lists merchants in id order", async () => {
    expect((await api.get("/v1/merchants")).body).toEqual([]);
    await api.post("/v1/merchants", { id: "zeta", name: "Zeta" });
    await api.post("/v1/merchants", { id: "alpha", name: "Alpha" });
    expect((await api.get("/v1/merchants")).body).toEqual([
      { id: "alpha", name: "Alpha" },
      { id: "zeta", name: "Zeta" },
    ]);
  });
});

describe("shops", () => {
  beforeEach(async () => {
    await api.post("/v1/merchants", { id: "bean-bros", name: "Bean Bros" });
  });

  it("creates and lists shops", async () => {
    expect((await api.get("/v1/shops")).body).toEqual([]);
    const response = await api.post("/v1/shops", { id: "gangnam", merchantId: "bean-bros", name: "Gangnam" });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: "gangnam", merchantId: "bean-bros", name: "Gangnam" });
    await api.post("/v1/shops", { id: "hongdae", merchantId: "bean-bros", name: "Hongdae" });
    const list = await api.get("/v1/shops");
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      { id: "gangnam", merchantId: "bean-bros", name: "Gangnam" },
      { id: "hongdae", merchantId: "bean-bros", name: "Hongdae" },
    ]);
  });

  it("refuses an unknown merchant with 404", async () => {
    const error = await expectRefused(api, () => api.post("/v1/shops", { id: "x", merchantId: "nobody", name: "X" }), 404, "NOT_FOUND");
    expect(error.message).toMatch(/merchant nobody does not exist/);
  });

  it("refuses a duplicate shop with 409", async () => {
    await api.post("/v1/shops", { id: "gangnam", merchantId: "bean-bros", name: "Gangnam" });
    await expectRefused(api, () => api.post("/v1/shops", { id: "gangnam", merchantId: "bean-bros", name: "Again" }), 409, "DUPLICATE");
  });

  it("refuses bad bodies and unknown query parameters with 400", async () => {
    await expectRefused(api, () => api.post("/v1/shops", { id: "x", name: "X" }), 400, "INVALID_INPUT");
    await expectRefused(api, () => api.post("/v1/shops", { id: "x", merchantId: "bean-bros", name: "X", extra: true }), 400, "INVALID_INPUT");
    const error = await expectRefused(api, () => api.get("/v1/shops?all=1"), 400, "INVALID_INPUT");
    expect(error.message).toBe("all is not a known field of the query");
  });
});

describe("verifiers", () => {
  beforeEach(async () => {
    await api.post("/v1/merchants", { id: "bean-bros", name: "Bean Bros" });
    await api.post("/v1/shops", { id: "gangnam", merchantId: "bean-bros", name: "Gangnam" });
  });

  it("creates a verifier with a random id that requires presence by default", async () => {
    const response = await api.post("/v1/verifiers", { shopId: "gangnam", label: "front counter" });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ shopId: "gangnam", label: "front counter", requirePresence: true });
    const id = (response.body as { id: string }).id;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(await api.store.getVerifier(id)).toEqual({ id: id, shopId: "gangnam", label: "front counter", requirePresence: true });
  });

  it("takes a given id and requirePresence false, and lists verifiers", async () => {
    const response = await api.post("/v1/verifiers", { shopId: "gangnam", label: "kiosk", id: "00112233aabbccdd", requirePresence: false });
    expect(response.status).toBe(201);
    expect((await api.get("/v1/verifiers")).body).toEqual([{ id: "00112233aabbccdd", shopId: "gangnam", label: "kiosk", requirePresence: false }]);
  });

  it("refuses an unknown shop (404), a duplicate id (409) and bad fields (400), writing nothing", async () => {
    await api.post("/v1/verifiers", { shopId: "gangnam", label: "kiosk", id: "00112233aabbccdd" });
    await expectRefused(api, () => api.post("/v1/verifiers", { shopId: "nowhere", label: "k" }), 404, "NOT_FOUND");
    await expectRefused(api, () => api.post("/v1/verifiers", { shopId: "gangnam", label: "k", id: "00112233aabbccdd" }), 409, "DUPLICATE");
    const badId = await expectRefused(api, () => api.post("/v1/verifiers", { shopId: "gangnam", label: "k", id: "00112233AABBCCDD" }), 400, "INVALID_INPUT");
    expect(badId.message).toBe("id must be 16 lower-case hex digits (8 bytes)");
    await expectRefused(api, () => api.post("/v1/verifiers", { shopId: "gangnam", label: "k", id: "0011" }), 400, "INVALID_INPUT");
    const presence = await expectRefused(api, () => api.post("/v1/verifiers", { shopId: "gangnam", label: "k", requirePresence: "yes" }), 400, "INVALID_INPUT");
    expect(presence.message).toBe("requirePresence must be a boolean");
    await expectRefused(api, () => api.post("/v1/verifiers", { shopId: "gangnam", label: "" }), 400, "INVALID_INPUT");
    await expectRefused(api, () => api.post("/v1/verifiers", { shopId: "gangnam" }), 400, "INVALID_INPUT");
  });
});

describe("GET /healthz", () => {
  it("answers ok", async () => {
    const response = await api.get("/healthz");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "ok" });
  });

  it("still answers after seeding (the same store serves every route)", async () => {
    await seed(api);
    expect((await api.get("/healthz")).status).toBe(200);
  });
});
