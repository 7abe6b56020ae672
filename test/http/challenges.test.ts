import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeChallenge } from "../../shared/challenge";
import { fromHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { expectRefused, GANGNAM_VERIFIER, seed, START_TIME, startApi, TestApi } from "./api-harness";

// One API for the file: issuing a challenge changes nothing another test relies on, and every
// refusal is checked to leave the database untouched.
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
  await seed(api);
});
afterAll(async () => {
  await api.close();
});

interface ChallengeJson {
  nonce: string;
  challenge: string;
  expiresAt: string;
  verifierId: string;
  purpose: string;
  quantity: number;
}

describe("POST /v1/challenges", () => {
  it("issues a 32-byte challenge bound to the verifier, with defaults quantity 1 and 30 s", async () => {
    const response = await api.post("/v1/challenges", { verifierId: GANGNAM_VERIFIER, purpose: "stamp" });
    expect(response.status).toBe(201);
    const body = response.body as ChallengeJson;
    expect(body.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(body.challenge).toMatch(/^[0-9a-f]{64}$/);
    expect(body.expiresAt).toBe(new Date(START_TIME + 30_000).toISOString());
    const bytes = fromHex(body.challenge);
    if (!bytes.ok) throw new Error(bytes.error);
    const decoded = decodeChallenge(bytes.value);
    if (!decoded.ok) throw new Error(decoded.error.detail);
    expect(Buffer.from(decoded.value.verifierId).toString("hex")).toBe(GANGNAM_VERIFIER);
    expect(Buffer.from(decoded.value.nonce).toString("hex")).toBe(body.nonce);
    expect(decoded.value.purpose).toBe(Purpose.STAMP);
    expect(decoded.value.quantity).toBe(1);
    expect(decoded.value.issuedAt).toBe(START_TIME / 1000);
  });

  it("takes purpose, quantity and ttl, and gives a fresh nonce every time", async () => {
    const first = await api.post("/v1/challenges", { verifierId: GANGNAM_VERIFIER, purpose: "clock-in", quantity: 65535, ttlSeconds: 5 });
    const second = await api.post("/v1/challenges", { verifierId: GANGNAM_VERIFIER, purpose: "redeem", quantity: 3, ttlSeconds: 1 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ purpose: "clock-in", quantity: 65535, expiresAt: new Date(START_TIME + 5000).toISOString() });
    expect(second.body).toMatchObject({ purpose: "redeem", quantity: 3, expiresAt: new Date(START_TIME + 1000).toISOString() });
    expect((first.body as ChallengeJson).nonce).not.toBe((second.body as ChallengeJson).nonce);
  });

  it("refuses an unknown verifier with 404 and stores no challenge", async () => {
    const error = await expectRefused(api, () => api.post("/v1/challenges", { verifierId: "ffffffffffffffff", purpose: "stamp" }), 404, "NOT_FOUND");
    expect(error.message).toMatch(/verifier ffffffffffffffff is not registered/);
  });

  it.each([
    ["an unknown purpose", { verifierId: GANGNAM_VERIFIER, purpose: "bake" }, /purpose must be one of "stamp", "redeem", "clock-in", "clock-out"/],
    ["quantity 0", { verifierId: GANGNAM_VERIFIER, purpose: "stamp", quantity: 0 }, /quantity must be >= 1/],
    ["quantity 65536", { verifierId: GANGNAM_VERIFIER, purpose: "stamp", quantity: 65536 }, /quantity must be <= 65535/],
    ["a fractional quantity", { verifierId: GANGNAM_VERIFIER, purpose: "stamp", quantity: 1.5 }, /quantity must be a whole number/],
    ["a quantity as text", { verifierId: GANGNAM_VERIFIER, purpose: "stamp", quantity: "2" }, /quantity must be a whole number/],
    ["ttl 31 s", { verifierId: GANGNAM_VERIFIER, purpose: "stamp", ttlSeconds: 31 }, /ttlSeconds must be <= 30/],
    ["ttl 0 s", { verifierId: GANGNAM_VERIFIER, purpose: "stamp", ttlSeconds: 0 }, /ttlSeconds must be >= 1/],
    ["a short verifier id", { verifierId: "1000", purpose: "stamp" }, /verifierId must be 16 lower-case hex digits/],
    ["a non-hex verifier id", { verifierId: "100000000000000g", purpose: "stamp" }, /verifierId must be 16 lower-case hex/],
    ["a missing purpose", { verifierId: GANGNAM_VERIFIER }, /purpose is required/],
    ["an extra field", { verifierId: GANGNAM_VERIFIER, purpose: "stamp", nonce: "00" }, /nonce is not a known field/],
  ])("refuses %s with 400", async (_what, body, message) => {
    const error = await expectRefused(api, () => api.post("/v1/challenges", body), 400, "INVALID_INPUT");
    expect(error.message).toMatch(message);
  });
});
