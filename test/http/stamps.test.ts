import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRefused, GANGNAM_VERIFIER, HONGDAE_VERIFIER, seed, startApi, TestApi } from "./api-harness";
import { newTestStamp } from "./signed-tap";

// One API for the file: every test registers stamps with fresh random keys, so none sees another's.
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
  await seed(api);
  await api.post("/v1/merchants", { id: "other-co", name: "Other Co" });
  await api.post("/v1/shops", { id: "elsewhere", merchantId: "other-co", name: "Elsewhere" });
});
afterAll(async () => {
  await api.close();
});

/** The canonical encoding of a point of order 4 (a small-order key, R6). */
const SMALL_ORDER_KEY = "0000000000000000000000000000000000000000000000000000000000000080";
/** y = 2 is not on the curve: not a point at all. */
const NOT_A_POINT = "0200000000000000000000000000000000000000000000000000000000000000";

describe("POST /v1/stamps", () => {
  it("registers a stamp and returns it with hex key, status and counter", async () => {
    const stamp = newTestStamp();
    const response = await api.post("/v1/stamps", {
      publicKey: stamp.publicKeyHex,
      label: "gangnam-1",
      merchantId: "bean-bros",
      shopIds: ["gangnam", "hongdae"],
      verifierIds: [GANGNAM_VERIFIER],
    });
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
      firmwareHash: null,
    });
    expect((await api.store.getStamp(stamp.id))?.label).toBe("gangnam-1");
  });

  it("accepts an upper-case key and stores it as lower-case hex", async () => {
    const stamp = newTestStamp();
    const response = await api.post("/v1/stamps", { publicKey: stamp.publicKeyHex.toUpperCase(), label: "s", merchantId: "bean-bros", shopIds: ["gangnam"] });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ id: stamp.id, publicKey: stamp.publicKeyHex, verifierIds: [] });
  });

  it("refuses the same key twice with 409", async () => {
    const stamp = newTestStamp();
    const body = { publicKey: stamp.publicKeyHex, label: "s", merchantId: "bean-bros", shopIds: ["gangnam"] };
    expect((await api.post("/v1/stamps", body)).status).toBe(201);
    await expectRefused(api, () => api.post("/v1/stamps", { ...body, label: "again" }), 409, "DUPLICATE");
  });

  it("refuses small-order and off-curve keys with 422", async () => {
    const small = await expectRefused(api, () => api.post("/v1/stamps", { publicKey: SMALL_ORDER_KEY, label: "s", merchantId: "bean-bros", shopIds: ["gangnam"] }), 422, "WEAK_KEY");
    expect(small.message).toMatch(/small-order/);
    await expectRefused(api, () => api.post("/v1/stamps", { publicKey: NOT_A_POINT, label: "s", merchantId: "bean-bros", shopIds: ["gangnam"] }), 422, "WEAK_KEY");
  });

  it("refuses unknown merchants, shops and verifiers with 404", async () => {
    const key = newTestStamp().publicKeyHex;
    await expectRefused(api, () => api.post("/v1/stamps", { publicKey: key, label: "s", merchantId: "nobody", shopIds: ["gangnam"] }), 404, "NOT_FOUND");
    await expectRefused(api, () => api.post("/v1/stamps", { publicKey: key, label: "s", merchantId: "bean-bros", shopIds: ["nowhere"] }), 404, "NOT_FOUND");
    const verifier = await expectRefused(
      api,
      () => api.post("/v1/stamps", { publicKey: key, label: "s", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: ["ffffffffffffffff"] }),
      404,
      "NOT_FOUND",
    );
    expect(verifier.message).toMatch(/verifier ffffffffffffffff does not exist/);
  });

  it("refuses foreign shops and verifiers outside the stamp's shops with 400 INVALID_INPUT", async () => {
    const key = newTestStamp().publicKeyHex;
    const foreign = await expectRefused(api, () => api.post("/v1/stamps", { publicKey: key, label: "s", merchantId: "bean-bros", shopIds: ["elsewhere"] }), 400, "INVALID_INPUT");
    expect(foreign.message).toMatch(/belongs to another merchant/);
    await expectRefused(
      api,
      () => api.post("/v1/stamps", { publicKey: key, label: "s", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [HONGDAE_VERIFIER] }),
      400,
      "INVALID_INPUT",
    );
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
    ["a blank label", { label: " " }, /label must be printable text/],
    ["an extra field", { status: "active" }, /status is not a known field/],
  ])("refuses %s with 400", async (_what, change, message) => {
    const body = { publicKey: newTestStamp().publicKeyHex, label: "s", merchantId: "bean-bros", shopIds: ["gangnam"], ...change };
    const error = await expectRefused(api, () => api.post("/v1/stamps", body), 400, "INVALID_INPUT");
    expect(error.message).toMatch(message);
  });

  it("refuses a missing field with 400", async () => {
    const error = await expectRefused(api, () => api.post("/v1/stamps", { label: "s", merchantId: "bean-bros", shopIds: ["gangnam"] }), 400, "INVALID_INPUT");
    expect(error).toEqual({ code: "INVALID_INPUT", message: "publicKey is required", field: "publicKey" });
  });
});

describe("GET /v1/stamps, GET /v1/stamps/:id, POST /v1/stamps/:id/revoke", () => {
  it("lists, shows and revokes", async () => {
    const a = newTestStamp();
    const b = newTestStamp();
    await api.post("/v1/stamps", { publicKey: a.publicKeyHex, label: "a", merchantId: "bean-bros", shopIds: ["gangnam"] });
    api.now += 1000;
    await api.post("/v1/stamps", { publicKey: b.publicKeyHex, label: "b", merchantId: "bean-bros", shopIds: ["hongdae"] });
    const list = (await api.get("/v1/stamps")).body as { id: string; status: string }[];
    expect(list.map((s) => s.id).filter((id) => id === a.id || id === b.id)).toEqual([a.id, b.id]);

    const shown = await api.get(`/v1/stamps/${b.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: b.id, label: "b", shopIds: ["hongdae"], status: "active" });

    const revoked = await api.post(`/v1/stamps/${a.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: a.id, status: "revoked" });
    expect((await api.get(`/v1/stamps/${a.id}`)).body).toMatchObject({ status: "revoked" });
    expect((await api.get(`/v1/stamps/${b.id}`)).body).toMatchObject({ status: "active" });
  });

  it("answers unknown stamps with 404 and malformed ids with 400", async () => {
    expect((await expectRefused(api, () => api.get("/v1/stamps/0123456789abcdef"), 404, "NOT_FOUND")).message).toMatch(/not registered/);
    await expectRefused(api, () => api.post("/v1/stamps/0123456789abcdef/revoke"), 404, "NOT_FOUND");
    const bad = await expectRefused(api, () => api.get("/v1/stamps/0123"), 400, "INVALID_INPUT");
    expect(bad.message).toBe("id must be 16 lower-case hex digits (8 bytes)");
    await expectRefused(api, () => api.post("/v1/stamps/0123456789ABCDEF/revoke"), 400, "INVALID_INPUT");
    await expectRefused(api, () => api.get("/v1/stamps?status=active"), 400, "INVALID_INPUT");
  });
});
