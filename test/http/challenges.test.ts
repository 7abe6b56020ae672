import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeChallenge } from "../../shared/challenge";
import { fromHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { MAX_OPEN_CHALLENGES } from "../../host/core/challenge-service";
import { call, challengeFor, expectRefused, GANGNAM_VERIFIER, HONGDAE_VERIFIER, NET_TIMEOUT, queryValue, seed, Seeded, START_TIME, startApi, TestApi } from "./api-harness";
import { describeEachStore } from "../support/test-stores";

// A fresh API for every test: the open-challenge cap counts what earlier tests left open.
let api: TestApi;
let world: Seeded;

function decoded(challengeHex: string): ReturnType<typeof decodeChallenge> & { ok: true } {
  const bytes = fromHex(challengeHex);
  if (!bytes.ok) throw new Error(bytes.error);
  const challenge = decodeChallenge(bytes.value);
  if (!challenge.ok) throw new Error(challenge.error.detail);
  return challenge;
}

describeEachStore("challenges", (kind) => {
  beforeEach(async () => {
    api = await startApi(kind);
    world = await seed(api);
  }, NET_TIMEOUT);
  afterEach(async () => {
    await api.close();
  });

  describe("POST /v1/challenges (a counter station, for its own verifier)", { timeout: NET_TIMEOUT }, () => {
    it("issues a 32-byte challenge bound to the station's verifier, worth what the merchant configured, for 30 s", async () => {
      const body = await challengeFor(world.beanBros.gangnamStation);
      expect(body).toMatchObject({ verifierId: GANGNAM_VERIFIER, purpose: "stamp", quantity: 1, expiresAt: new Date(START_TIME + 30_000).toISOString() });
      expect(body.nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(body.challenge).toMatch(/^[0-9a-f]{64}$/);
      const challenge = decoded(body.challenge).value;
      expect(Buffer.from(challenge.verifierId).toString("hex")).toBe(GANGNAM_VERIFIER);
      expect(Buffer.from(challenge.nonce).toString("hex")).toBe(body.nonce);
      expect(challenge.purpose).toBe(Purpose.STAMP);
      expect(challenge.quantity).toBe(1);
      expect(challenge.issuedAt).toBe(START_TIME / 1000);
    });

    it("accepts an empty JSON object as the body too, and gives a fresh nonce every time", async () => {
      const first = await call<{ nonce: string }>(world.beanBros.gangnamStation.client, "POST", "/v1/challenges", {}, 201);
      const second = await challengeFor(world.beanBros.gangnamStation);
      expect(first.nonce).not.toBe(second.nonce);
    });

    it("takes purpose and quantity from the verifier's configuration, which only the merchant sets", async () => {
      await call(world.beanBros.owner.client, "PATCH", `/v1/verifiers/${GANGNAM_VERIFIER}`, { purpose: "redeem", quantity: 7 }, 200);
      const body = await challengeFor(world.beanBros.gangnamStation);
      expect(body).toMatchObject({ purpose: "redeem", quantity: 7 });
      expect(decoded(body.challenge).value).toMatchObject({ purpose: Purpose.REDEEM, quantity: 7 });
      // The hongdae station's verifier is untouched.
      expect(await challengeFor(world.beanBros.hongdaeStation)).toMatchObject({ verifierId: HONGDAE_VERIFIER, purpose: "stamp", quantity: 1 });
    });

    it.each([
      ["a purpose and a quantity of its choosing", { purpose: "redeem", quantity: 65535 }, /purpose is not a known field/],
      ["a quantity alone", { quantity: 65535 }, /quantity is not a known field/],
      ["another verifier", { verifierId: HONGDAE_VERIFIER }, /verifierId is not a known field/],
      ["a ttl", { ttlSeconds: 30 }, /ttlSeconds is not a known field/],
      ["a nonce", { nonce: "00" }, /nonce is not a known field/],
    ])("refuses a station asking for %s with 400, storing nothing", async (_what, body, message) => {
      const error = await expectRefused(api, () => world.beanBros.gangnamStation.client.request("POST", "/v1/challenges", body), 400, "INVALID_INPUT");
      expect(error.message).toMatch(message);
    });

    it("refuses a body that is not an object", async () => {
      const station = world.beanBros.gangnamStation.client;
      await expectRefused(api, () => station.request("POST", "/v1/challenges", [] as unknown as object), 400, "INVALID_INPUT");
    });

    it("refuses people with 403 and no credential with 401", async () => {
      for (const person of [world.operator, world.beanBros.owner, world.beanBros.manager, world.beanBros.auditor]) {
        await expectRefused(api, () => person.client.request("POST", "/v1/challenges"), 403, "FORBIDDEN");
      }
      await expectRefused(api, () => world.beanBros.flasher.client.request("POST", "/v1/challenges"), 403, "FORBIDDEN");
      await expectRefused(api, () => api.anonymous.request("POST", "/v1/challenges"), 401, "UNAUTHENTICATED");
    });

    it(`caps open challenges at ${MAX_OPEN_CHALLENGES} per verifier (429), and purges expired ones`, async () => {
      const station = world.beanBros.gangnamStation;
      for (let i = 0; i < MAX_OPEN_CHALLENGES; i++) await challengeFor(station);
      const error = await expectRefused(api, () => station.client.request("POST", "/v1/challenges"), 429, "TOO_MANY_OPEN_CHALLENGES");
      expect(error.message).toMatch(/16 open challenges/);
      // Another verifier has its own budget.
      await challengeFor(world.beanBros.hongdaeStation);
      const count = () => queryValue(api, "SELECT COUNT(*) FROM challenges WHERE verifier_id = ?", GANGNAM_VERIFIER);
      expect(await count()).toBe(MAX_OPEN_CHALLENGES);

      // Once they expire they no longer count, and they are deleted as a new one is issued.
      api.now += 30_001;
      await challengeFor(station);
      expect(await count()).toBe(1);
    });
  });
});
