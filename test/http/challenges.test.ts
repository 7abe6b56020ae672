import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeChallenge } from "../../shared/challenge";
import { fromHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { MAX_OPEN_CHALLENGES } from "../../host/core/challenge-service";
import { call, challengeFor, enrolStation, expectRefused, GANGNAM_VERIFIER, HONGDAE_VERIFIER, NET_TIMEOUT, queryValue, registerStamp, seed, Seeded, START_TIME, startApi, Station, TestApi } from "./api-harness";
import { newTestStamp, signTapHex } from "./signed-tap";
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

async function tapOf(station: Station, response: string): Promise<{ accepted: boolean; reason: string }> {
  return call<{ accepted: boolean; reason: string }>(station.client, "POST", "/v1/taps", { response: response }, 200);
}

/** Which of these challenges are still open (stored, unused), straight from the database, sorted. */
async function stillOpen(answers: readonly { body: unknown }[]): Promise<string[]> {
  const open: string[] = [];
  for (const answer of answers) {
    const nonce = (answer.body as { nonce: string }).nonce;
    if (Number(await queryValue(api, "SELECT COUNT(*) FROM challenges WHERE nonce = ? AND used_at IS NULL", nonce)) === 1) open.push(nonce);
  }
  return open.sort();
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

    it(`at its ${MAX_OPEN_CHALLENGES} open challenges, a station's oldest is retired for the new one, its reply refused as UNKNOWN_CHALLENGE; expired ones are purged`, async () => {
      const station = world.beanBros.gangnamStation;
      const stamp = newTestStamp();
      await registerStamp(world.beanBros.flasher, stamp, { label: "superseding", shopIds: ["gangnam"] });
      // A junk card touched to the counter again and again: each contact asks for a challenge it never answers.
      const issued: string[] = [];
      for (let i = 0; i < MAX_OPEN_CHALLENGES + 4; i++) {
        api.now += 1;
        issued.push((await challengeFor(station)).challenge);
      }
      const count = () => queryValue(api, "SELECT COUNT(*) FROM challenges WHERE verifier_id = ?", GANGNAM_VERIFIER);
      expect(Number(await count())).toBe(MAX_OPEN_CHALLENGES);
      // The four oldest were retired: their replies are refused like any unknown challenge's, and write nothing.
      for (const retired of issued.slice(0, 4)) expect(await tapOf(station, signTapHex(stamp, retired, 1))).toMatchObject({ accepted: false, reason: "UNKNOWN_CHALLENGE" });
      // The genuine press answers the newest; the oldest still open is still good too.
      expect(await tapOf(station, signTapHex(stamp, issued[4], 1))).toMatchObject({ accepted: true, reason: "ACCEPTED" });
      expect(await tapOf(station, signTapHex(stamp, issued[issued.length - 1], 2))).toMatchObject({ accepted: true, reason: "ACCEPTED" });
      // Another verifier has its own budget.
      await challengeFor(world.beanBros.hongdaeStation);
      expect(Number(await count())).toBe(MAX_OPEN_CHALLENGES);

      // Once they expire they no longer count, and they are deleted as a new one is issued.
      api.now += 30_001;
      await challengeFor(station);
      expect(Number(await count())).toBe(1);
    });

    it("serves every request of one station's flood, keeps only 16 of them open, and leaves the other stations of its verifier alone", async () => {
      // A second counter station at gangnam (a kiosk beside the till), enrolled as any other.
      const till = world.beanBros.gangnamStation;
      const kiosk = await enrolStation(api, world.beanBros.owner.client, { role: "counter-station", verifierId: GANGNAM_VERIFIER }, "gangnam kiosk 2");
      const stamp = newTestStamp();
      await registerStamp(world.beanBros.flasher, stamp, { label: "flooded", shopIds: ["gangnam"] });
      // The till, stolen or broken, asks for challenges concurrently: every request is served, and each
      // past its share retires one of its older challenges, so it never holds more than 16 open.
      const flood = await Promise.all(Array.from({ length: MAX_OPEN_CHALLENGES * 2 }, () => till.client.request("POST", "/v1/challenges")));
      expect(flood.map((answer) => answer.status)).toEqual(Array.from({ length: MAX_OPEN_CHALLENGES * 2 }, () => 201));
      const tillOpen = await stillOpen(flood);
      expect(tillOpen).toHaveLength(MAX_OPEN_CHALLENGES);
      // The kiosk is still served, concurrently too, up to its own share and past it the same way.
      const kioskAnswers = await Promise.all(Array.from({ length: MAX_OPEN_CHALLENGES + 1 }, () => kiosk.client.request("POST", "/v1/challenges")));
      expect(kioskAnswers.map((answer) => answer.status)).toEqual(Array.from({ length: MAX_OPEN_CHALLENGES + 1 }, () => 201));
      expect(await stillOpen(kioskAnswers)).toHaveLength(MAX_OPEN_CHALLENGES);
      // ...without retiring any of the till's.
      expect(await stillOpen(flood)).toEqual(tillOpen);
      const open = await queryValue(api, "SELECT COUNT(*) FROM challenges WHERE verifier_id = ? AND used_at IS NULL", GANGNAM_VERIFIER);
      expect(Number(open)).toBe(2 * MAX_OPEN_CHALLENGES);

      // Answered, the 16 retired challenges are refused as unknown; the 16 still open are accepted.
      const verdicts: { nonce: string; reason: string }[] = [];
      for (const [i, answer] of flood.entries()) {
        const body = answer.body as { challenge: string; nonce: string };
        const verdict = await tapOf(till, signTapHex(stamp, body.challenge, i + 1));
        verdicts.push({ nonce: body.nonce, reason: verdict.reason });
      }
      expect(verdicts.filter((v) => v.reason === "UNKNOWN_CHALLENGE").map((v) => v.nonce).sort()).toEqual(
        flood.map((answer) => (answer.body as { nonce: string }).nonce).filter((nonce) => !tillOpen.includes(nonce)).sort(),
      );
      expect(verdicts.filter((v) => v.reason === "ACCEPTED").map((v) => v.nonce).sort()).toEqual(tillOpen);
    });
  });
});
