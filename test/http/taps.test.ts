import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { toHex } from "../../shared/hex";
import { expectRefused, GANGNAM_NO_BUTTON, GANGNAM_VERIFIER, HONGDAE_VERIFIER, seed, startApi, TestApi } from "./api-harness";
import { newTestStamp, signTap, signTapHex, TestStamp } from "./signed-tap";

// One API for the file, a new stamp for every test: stamps share nothing, so tests stay
// independent; events and alerts are read for the test's own stamp.
let api: TestApi;
let stamp: TestStamp;

beforeAll(async () => {
  api = await startApi();
  await seed(api);
});
afterAll(async () => {
  await api.close();
});

beforeEach(async () => {
  stamp = newTestStamp();
  const registered = await api.post("/v1/stamps", { publicKey: stamp.publicKeyHex, label: "gangnam-1", merchantId: "bean-bros", shopIds: ["gangnam"] });
  expect(registered.status).toBe(201);
});

async function events(): Promise<{ stampId: string; counter: number; purpose: string }[]> {
  return (await api.get(`/v1/events?stampId=${stamp.id}`)).body as { stampId: string; counter: number; purpose: string }[];
}

async function alerts(): Promise<{ kind: string; stampId: string; shopId: string }[]> {
  const all = (await api.get("/v1/alerts?limit=1000")).body as { kind: string; stampId: string; shopId: string }[];
  return all.filter((alert) => alert.stampId === stamp.id);
}

interface VerdictJson {
  accepted: boolean;
  reason: string;
  code: number;
  message: string;
  stampId?: string;
  counter?: number;
}

async function challenge(verifierId: string, purpose = "stamp"): Promise<string> {
  const response = await api.post("/v1/challenges", { verifierId: verifierId, purpose: purpose });
  expect(response.status).toBe(201);
  return (response.body as { challenge: string }).challenge;
}

async function tap(verifierId: string, response: string): Promise<VerdictJson> {
  const reply = await api.post("/v1/taps", { verifierId: verifierId, response: response });
  expect(reply.status).toBe(200);
  return reply.body as VerdictJson;
}

async function stampStatus(id: string): Promise<{ status: string; lastCounter: number }> {
  return (await api.get(`/v1/stamps/${id}`)).body as { status: string; lastCounter: number };
}

describe("POST /v1/taps", () => {
  it("accepts a correctly signed tap and records one ledger event", async () => {
    const verdict = await tap(GANGNAM_VERIFIER, signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 1));
    expect(verdict).toMatchObject({ accepted: true, reason: "ACCEPTED", code: 0, stampId: stamp.id, counter: 1 });
    expect(await stampStatus(stamp.id)).toMatchObject({ status: "active", lastCounter: 1 });
    const recorded = await events();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ stampId: stamp.id, counter: 1, purpose: "stamp", shopId: "gangnam" });
  });

  it("accepts upper-case hex for the response", async () => {
    const verdict = await tap(GANGNAM_VERIFIER, signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 1).toUpperCase());
    expect(verdict.accepted).toBe(true);
  });

  it("refuses a replayed response with CHALLENGE_REUSED and records nothing more", async () => {
    const response = signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 1);
    expect((await tap(GANGNAM_VERIFIER, response)).accepted).toBe(true);
    const replay = await tap(GANGNAM_VERIFIER, response);
    expect(replay).toMatchObject({ accepted: false, reason: "CHALLENGE_REUSED" });
    expect(await events()).toHaveLength(1);
  });

  it("treats a counter regression as a clone: COUNTER_REGRESSION, stamp quarantined, alert raised", async () => {
    expect((await tap(GANGNAM_VERIFIER, signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 5))).accepted).toBe(true);
    const clone = await tap(GANGNAM_VERIFIER, signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 3));
    expect(clone).toMatchObject({ accepted: false, reason: "COUNTER_REGRESSION", stampId: stamp.id, counter: 3 });
    expect(await stampStatus(stamp.id)).toMatchObject({ status: "quarantined", lastCounter: 5 });
    expect(await alerts()).toEqual([expect.objectContaining({ kind: "CLONE_SUSPECTED", stampId: stamp.id, reason: "COUNTER_REGRESSION" })]);
    // Even the genuine stamp with a higher counter is refused now.
    const genuine = await tap(GANGNAM_VERIFIER, signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 6));
    expect(genuine).toMatchObject({ accepted: false, reason: "STAMP_QUARANTINED" });
  });

  it("refuses a stamp used outside its shop with OUTSIDE_SHOP and alerts", async () => {
    const verdict = await tap(HONGDAE_VERIFIER, signTapHex(stamp, await challenge(HONGDAE_VERIFIER), 1));
    expect(verdict).toMatchObject({ accepted: false, reason: "OUTSIDE_SHOP", shopId: "hongdae" });
    expect(await alerts()).toEqual([expect.objectContaining({ kind: "STAMP_OUTSIDE_SHOP", shopId: "hongdae" })]);
    expect(await events()).toEqual([]);
  });

  it("refuses a revoked stamp with STAMP_REVOKED", async () => {
    expect((await api.post(`/v1/stamps/${stamp.id}/revoke`)).status).toBe(200);
    const verdict = await tap(GANGNAM_VERIFIER, signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 1));
    expect(verdict).toMatchObject({ accepted: false, reason: "STAMP_REVOKED" });
    expect((await alerts()).map((alert) => alert.kind)).toEqual(["REVOKED_STAMP_USED"]);
  });

  it("refuses a forged signature with BAD_SIGNATURE", async () => {
    const forger = generateKeyPairSync("ed25519").privateKey;
    const verdict = await tap(GANGNAM_VERIFIER, signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 1, { signingKey: forger }));
    expect(verdict).toMatchObject({ accepted: false, reason: "BAD_SIGNATURE" });
    expect(await stampStatus(stamp.id)).toMatchObject({ status: "active", lastCounter: 0 });
  });

  it("refuses an expired challenge, a challenge from another verifier, an unknown one and an unknown stamp", async () => {
    const old = await challenge(GANGNAM_VERIFIER);
    api.now += 30_001;
    expect(await tap(GANGNAM_VERIFIER, signTapHex(stamp, old, 1))).toMatchObject({ accepted: false, reason: "CHALLENGE_EXPIRED" });

    const hongdaeChallenge = await challenge(HONGDAE_VERIFIER);
    expect(await tap(GANGNAM_VERIFIER, signTapHex(stamp, hongdaeChallenge, 1))).toMatchObject({ accepted: false, reason: "WRONG_VERIFIER" });

    const bytes = signTap(stamp, await challenge(GANGNAM_VERIFIER), 1);
    bytes[9] ^= 0xff; // the nonce: names a challenge nobody issued
    expect(await tap(GANGNAM_VERIFIER, toHex(bytes))).toMatchObject({ accepted: false, reason: "UNKNOWN_CHALLENGE" });

    const stranger = newTestStamp();
    expect(await tap(GANGNAM_VERIFIER, signTapHex(stranger, await challenge(GANGNAM_VERIFIER), 1))).toMatchObject({
      accepted: false,
      reason: "UNKNOWN_STAMP",
    });
  });

  it("refuses a tap without the button at a verifier that needs it, and accepts it at one that does not", async () => {
    const noButton = await tap(GANGNAM_VERIFIER, signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 1, { flags: 0 }));
    expect(noButton).toMatchObject({ accepted: false, reason: "PRESENCE_REQUIRED" });
    const kiosk = await tap(GANGNAM_NO_BUTTON, signTapHex(stamp, await challenge(GANGNAM_NO_BUTTON), 2, { flags: 0 }));
    expect(kiosk).toMatchObject({ accepted: true });
  });

  describe("bad input: 4xx and nothing written", () => {
    it.each([
      ["odd-length hex", (r: string) => r.slice(0, -1)],
      ["a byte short", (r: string) => r.slice(0, -2)],
      ["a byte long", (r: string) => r + "00"],
      ["a non-hex digit", (r: string) => "zz" + r.slice(2)],
      ["empty", () => ""],
    ])("refuses a response that is %s with 400", async (_what, mangle) => {
      const response = mangle(signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 1));
      const error = await expectRefused(api, () => api.post("/v1/taps", { verifierId: GANGNAM_VERIFIER, response: response }), 400, "INVALID_INPUT");
      expect(error.message).toBe("response must be 188 hex digits (the 94-byte tap response)");
    });

    it("refuses bytes that do not decode as a tap response (wrong version, counter 0, unknown flags) with 400", async () => {
      const good = signTap(stamp, await challenge(GANGNAM_VERIFIER), 1);
      const version = good.slice();
      version[0] = 2;
      const v = await expectRefused(api, () => api.post("/v1/taps", { verifierId: GANGNAM_VERIFIER, response: toHex(version) }), 400, "INVALID_INPUT");
      expect(v.message).toMatch(/version 2 is not supported/);
      const counterZero = good.slice();
      counterZero.fill(0, 25, 29);
      await expectRefused(api, () => api.post("/v1/taps", { verifierId: GANGNAM_VERIFIER, response: toHex(counterZero) }), 400, "INVALID_INPUT");
      const flags = good.slice();
      flags[29] = 0x80;
      const f = await expectRefused(api, () => api.post("/v1/taps", { verifierId: GANGNAM_VERIFIER, response: toHex(flags) }), 400, "INVALID_INPUT");
      expect(f.message).toMatch(/unknown flag bits/);
      // The challenge was not burnt by the malformed attempts: the good response still works.
      expect((await tap(GANGNAM_VERIFIER, toHex(good))).accepted).toBe(true);
    });

    it("refuses an unknown verifier with 404, without burning the challenge", async () => {
      const response = signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 1);
      const error = await expectRefused(api, () => api.post("/v1/taps", { verifierId: "ffffffffffffffff", response: response }), 404, "NOT_FOUND");
      expect(error.message).toMatch(/verifier ffffffffffffffff is not registered/);
      expect((await tap(GANGNAM_VERIFIER, response)).accepted).toBe(true);
    });

    it("refuses missing fields, extra fields and wrong types with 400", async () => {
      const response = signTapHex(stamp, await challenge(GANGNAM_VERIFIER), 1);
      await expectRefused(api, () => api.post("/v1/taps", { response: response }), 400, "INVALID_INPUT");
      await expectRefused(api, () => api.post("/v1/taps", { verifierId: GANGNAM_VERIFIER }), 400, "INVALID_INPUT");
      await expectRefused(api, () => api.post("/v1/taps", { verifierId: GANGNAM_VERIFIER, response: response, at: 1 }), 400, "INVALID_INPUT");
      await expectRefused(api, () => api.post("/v1/taps", { verifierId: GANGNAM_VERIFIER, response: [response] }), 400, "INVALID_INPUT");
      await expectRefused(api, () => api.post("/v1/taps", { verifierId: GANGNAM_VERIFIER.toUpperCase().replace(/0/g, "A"), response: response }), 400, "INVALID_INPUT");
      expect((await tap(GANGNAM_VERIFIER, response)).accepted).toBe(true);
    });
  });
});
