/**
 * A forged stamp registration is refused and alerts the owner, naming the flashing station that
 * sent it (host/core/registration-alert.ts): no proof, a weak key, a proof that does not verify,
 * a challenge never issued to that station. The alerts are bounded: one per station per window,
 * however many forgeries, concurrent ones included. Refusals an honest station meets raise none.
 * On both stores.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { FORGED_REGISTRATION_ALERT_WINDOW_MS } from "../../host/core/registration-alert";
import { DASHBOARD_KOREAN } from "../../host/dashboard/i18n/dashboard-ko";
import { stampsPage } from "../../host/dashboard/pages/stamps-page";
import { call, enrolStation, expectRefused, NET_TIMEOUT, provisioningChallenge, queryValue, seed, Seeded, stampBody, startApi, Station, TEST_FIRMWARE_HASH, TestApi } from "./api-harness";
import { newTestStamp } from "./signed-tap";
import { describeEachStore } from "../support/test-stores";

/** The identity point: a small-order key for which R = identity, S = 0 "verifies" any message. */
const IDENTITY_KEY = "01" + "00".repeat(31);
const KEYLESS_SIGNATURE = "01" + "00".repeat(31) + "00".repeat(32);

interface AlertItem {
  kind: string;
  reason: string;
  stationId: string;
  stationLabel: string | null;
  stampId: string;
  detail: string;
  sentence: string;
  reasonSentence: string;
}

let api: TestApi;
let world: Seeded;

async function alerts(): Promise<AlertItem[]> {
  return (await call<{ items: AlertItem[] }>(world.beanBros.owner.client, "GET", "/v1/alerts", undefined, 200)).items;
}

async function forgedAlerts(): Promise<AlertItem[]> {
  return (await alerts()).filter((alert) => alert.kind === "FORGED_REGISTRATION");
}

/** Each kind of forgery as a flashing station sends it (its body, made with that station's challenges): the status and code it must be refused with. */
const FORGERIES: { what: string; body: (flasher: Station) => Promise<Record<string, unknown>>; status: number; code: string }[] = [
  {
    what: "no proof of possession",
    body: async () => ({ publicKey: newTestStamp().publicKeyHex, label: "bare", merchantId: "bean-bros", shopIds: ["gangnam"] }),
    status: 400,
    code: "INVALID_INPUT",
  },
  {
    what: "a small-order key with a keyless proof",
    body: async (flasher) => {
      const proof = { challenge: await provisioningChallenge(flasher), firmwareHash: TEST_FIRMWARE_HASH, signature: KEYLESS_SIGNATURE };
      return { publicKey: IDENTITY_KEY, label: "identity", merchantId: "bean-bros", shopIds: ["gangnam"], proof: proof };
    },
    status: 422,
    code: "WEAK_KEY",
  },
  {
    what: "a proof signed by another key",
    body: async (flasher) => {
      const stranger = newTestStamp();
      const challenge = await provisioningChallenge(flasher);
      return { ...stampBody(stranger, challenge), proof: stranger.prove(challenge, TEST_FIRMWARE_HASH, generateKeyPairSync("ed25519").privateKey) };
    },
    status: 422,
    code: "PROOF_INVALID",
  },
  {
    what: "a proof over a challenge never issued to it",
    body: async () => stampBody(newTestStamp(), "ab".repeat(32)),
    status: 422,
    code: "PROOF_INVALID",
  },
];

/** Forgery `index` sent by `flasher`. */
async function forge(flasher: Station, index: number): Promise<{ status: number; body: unknown }> {
  return flasher.client.request("POST", "/v1/stamps", await FORGERIES[index].body(flasher));
}

describeEachStore("forged registrations alert the owner", (kind) => {
  beforeEach(async () => {
    api = await startApi(kind);
    world = await seed(api);
  }, NET_TIMEOUT);
  afterEach(async () => {
    await api.close();
  });

  it.each([0, 1, 2, 3])("forgery %i is refused, and raises an alert naming the station", async (index) => {
    const flasher = world.beanBros.flasher;
    const forgery = FORGERIES[index];
    const body = await forgery.body(flasher);
    await expectRefused(api, () => flasher.client.request("POST", "/v1/stamps", body), forgery.status, forgery.code, ["alerts", "audit"]);
    const raised = await forgedAlerts();
    expect(raised, forgery.what).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: "FORGED_REGISTRATION", reason: "FORGED_REGISTRATION", stationId: flasher.keyId, stationLabel: "bean flasher", stampId: "" });
    expect(raised[0].detail).toMatch(/^stamp registration refused: /);
    expect(raised[0].sentence).toMatch(/flashing station/);
    // The owner's audit chain records it too, as the system's entry about the station.
    const audit = await call<{ items: { action: string; subject: string }[] }>(world.beanBros.owner.client, "GET", "/v1/audit", undefined, 200);
    expect(audit.items.filter((entry) => entry.action === "alert.FORGED_REGISTRATION")).toEqual([expect.objectContaining({ subject: flasher.keyId })]);
    // Another merchant's owner sees nothing of it.
    const teaAlerts = await call<{ items: AlertItem[] }>(world.teaHouse.owner.client, "GET", "/v1/alerts", undefined, 200);
    expect(teaAlerts.items.filter((alert) => alert.kind === "FORGED_REGISTRATION")).toEqual([]);
  }, NET_TIMEOUT);

  it("the owner's dashboard shows the alert in words, naming the station", async () => {
    await forge(world.beanBros.flasher, 1);
    const context = { language: "ko" as const, messages: DASHBOARD_KOREAN, path: "/dashboard/stamps", timeZone: "Asia/Seoul", person: { name: "owner", role: "owner" } };
    const alerts = await api.store.listAlerts("bean-bros", { limit: 10 });
    const page = stampsPage(context, { stamps: [], shopNames: new Map(), alerts: alerts, canChange: true, notice: undefined }).text;
    expect(page).toContain(DASHBOARD_KOREAN.alertKinds.FORGED_REGISTRATION);
    expect(page).toContain(DASHBOARD_KOREAN.alertFromStation("bean flasher"));
  }, NET_TIMEOUT);

  it("a flood of forgeries writes one alert per station and window, concurrent ones included", async () => {
    const flasher = world.beanBros.flasher;
    const second = await enrolStation(api, world.beanBros.owner.client, { role: "flashing-station", merchantId: "bean-bros" }, "second flasher");
    const count = () => queryValue(api, "SELECT COUNT(*) FROM alerts WHERE kind = 'FORGED_REGISTRATION'");
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => forge(i % 2 === 0 ? flasher : second, i % 4)));
    expect(answers.every((answer) => answer.status === 400 || answer.status === 422)).toBe(true);
    expect(Number(await count())).toBe(2);
    expect((await forgedAlerts()).map((alert) => alert.stationLabel).sort()).toEqual(["bean flasher", "second flasher"]);
    // Still within the window: nothing more.
    api.now += FORGED_REGISTRATION_ALERT_WINDOW_MS - 1;
    await forge(flasher, 0);
    expect(Number(await count())).toBe(2);
    // The window over, the next forgery alerts again.
    api.now += 1;
    await forge(flasher, 1);
    expect(Number(await count())).toBe(3);
  }, NET_TIMEOUT);

  it("refusals an honest station meets raise no alert: a used or expired challenge, unapproved firmware, an unknown shop", async () => {
    const flasher = world.beanBros.flasher;
    const used = await provisioningChallenge(flasher);
    await call(flasher.client, "POST", "/v1/stamps", stampBody(newTestStamp(), used), 201);
    await expectRefused(api, () => flasher.client.request("POST", "/v1/stamps", stampBody(newTestStamp(), used)), 422, "PROOF_INVALID");
    const old = await provisioningChallenge(flasher);
    api.now += 120_001;
    await expectRefused(api, () => flasher.client.request("POST", "/v1/stamps", stampBody(newTestStamp(), old)), 422, "PROOF_INVALID");
    const unapproved = stampBody(newTestStamp(), await provisioningChallenge(flasher), { firmwareHash: "0e".repeat(32) });
    await expectRefused(api, () => flasher.client.request("POST", "/v1/stamps", unapproved), 422, "FIRMWARE_NOT_APPROVED");
    const nowhere = stampBody(newTestStamp(), await provisioningChallenge(flasher), { shopIds: ["nowhere"] });
    await expectRefused(api, () => flasher.client.request("POST", "/v1/stamps", nowhere), 404, "NOT_FOUND");
    expect(await forgedAlerts()).toEqual([]);
  }, NET_TIMEOUT);
});
