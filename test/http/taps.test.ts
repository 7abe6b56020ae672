import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { toHex } from "../../shared/hex";
import { credentialHeaders } from "../../host/client/api-client";
import {
  call,
  challengeFor,
  enrolStation,
  expectRefused,
  GANGNAM_NO_BUTTON,
  GANGNAM_VERIFIER,
  HONGDAE_VERIFIER,
  NET_TIMEOUT,
  queryValue,
  registerStamp,
  seed,
  Seeded,
  Station,
  startApi,
  TestApi,
} from "./api-harness";
import { describeEachStore } from "../support/test-stores";
import { newTestStamp, signTap, signTapHex, TestStamp } from "./signed-tap";

// One API per store (the tests run once on each, below), a new stamp for every test: stamps share nothing, so tests stay
// independent; events and alerts are read for the test's own stamp.
let api: TestApi;
let world: Seeded;
let stamp: TestStamp;
/** The test's stamp's label: labels are unique within a merchant, so each test's stamp has its own. */
let label: string;
let stampsRegistered = 0;


interface EventJson {
  stampId: string;
  counter: number;
  purpose: string;
  quantity: number;
  shopId: string;
  verifierId: string;
}

async function events(): Promise<EventJson[]> {
  return (await call<{ items: EventJson[] }>(world.beanBros.auditor.client, "GET", `/v1/events?stampId=${stamp.id}`, undefined, 200)).items;
}

async function alerts(): Promise<{ kind: string; stampId: string; shopId: string; reason: string }[]> {
  const all = await call<{ items: { kind: string; stampId: string; shopId: string; reason: string }[] }>(world.beanBros.auditor.client, "GET", "/v1/alerts?limit=1000", undefined, 200);
  return all.items.filter((alert) => alert.stampId === stamp.id);
}

interface VerdictJson {
  accepted: boolean;
  reason: string;
  code: number;
  message: string;
  stampId?: string;
  counter?: number;
}

function gangnam(): Station {
  return world.beanBros.gangnamStation;
}

async function challenge(station: Station = gangnam()): Promise<string> {
  return (await challengeFor(station)).challenge;
}

async function tap(response: string, station: Station = gangnam()): Promise<VerdictJson> {
  return call<VerdictJson>(station.client, "POST", "/v1/taps", { response: response }, 200);
}

async function stampStatus(id: string): Promise<{ status: string; lastCounter: number }> {
  return call(world.beanBros.owner.client, "GET", `/v1/stamps/${id}`, undefined, 200);
}

describeEachStore("the tap API", (kind) => {
  beforeAll(async () => {
    api = await startApi(kind);
    world = await seed(api);
  }, NET_TIMEOUT);
  afterAll(async () => {
    await api.close();
  });

  beforeEach(async () => {
    stamp = newTestStamp();
    label = `gangnam-${++stampsRegistered}`;
    await registerStamp(world.beanBros.flasher, stamp, { label: label, shopIds: ["gangnam"] });
  });

  describe("POST /v1/taps (a counter station, for its own verifier)", { timeout: NET_TIMEOUT }, () => {
    it("accepts a correctly signed tap and records one ledger event", async () => {
      const verdict = await tap(signTapHex(stamp, await challenge(), 1));
      expect(verdict).toMatchObject({ accepted: true, reason: "ACCEPTED", code: 0, stampId: stamp.id, counter: 1, sentence: "the tap counted: the stamp is genuine and belongs here" });
      expect(await stampStatus(stamp.id)).toMatchObject({ status: "active", lastCounter: 1 });
      expect(await events()).toEqual([expect.objectContaining({ stampId: stamp.id, counter: 1, purpose: "stamp", quantity: 1, shopId: "gangnam", verifierId: GANGNAM_VERIFIER })]);
    });

    it("accepts upper-case hex for the response", async () => {
      expect((await tap(signTapHex(stamp, await challenge(), 1).toUpperCase())).accepted).toBe(true);
    });

    it("records what the merchant configured the verifier for, never what the station would like", async () => {
      await call(world.beanBros.owner.client, "PATCH", `/v1/verifiers/${GANGNAM_VERIFIER}`, { purpose: "redeem", quantity: 5 }, 200);
      try {
        // The station cannot ask for more: the old body fields are unknown now.
        await expectRefused(api, () => gangnam().client.request("POST", "/v1/challenges", { purpose: "redeem", quantity: 65535 }), 400, "INVALID_INPUT");
        expect((await tap(signTapHex(stamp, await challenge(), 1))).accepted).toBe(true);
        expect(await events()).toEqual([expect.objectContaining({ purpose: "redeem", quantity: 5 })]);
        expect(await queryValue(api, "SELECT quantity FROM ledger WHERE stamp_id = ?", stamp.id)).toBe(5);
      } finally {
        await call(world.beanBros.owner.client, "PATCH", `/v1/verifiers/${GANGNAM_VERIFIER}`, { purpose: "stamp", quantity: 1 }, 200);
      }
    });

    it("refuses a replayed response with CHALLENGE_REUSED and records nothing more", async () => {
      const response = signTapHex(stamp, await challenge(), 1);
      expect((await tap(response)).accepted).toBe(true);
      expect(await tap(response)).toMatchObject({ accepted: false, reason: "CHALLENGE_REUSED" });
      expect(await events()).toHaveLength(1);
    });

    it("accepts exactly one of 50 concurrent copies of one tap", async () => {
      const response = signTapHex(stamp, await challenge(), 1);
      const verdicts = await Promise.all(Array.from({ length: 50 }, () => tap(response)));
      expect(verdicts.filter((v) => v.accepted)).toHaveLength(1);
      expect(verdicts.filter((v) => !v.accepted).map((v) => v.reason)).toEqual(Array(49).fill("CHALLENGE_REUSED"));
      expect(await events()).toHaveLength(1);
      expect(await queryValue(api, "SELECT COUNT(*) FROM ledger WHERE stamp_id = ?", stamp.id)).toBe(1);
    });

    it("refuses a lower counter after a higher one (COUNTER_REGRESSION, LATE_COUNTER alert) without quarantine", async () => {
      expect((await tap(signTapHex(stamp, await challenge(), 5))).accepted).toBe(true);
      const late = await tap(signTapHex(stamp, await challenge(), 3));
      expect(late).toMatchObject({ accepted: false, reason: "COUNTER_REGRESSION", stampId: stamp.id, counter: 3 });
      expect(await stampStatus(stamp.id)).toMatchObject({ status: "active", lastCounter: 5 });
      expect(await alerts()).toEqual([expect.objectContaining({ kind: "LATE_COUNTER", reason: "COUNTER_REGRESSION" })]);
      expect((await tap(signTapHex(stamp, await challenge(), 6))).accepted).toBe(true);
    });

    it("quarantines on proof of a clone: one counter validly signed over two challenges (COUNTER_FORK, CLONE_PROVEN)", async () => {
      expect((await tap(signTapHex(stamp, await challenge(), 4))).accepted).toBe(true);
      const fork = await tap(signTapHex(stamp, await challenge(), 4));
      expect(fork).toMatchObject({ accepted: false, reason: "COUNTER_FORK", code: 15, sentence: expect.stringMatching(/^this stamp has been copied/) });
      expect(await stampStatus(stamp.id)).toMatchObject({ status: "quarantined", lastCounter: 4 });
      expect(await alerts()).toEqual([expect.objectContaining({ kind: "CLONE_PROVEN", reason: "COUNTER_FORK" })]);
      expect(await tap(signTapHex(stamp, await challenge(), 9))).toMatchObject({ accepted: false, reason: "STAMP_QUARANTINED" });
    });

    it("refuses a stamp used outside its shop with OUTSIDE_SHOP and alerts", async () => {
      const hongdae = world.beanBros.hongdaeStation;
      const verdict = await tap(signTapHex(stamp, await challenge(hongdae), 1), hongdae);
      expect(verdict).toMatchObject({ accepted: false, reason: "OUTSIDE_SHOP" });
      expect(await alerts()).toEqual([expect.objectContaining({ kind: "STAMP_OUTSIDE_SHOP", shopId: "hongdae" })]);
      expect(await events()).toEqual([]);
    });

    it("refuses a revoked stamp with STAMP_REVOKED", async () => {
      await call(world.beanBros.owner.client, "POST", `/v1/stamps/${stamp.id}/revoke`, undefined, 200);
      expect(await tap(signTapHex(stamp, await challenge(), 1))).toMatchObject({ accepted: false, reason: "STAMP_REVOKED" });
      expect((await alerts()).map((alert) => alert.kind)).toEqual(["REVOKED_STAMP_USED"]);
    });

    it("refuses a forged signature with BAD_SIGNATURE, without spending the challenge", async () => {
      const issued = await challenge();
      const forger = generateKeyPairSync("ed25519").privateKey;
      expect(await tap(signTapHex(stamp, issued, 1, { signingKey: forger }))).toMatchObject({ accepted: false, reason: "BAD_SIGNATURE" });
      expect(await stampStatus(stamp.id)).toMatchObject({ status: "active", lastCounter: 0 });
      expect((await tap(signTapHex(stamp, issued, 1))).accepted).toBe(true);
    });

    it("refuses an expired challenge, an unknown one and an unknown stamp", async () => {
      const old = await challenge();
      api.now += 30_001;
      expect(await tap(signTapHex(stamp, old, 1))).toMatchObject({ accepted: false, reason: "CHALLENGE_EXPIRED" });

      const bytes = signTap(stamp, await challenge(), 1);
      bytes[9] ^= 0xff; // the nonce: names a challenge nobody issued
      expect(await tap(toHex(bytes))).toMatchObject({ accepted: false, reason: "UNKNOWN_CHALLENGE" });

      const stranger = newTestStamp();
      expect(await tap(signTapHex(stranger, await challenge(), 1))).toMatchObject({ accepted: false, reason: "UNKNOWN_STAMP" });
    });

    it("refuses a tap without the button at a verifier that needs it, and accepts it at one that does not", async () => {
      expect(await tap(signTapHex(stamp, await challenge(), 1, { flags: 0 }))).toMatchObject({ accepted: false, reason: "PRESENCE_REQUIRED" });
      const kiosk = world.beanBros.kioskStation;
      expect(await tap(signTapHex(stamp, await challenge(kiosk), 2, { flags: 0 }), kiosk)).toMatchObject({ accepted: true });
      expect((await events()).map((e) => e.verifierId)).toEqual([GANGNAM_NO_BUTTON]);
    });
  });

  describe("the issue's attack: a station acting for another verifier", { timeout: NET_TIMEOUT }, () => {
    it("cannot name a verifier: the tap body's verifierId is refused (400)", async () => {
      const response = signTapHex(stamp, await challenge(world.beanBros.hongdaeStation), 1);
      const error = await expectRefused(api, () => gangnam().client.request("POST", "/v1/taps", { verifierId: HONGDAE_VERIFIER, response: response }), 400, "INVALID_INPUT");
      expect(error.message).toMatch(/verifierId is not a known field/);
    });

    it("its taps count only for its own verifier's challenges: another verifier's challenge is WRONG_VERIFIER, and stays unspent", async () => {
      const hongdae = world.beanBros.hongdaeStation;
      const theirs = await challengeFor(hongdae);
      const response = signTapHex(stamp, theirs.challenge, 1);
      expect(await tap(response, gangnam())).toMatchObject({ accepted: false, reason: "WRONG_VERIFIER" });
      expect(await events()).toEqual([]);
      expect(await queryValue(api, "SELECT used_at FROM challenges WHERE nonce = ?", theirs.nonce)).toBeNull();
    });

    it("a tea-house station cannot use bean-bros' challenges either", async () => {
      const response = signTapHex(stamp, await challenge(), 1);
      expect(await tap(response, world.teaHouse.station)).toMatchObject({ accepted: false, reason: "WRONG_VERIFIER" });
      expect((await tap(response)).accepted).toBe(true);
    });
  });

  describe("another merchant's stamp at a counter station answers like a stamp that does not exist", { timeout: NET_TIMEOUT }, () => {
    // Known host bug (reported): decideTap (host/core/tap-decision.ts) looks the stamp up without its
    // merchant, so a tea-house station learns bean-bros' stamp label and writes alerts into
    // bean-bros' alert list with junk that names a bean-bros stamp id. These tests stay failing until fixed.
    async function teaTap(response: (challenge: string) => string): Promise<Record<string, unknown>> {
      const tea = world.teaHouse.station;
      const { challenge } = await challengeFor(tea);
      return call(tea.client, "POST", "/v1/taps", { response: response(challenge) }, 200);
    }

    function withoutId(verdict: Record<string, unknown>, id: string): string {
      return JSON.stringify(verdict).replaceAll(id, "<id>");
    }

    it("a forged response naming a bean-bros stamp: UNKNOWN_STAMP, no label, no alert for bean-bros", async () => {
      const nobody = newTestStamp();
      const forger = generateKeyPairSync("ed25519").privateKey;
      const absent = await teaTap((c) => signTapHex(nobody, c, 7, { signingKey: forger }));
      const alertsBefore = await alerts();
      const foreign = await teaTap((c) => signTapHex(stamp, c, 7, { signingKey: forger }));
      expect(JSON.stringify(foreign)).not.toContain(`"${label}"`);
      expect(withoutId(foreign, stamp.id)).toBe(withoutId(absent, nobody.id));
      expect(await alerts()).toEqual(alertsBefore);
    });

    it("a genuine bean-bros stamp pressed at tea-house: answered like an unknown stamp, without bean-bros' label", async () => {
      const nobody = newTestStamp();
      const absent = await teaTap((c) => signTapHex(nobody, c, 7));
      const foreign = await teaTap((c) => signTapHex(stamp, c, 7));
      expect(JSON.stringify(foreign)).not.toContain(`"${label}"`);
      expect(withoutId(foreign, stamp.id)).toBe(withoutId(absent, nobody.id));
    });
  });

  describe("who may submit taps", { timeout: NET_TIMEOUT }, () => {
    it("refuses people and flashing stations with 403 and no credential with 401, writing nothing", async () => {
      const response = signTapHex(stamp, await challenge(), 1);
      for (const client of [world.operator.client, world.beanBros.owner.client, world.beanBros.manager.client, world.beanBros.auditor.client, world.beanBros.flasher.client]) {
        await expectRefused(api, () => client.request("POST", "/v1/taps", { response: response }), 403, "FORBIDDEN");
      }
      await expectRefused(api, () => api.anonymous.request("POST", "/v1/taps", { response: response }), 401, "UNAUTHENTICATED");
      expect((await tap(response)).accepted).toBe(true);
    });
  });

  describe("the issue's attacks on station signatures: every one is 401 and writes nothing", { timeout: NET_TIMEOUT }, () => {
    /** Signs one request as `station` (headers and body), to send it as often as the attacker likes. */
    function signedRequest(station: Station, path: string, body: object | undefined, nowMs = api.now) {
      const transport = api.transport();
      const bytes = body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(body));
      const headers = {
        accept: "application/json",
        ...(bytes === undefined ? {} : { "content-type": "application/json" }),
        ...credentialHeaders({ kind: "station", keyId: station.keyId, privateKey: station.privateKey }, { method: "POST", authority: transport.authority, pathAndQuery: path, body: bytes ?? new Uint8Array(0) }, nowMs),
      };
      return {
        send: async () => {
          const answer = await transport.request("POST", path, headers, bytes);
          return { status: answer.status, body: JSON.parse(answer.body) as unknown };
        },
        headers: headers,
        bytes: bytes,
        transport: transport,
      };
    }

    const challengeCount = () => queryValue(api, "SELECT COUNT(*) FROM challenges WHERE verifier_id = ?", GANGNAM_VERIFIER);

    it("a captured challenge request sent again (same headers, same body) is refused the second time", async () => {
      const captured = signedRequest(gangnam(), "/v1/challenges", undefined);
      expect((await captured.send()).status).toBe(201);
      const before = await challengeCount();
      const error = await expectRefused(api, captured.send, 401, "UNAUTHENTICATED");
      expect(error.message).toMatch(/already used \(replay\)/);
      expect(await challengeCount()).toBe(before);
    });

    it("a captured tap request sent again is refused the second time, before any verdict", async () => {
      const captured = signedRequest(gangnam(), "/v1/taps", { response: signTapHex(stamp, await challenge(), 1) });
      expect((await captured.send()).body).toMatchObject({ accepted: true });
      const error = await expectRefused(api, captured.send, 401, "UNAUTHENTICATED");
      expect(error.message).toMatch(/replay/);
    });

    it("a request signed more than 60 s ago, or in the future, is refused", async () => {
      const old = signedRequest(gangnam(), "/v1/challenges", undefined, api.now - 61_000);
      expect((await expectRefused(api, old.send, 401, "UNAUTHENTICATED")).message).toMatch(/too old/);
      const ahead = signedRequest(gangnam(), "/v1/challenges", undefined, api.now + 61_000);
      expect((await expectRefused(api, ahead.send, 401, "UNAUTHENTICATED")).message).toMatch(/future/);
      // Through the client: a station whose clock is two minutes slow.
      const slow = api.client({ kind: "station", keyId: gangnam().keyId, privateKey: gangnam().privateKey }, () => api.now - 120_000);
      await expectRefused(api, () => slow.request("POST", "/v1/challenges"), 401, "UNAUTHENTICATED");
    });

    it("a signed request whose body was changed in transit is refused", async () => {
      const captured = signedRequest(gangnam(), "/v1/taps", { response: signTapHex(stamp, await challenge(), 1) });
      const changed = new TextEncoder().encode(JSON.stringify({ response: signTapHex(stamp, await challenge(), 2) }));
      const send = async () => {
        const answer = await captured.transport.request("POST", "/v1/taps", captured.headers, changed);
        return { status: answer.status, body: JSON.parse(answer.body) as unknown };
      };
      expect((await expectRefused(api, send, 401, "UNAUTHENTICATED")).message).toMatch(/Content-Digest/);
    });

    it("a key nobody enrolled, or another station's keyid, is refused", async () => {
      const stranger = generateKeyPairSync("ed25519").privateKey;
      const unknown = api.client({ kind: "station", keyId: "0123456789abcdef", privateKey: stranger });
      expect((await expectRefused(api, () => unknown.request("POST", "/v1/challenges"), 401, "UNAUTHENTICATED")).message).toMatch(/unknown station key/);
      const impostor = api.client({ kind: "station", keyId: gangnam().keyId, privateKey: stranger });
      expect((await expectRefused(api, () => impostor.request("POST", "/v1/challenges"), 401, "UNAUTHENTICATED")).message).toMatch(/does not verify/);
    });

    it("a revoked station key is refused at once", async () => {
      const spare: Station = await enrolStation(api, world.beanBros.owner.client, { role: "counter-station", verifierId: GANGNAM_VERIFIER }, "spare counter");
      const issued = await challengeFor(spare);
      await call(world.beanBros.owner.client, "POST", `/v1/credentials/${spare.keyId}/revoke`, undefined, 200);
      expect((await expectRefused(api, () => spare.client.request("POST", "/v1/challenges"), 401, "UNAUTHENTICATED")).message).toMatch(/revoked/);
      await expectRefused(api, () => spare.client.request("POST", "/v1/taps", { response: signTapHex(stamp, issued.challenge, 1) }), 401, "UNAUTHENTICATED");
    });
  });

  describe("bad input: 4xx and nothing written", { timeout: NET_TIMEOUT }, () => {
    it.each([
      ["odd-length hex", (r: string) => r.slice(0, -1)],
      ["a byte short", (r: string) => r.slice(0, -2)],
      ["a byte long", (r: string) => r + "00"],
      ["a non-hex digit", (r: string) => "zz" + r.slice(2)],
      ["empty", () => ""],
    ])("refuses a response that is %s with 400", async (_what, mangle) => {
      const response = mangle(signTapHex(stamp, await challenge(), 1));
      const error = await expectRefused(api, () => gangnam().client.request("POST", "/v1/taps", { response: response }), 400, "INVALID_INPUT");
      expect(error.message).toBe("response must be 188 hex digits (the 94-byte tap response)");
    });

    it("refuses bytes that do not decode as a tap response (wrong version, counter 0, unknown flags) with 400", async () => {
      const good = signTap(stamp, await challenge(), 1);
      const post = (bytes: Uint8Array) => () => gangnam().client.request("POST", "/v1/taps", { response: toHex(bytes) });
      const version = good.slice();
      version[0] = 2;
      expect((await expectRefused(api, post(version), 400, "INVALID_INPUT")).message).toMatch(/version 2 is not supported/);
      const counterZero = good.slice();
      counterZero.fill(0, 25, 29);
      await expectRefused(api, post(counterZero), 400, "INVALID_INPUT");
      const flags = good.slice();
      flags[29] = 0x80;
      expect((await expectRefused(api, post(flags), 400, "INVALID_INPUT")).message).toMatch(/unknown flag bits/);
      // The challenge was not burnt by the malformed attempts: the good response still works.
      expect((await tap(toHex(good))).accepted).toBe(true);
    });

    it("refuses missing fields, extra fields and wrong types with 400", async () => {
      const response = signTapHex(stamp, await challenge(), 1);
      const station = gangnam().client;
      await expectRefused(api, () => station.request("POST", "/v1/taps", {}), 400, "INVALID_INPUT");
      await expectRefused(api, () => station.request("POST", "/v1/taps", { response: response, at: 1 }), 400, "INVALID_INPUT");
      await expectRefused(api, () => station.request("POST", "/v1/taps", { response: [response] }), 400, "INVALID_INPUT");
      await expectRefused(api, () => station.request("POST", "/v1/taps"), 400, "INVALID_INPUT");
      expect((await tap(response)).accepted).toBe(true);
    });
  });
});
