/**
 * The come-back list through the real API on both stores: customers' phones open signed stamp
 * URLs (GET /t/<token>, each phone with its own card cookie) and a counter station taps, all at
 * instants the test sets on the API's clock; then the merchant's people ask for the list as JSON
 * and as CSV. Every expected row is written out by hand from the taps below (not computed with
 * the host's code): which card, how many stamps, when it last came. Another merchant's owner
 * learns nothing: 404, as for a merchant that does not exist.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { phoneTapUrl } from "../../shared/phone-url";
import { resolveHolder } from "../../host/core/phone/cards";
import { cardSecretOf } from "../../host/web/cookies";
import { signPhoneToken } from "../support/phone-token";
import { describeEachStore } from "../support/test-stores";
import { call, challengeFor, errorOf, NET_TIMEOUT, registerStamp, seed, Seeded, startApi, START_TIME, TestApi } from "./api-harness";
import { newTestStamp, signTapHex, TestStamp } from "./signed-tap";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SETUP_TIMEOUT_MS = 60_000;
const COME_BACK = "/v1/merchants/bean-bros/analytics/come-back";

/** An instant `day` days and `hour` hours after the API's start time. */
const at = (day: number, hour = 0) => START_TIME + day * DAY + hour * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The JSON gives an instant as the API's other answers may: ms since the epoch or ISO 8601 text
 * (docs/analytics.md, "Times"). Read as ms so the figures are checked whichever it is.
 */
function msOf(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") return Date.parse(value);
  throw new Error(`not an instant: ${JSON.stringify(value)}`);
}

interface Phone {
  cookie: string | undefined;
}

describeEachStore("GET /v1/merchants/:id/analytics/come-back", (kind) => {
  let api: TestApi;
  let world: Seeded;
  let beanStamp: TestStamp;
  let teaStamp: TestStamp;
  const counters = new Map<TestStamp, number>();
  const phones = { ana: {} as Phone, bo: {} as Phone, chul: {} as Phone, dami: {} as Phone, eun: {} as Phone };
  const cardOf = new Map<Phone, string>();

  /** One press of `stamp`, its URL opened by `phone` at `when`; the card page must say it was stamped. */
  async function phoneTap(phone: Phone, stamp: TestStamp, merchantId: string, when: number): Promise<void> {
    api.now = when;
    const counter = (counters.get(stamp) ?? 0) + 1;
    counters.set(stamp, counter);
    const url = phoneTapUrl(api.url, signPhoneToken(stamp.privateKey, stamp.stampId, api.url, counter));
    const response = await fetch(url, { redirect: "manual", headers: phone.cookie === undefined ? {} : { cookie: phone.cookie } });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/card/${merchantId}?tap=stamped`);
    // The first tap gives the phone its card cookie; the phone sends it from then on.
    const card = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).find((pair) => cardSecretOf(pair) !== undefined);
    if (phone.cookie === undefined) phone.cookie = card;
    else expect(card).toBeUndefined();
  }

  /** A counter station's tap of the same stamp at `when`: stamps with no card. */
  async function stationTap(when: number): Promise<void> {
    api.now = when;
    const counter = (counters.get(beanStamp) ?? 0) + 1;
    counters.set(beanStamp, counter);
    const station = world.beanBros.gangnamStation;
    const { challenge } = await challengeFor(station);
    const verdict = await call<{ reason: string }>(station.client, "POST", "/v1/taps", { response: signTapHex(beanStamp, challenge, counter) }, 200);
    expect(verdict.reason).toBe("ACCEPTED");
  }

  beforeAll(async () => {
    api = await startApi(kind);
    world = await seed(api);
    beanStamp = newTestStamp();
    teaStamp = newTestStamp();
    await registerStamp(world.beanBros.flasher, beanStamp, { shopIds: ["gangnam"] });
    await registerStamp(world.teaHouse.flasher, teaStamp, { merchantId: "tea-house", shopIds: ["tea-main"] });
    const { stampsPerPress } = await call<{ stampsPerPress: number }>(world.beanBros.owner.client, "GET", "/v1/merchants/bean-bros/loyalty", undefined, 200);
    // The expected stamps below are presses at the default of one stamp per press.
    expect(stampsPerPress).toBe(1);

    const { ana, bo, chul, dami, eun } = phones;
    // Day 0: Bo once; Ana, Chul and Dami begin; Eun only ever goes to Tea House.
    await phoneTap(bo, beanStamp, "bean-bros", at(0, 1));
    await phoneTap(ana, beanStamp, "bean-bros", at(0, 2));
    await phoneTap(chul, beanStamp, "bean-bros", at(0, 3));
    await phoneTap(dami, beanStamp, "bean-bros", at(0, 4));
    await phoneTap(eun, teaStamp, "tea-house", at(0, 5));
    await stationTap(at(0, 6));
    // Ana comes back on days 1 and 2, then stops: 3 stamps, last visit day 2, 8 h.
    await phoneTap(ana, beanStamp, "bean-bros", at(1, 7));
    await phoneTap(ana, beanStamp, "bean-bros", at(2, 8));
    // Dami comes daily to day 4: 5 stamps, last visit day 4, 9 h.
    for (let day = 1; day <= 4; day++) await phoneTap(dami, beanStamp, "bean-bros", at(day, 9));
    await stationTap(at(20, 1));
    // Chul returns on day 39 (2 stamps, recent); Ana opens Tea House's stamp on day 39: not a visit to Bean Bros.
    await phoneTap(chul, beanStamp, "bean-bros", at(39, 2));
    await phoneTap(ana, teaStamp, "tea-house", at(39, 3));
    api.now = at(40);

    for (const phone of Object.values(phones)) {
      const holder = await resolveHolder(api.store, cardSecretOf(phone.cookie) ?? "");
      if (holder === undefined) throw new Error("a phone's cookie names no card");
      cardOf.set(phone, holder);
    }
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => api?.close(), NET_TIMEOUT);

  it("answers text/csv with the cards quiet for 30 days, longest gone first, as counted by hand", async () => {
    const { ana, bo, dami } = phones;
    const answer = await world.beanBros.owner.client.request("GET", COME_BACK + "?format=csv&quietDays=30");
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(answer.headers["content-disposition"]).toBe('attachment; filename="come-back.csv"');
    expect(answer.body).toBe(
      "card_id,stamps,last_visit\r\n" +
        `${cardOf.get(bo)},1,${iso(at(0, 1))}\r\n` +
        `${cardOf.get(ana)},3,${iso(at(2, 8))}\r\n` +
        `${cardOf.get(dami)},5,${iso(at(4, 9))}\r\n`,
    );
  }, NET_TIMEOUT);

  it("bounds the stamps, and gives the same figures as JSON; Accept: text/csv asks for CSV too", async () => {
    const { ana, bo, dami } = phones;
    const path = COME_BACK + "?minStamps=2&maxStamps=5&quietDays=30";
    const json = await call<{ cards: { cardId: string; stamps: number; lastVisit: unknown }[]; truncated: boolean; quietDays: number; quietSince: unknown }>(
      world.beanBros.auditor.client,
      "GET",
      path,
      undefined,
      200,
    );
    expect(json.truncated).toBe(false);
    expect(json.quietDays).toBe(30);
    expect(msOf(json.quietSince)).toBe(at(10));
    expect(json.cards.map((card) => ({ cardId: card.cardId, stamps: card.stamps, lastVisit: msOf(card.lastVisit) }))).toEqual([
      { cardId: cardOf.get(ana), stamps: 3, lastVisit: at(2, 8) },
      { cardId: cardOf.get(dami), stamps: 5, lastVisit: at(4, 9) },
    ]);
    // The project's client always asks for JSON; a campaign tool asking for CSV by its Accept header gets CSV.
    const csv = await fetch(api.url + path, { headers: { authorization: `Bearer ${world.beanBros.owner.token}`, accept: "text/csv" } });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(await csv.text()).toBe(`card_id,stamps,last_visit\r\n${cardOf.get(ana)},3,${iso(at(2, 8))}\r\n${cardOf.get(dami)},5,${iso(at(4, 9))}\r\n`);
    // Not back for 39 days: only Bo (day 0, 1 h) is quiet that long; the station's taps never made a card.
    const longGone = await call<{ cards: { cardId: string }[] }>(world.beanBros.owner.client, "GET", COME_BACK + "?quietDays=39", undefined, 200);
    expect(longGone.cards.map((card) => card.cardId)).toEqual([cardOf.get(bo)]);
  }, NET_TIMEOUT);

  it("is 404 for another merchant's owner, as JSON and as CSV", async () => {
    const tea = world.teaHouse.owner.client;
    for (const path of [COME_BACK, COME_BACK + "?format=csv"]) {
      const answer = await tea.request("GET", path);
      expect(answer.status).toBe(404);
      expect(errorOf(answer).code).toBe("NOT_FOUND");
    }
    // Tea House's own list holds Eun (day 0) and Ana (day 39, not quiet): Eun only.
    const own = await call<{ cards: { cardId: string; stamps: number }[] }>(tea, "GET", "/v1/merchants/tea-house/analytics/come-back", undefined, 200);
    expect(own.cards).toEqual([expect.objectContaining({ cardId: cardOf.get(phones.eun), stamps: 1 })]);
  }, NET_TIMEOUT);
});
