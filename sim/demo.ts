import { createPublicKey, generateKeyPairSync, KeyObject } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FastifyInstance } from "fastify";
import { decodeChallenge } from "../shared/challenge";
import { PHONE_TAP_PATH } from "../shared/phone-url";
import { toHex } from "../shared/hex";
import { decodeTapResponse, encodeTapResponse } from "../shared/tap-response";
import { bootstrapOperator } from "../host/core/access/credentials";
import { runStationTap, StampExchange, TapService } from "../host/core/counter-station";
import { Verdict } from "../host/core/verdict";
import { ApiClient, ApiCredential, ApiResponse } from "../host/client/api-client";
import { apiTapService } from "../host/client/api-tap-service";
import { injectTransport } from "../host/client/transports";
import { cardView, resolveHolder } from "../host/core/phone/cards";
import { messagesFor } from "../host/web/i18n/messages";
import { buildServer } from "../host/http/server";
import { exchangeOverNfc, sendVerdictOverNfc } from "../host/nfc/mailbox-reader";
import { describeStoreLocation, openStore } from "../host/store/open-store";
import { Store } from "../host/store/store";
import { apiFlashingStation, bootSimulatedStamp, FlashingStationLink, provisionSimulatedStamp, SIMULATED_FIRMWARE_HASH, SIMULATED_FIRMWARE_LABEL, SimulatedStamp } from "./provision";
import { SimulatedAir } from "./simulated-ble";
import { SimulatedDevice } from "./simulated-device";
import { SimulatedTagLink } from "./simulated-nfc";
import { verifierPeripheral } from "./simulated-verifier-peripheral";
import { readPhoneUrl } from "./phone-tag-reader";

/** The host's public address in the demo: the base URL a phone stamp signs its links for. */
const DEMO_PUBLIC_URL = "https://stamp.bean-bros.kr";
const DEMO_PUBLIC_HOST = new URL(DEMO_PUBLIC_URL).host;
/** The shops' time zone: days in the reports are Seoul days. */
const DEMO_TIME_ZONE = "Asia/Seoul";
const HOUR_MS = 3_600_000;

export interface DemoOptions {
  /** An SQLite file or a postgres:// URL (a new, empty database); a fresh SQLite file in a temporary directory when absent. */
  dbPath?: string;
  out: (line: string) => void;
}

interface Row {
  what: string;
  stamp: string;
  shop: string;
  via: string;
  verdict: Verdict;
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

/** The body of an answer that must have the expected status, or an error saying what came back. */
function expectStatus<T>(response: ApiResponse, status: number, what: string): T {
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as T;
}

/** A station's own Ed25519 key, made here; only its public key ever leaves the station. */
interface StationKey {
  privateKey: KeyObject;
  publicKeyHex: string;
}

function newStationKey(): StationKey {
  const privateKey = generateKeyPairSync("ed25519").privateKey;
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return { privateKey: privateKey, publicKeyHex: toHex(new Uint8Array(spki.subarray(spki.length - 32))) };
}

/**
 * `stamp station enrol`: the station makes its key and enrols it with the one-time code,
 * signing the enrolment with that key (keyid: the first 8 bytes of the public key). Answers the
 * credential its signed requests name from now on.
 */
async function enrolStationKey(app: FastifyInstance, code: string, label: string): Promise<ApiCredential> {
  const key = newStationKey();
  const enrolling = new ApiClient(injectTransport(app), { kind: "station", keyId: key.publicKeyHex.slice(0, 16), privateKey: key.privateKey });
  const body = { code: code, publicKey: key.publicKeyHex, label: label };
  const enrolled = expectStatus<{ id: string }>(await enrolling.request("POST", "/v1/enrolments", body), 201, `enrolling ${label}`);
  return { kind: "station", keyId: enrolled.id, privateKey: key.privateKey };
}

/** An NFC tap of a simulated stamp on a station's reader, frame by frame through the mailbox. */
function nfcExchange(device: SimulatedDevice): StampExchange {
  return (challenge) => exchangeOverNfc(new SimulatedTagLink(device.nfc), challenge);
}

/**
 * The demo: an operator, one merchant with two shops and their counter stations, stamps
 * provisioned on simulated Puck.js devices running the firmware and registered by a flashing
 * station with a proof of possession; taps over NFC and BLE go through the HTTP API (in process,
 * Fastify's inject: no socket) with each station's signed requests, judged by the real host core
 * on a real SQLite file; then the attacks the product exists to stop.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const out = options.out;
  const dbPath = options.dbPath ?? join(mkdtempSync(join(tmpdir(), "stamp-demo-")), "stamp.db");
  const store = await openStore(dbPath);
  // The host's clock: the real time, moved on by the demo where it shows a working day and a month.
  const later = { ms: 0 };
  const app = buildServer(store, {
    clock: () => Date.now() + later.ms,
    publicUrl: () => DEMO_PUBLIC_URL,
    allowedHosts: ["localhost", "127.0.0.1", "[::1]", DEMO_PUBLIC_HOST],
    timeZone: DEMO_TIME_ZONE,
  });
  const client = (credential: ApiCredential) => new ApiClient(injectTransport(app), credential);
  try {
    out(`database: ${describeStoreLocation(dbPath)}`);
    out("Every step below goes through the HTTP API (in process, no socket), with a person's token or a station's signed requests.");
    out("");
    out("Setup:");
    // stamp init
    const init = await bootstrapOperator(store, "demo operator", Date.now());
    if (!init.ok) throw new Error(`the demo sets up a new database and ${describeStoreLocation(dbPath)} is not one: ${init.error.message}`);
    const operator = client({ kind: "token", token: init.value.token });
    out("  stamp init                   the operator's token is made with the database");
    // stamp merchants add / firmware approve / tokens add --role owner
    expectStatus(await operator.request("POST", "/v1/merchants", { id: "bean-bros", name: "Bean Brothers Coffee" }), 201, "adding the merchant");
    expectStatus(await operator.request("POST", "/v1/firmware", { hash: SIMULATED_FIRMWARE_HASH, label: SIMULATED_FIRMWARE_LABEL }), 201, "approving the firmware");
    const ownerToken = expectStatus<{ token: string }>(await operator.request("POST", "/v1/tokens", { role: "owner", merchantId: "bean-bros", label: "Bean Bros owner" }), 201, "issuing the owner's token");
    const owner = client({ kind: "token", token: ownerToken.token });
    out("  operator                     adds merchant bean-bros, approves the simulated firmware, issues the owner's token");
    out(`                               (firmware ${SIMULATED_FIRMWARE_HASH.slice(0, 16)}…: what a simulated Puck.js reports)`);
    // stamp shops add / verifiers add / codes add
    for (const [id, name] of [["gangnam", "Bean Bros Gangnam"], ["hongdae", "Bean Bros Hongdae"]]) {
      expectStatus(await owner.request("POST", "/v1/shops", { id: id, merchantId: "bean-bros", name: name }), 201, `adding shop ${id}`);
    }
    const addCounter = async (shopId: string, label: string) =>
      expectStatus<{ id: string }>(await owner.request("POST", "/v1/verifiers", { shopId: shopId, label: label, purpose: "stamp", quantity: 1, requirePresence: true }), 201, `adding ${label}`);
    const gangnamCounter = await addCounter("gangnam", "Gangnam counter (NFC)");
    const hongdaeCounter = await addCounter("hongdae", "Hongdae counter (BLE)");
    const code = async (body: object, what: string) => expectStatus<{ code: string }>(await owner.request("POST", "/v1/enrolment-codes", body), 201, what).code;
    const gangnamCode = await code({ role: "counter-station", verifierId: gangnamCounter.id }, "the Gangnam station's code");
    const hongdaeCode = await code({ role: "counter-station", verifierId: hongdaeCounter.id }, "the Hongdae station's code");
    const flasherCode = await code({ role: "flashing-station", merchantId: "bean-bros" }, "the flashing station's code");
    out("  owner                        adds shops gangnam and hongdae, a counter in each (1 STAMP per tap, button press required),");
    out("                               and one-time enrolment codes for two counter stations and a flashing station");
    // stamp station enrol (each station makes its own key)
    const gangnamStation = apiTapService(client(await enrolStationKey(app, gangnamCode, "Gangnam counter station")));
    const hongdaeStation = apiTapService(client(await enrolStationKey(app, hongdaeCode, "Hongdae counter station")));
    const flasher = apiFlashingStation(client(await enrolStationKey(app, flasherCode, "flashing station")));
    out("  stamp station enrol (x3)     each station makes its own Ed25519 key and enrols it with its code");
    out(`                               counter stations: gangnam ${gangnamCounter.id} (NFC), hongdae ${hongdaeCounter.id} (BLE)`);

    // Each shop has its own air: a stamp only reaches the BLE counters of the shop it is in.
    const gangnamAir = new SimulatedAir();
    const hongdaeAir = new SimulatedAir();
    const bleVerdicts: Verdict[] = [];
    hongdaeAir.peripherals.push(verifierPeripheral(hongdaeStation, hongdaeCounter.id, -48, (v) => bleVerdicts.push(v)));

    // stamp flash: the key is made on the stamp, which proves it over a host challenge.
    const alice = await provisionSimulatedStamp(flasher, gangnamAir, { label: "gangnam-stamp-1", merchantId: "bean-bros", shopIds: ["gangnam"] });
    const bob = await provisionSimulatedStamp(flasher, hongdaeAir, { label: "hongdae-stamp-1", merchantId: "bean-bros", shopIds: ["hongdae"] });
    out("  stamp flash (x2)             the flashing station boots each stamp (key made on the stamp), gets a provisioning");
    out("                               challenge, and registers the stamp with its proof of possession:");
    for (const s of [alice, bob]) out(`    ${s.record.label}  id ${s.record.id}  shops ${s.record.shopIds.join(",")}  key ${s.record.publicKeyHex}`);
    out("");

    const rows: Row[] = [];
    const nfcTap = async (what: string, stamp: Pick<SimulatedStamp, "device">, label: string) => {
      stamp.device.press(); // the press is user presence for the signature
      const tap = await runStationTap(gangnamStation, nfcExchange(stamp.device));
      await sendVerdictOverNfc(new SimulatedTagLink(stamp.device.nfc), tap.verdict.code);
      rows.push({ what, stamp: label, shop: "gangnam", via: "NFC", verdict: tap.verdict });
      return tap;
    };
    const bleTap = async (what: string, stamp: SimulatedStamp) => {
      const before = bleVerdicts.length;
      stamp.device.press();
      await stamp.runtime.lastBleTap;
      const verdict = bleVerdicts[before];
      if (verdict === undefined) throw new Error("the BLE tap produced no verdict");
      rows.push({ what, stamp: stamp.record.label, shop: "hongdae", via: "BLE", verdict });
    };
    const submitted = async (what: string, service: TapService, response: Uint8Array) => {
      rows.push({ what, stamp: alice.record.label, shop: "gangnam", via: "HTTP", verdict: await service.submit(response) });
    };

    // Normal service.
    const first = await nfcTap("tap", alice, alice.record.label);
    await nfcTap("tap", alice, alice.record.label);
    const third = await nfcTap("tap", alice, alice.record.label);
    await bleTap("tap", bob);
    await bleTap("tap", bob);
    if (third.response === undefined || first.response === undefined) throw new Error("accepted taps carry a response");

    // Replay: the exact bytes of an accepted tap, sent again by the station.
    await submitted("replayed response", gangnamStation, third.response);

    // Forgery: a fresh challenge answered with Alice's id and counter but a signature not made by her key.
    const fresh = await gangnamStation.challenge();
    const genuine = decodeTapResponse(first.response);
    if (!fresh.ok || !genuine.ok) throw new Error("the forgery needs a fresh challenge and a genuine response");
    const challenge = decodeChallenge(fresh.value);
    if (!challenge.ok) throw new Error("the host's challenge does not decode");
    await submitted("forged signature", gangnamStation, encodeTapResponse({ ...genuine.value, nonce: challenge.value.nonce, counter: 1000 }));

    // Theft: Bob's stamp, bound to Hongdae, taken to Gangnam and pressed on its reader.
    bob.device.ble = gangnamAir;
    await nfcTap("stolen stamp", bob, bob.record.label);

    // Clone: a dump of Alice's flash (key and counter), booted on two devices. One copy alone is
    // indistinguishable from the stamp; the second signs the same counter for another challenge.
    const dump = new Map(alice.device.flash);
    await nfcTap("flash dump, boot 1", bootSimulatedStamp(gangnamAir, new Map(dump)), alice.record.label + " (copy)");
    await nfcTap("flash dump, boot 2", bootSimulatedStamp(gangnamAir, new Map(dump)), alice.record.label + " (copy)");
    await nfcTap("genuine after clone", alice, alice.record.label);

    out(
      table(
        ["#", "event", "stamp", "shop", "via", "counter", "verdict", "reason"],
        rows.map((r, i) => [
          String(i + 1),
          r.what,
          r.stamp,
          r.shop,
          r.via,
          r.verdict.counter === undefined ? "-" : String(r.verdict.counter),
          r.verdict.accepted ? "ACCEPTED" : "REJECTED",
          r.verdict.accepted ? "" : `${r.verdict.reason}: ${r.verdict.message}`,
        ]),
      ).join("\n"),
    );
    out("Rows 9-10: a dump of the stamp's flash (key and counter) booted twice. One copy alone looks like the stamp;");
    out("the second signs the same counter for another challenge: two valid signatures, one counter, a clone proven.");
    out("");

    const customer = await phoneWithoutApp(app, store, flasher, gangnamAir, out);
    const comeBackCards = await workerAndReports(app, owner, customer.stamp, later, out);
    await rewardsAndCoupons(app, owner, customer, comeBackCards, out);

    // A request with no credential at all.
    const anonymous = await client({ kind: "none" }).request("POST", "/v1/challenges");
    const refusal = anonymous.body as { error?: { code?: string } };
    out(`No credential: POST /v1/challenges without a signature answers ${anonymous.status} ${refusal.error?.code ?? ""}`.trimEnd());
    out("");

    out("Alerts (the owner's view, GET /v1/alerts):");
    const alerts = expectStatus<{ items: { kind: string; stampId: string; shopId: string; detail: string }[] }>(await owner.request("GET", "/v1/alerts?limit=100"), 200, "listing alerts");
    for (const alert of [...alerts.items].reverse()) out(`  [${alert.kind}] stamp ${alert.stampId} at ${alert.shopId}: ${alert.detail}`);
    out("");
    out("Stamps (GET /v1/stamps):");
    const stamps = expectStatus<{ items: { id: string; label: string; status: string; lastCounter: number }[] }>(await owner.request("GET", "/v1/stamps?limit=100"), 200, "listing stamps");
    for (const stamp of stamps.items) out(`  ${stamp.label.padEnd(16)}  ${stamp.id}  ${stamp.status.padEnd(11)}  last counter ${stamp.lastCounter}`);
    out("");
    const ledger = expectStatus<{ intact: boolean; ledgerEvents: number; problems: { sequence?: number; problem: string }[] }>(
      await operator.request("POST", "/v1/ledger/check"),
      200,
      "checking the ledger",
    );
    out(
      ledger.intact
        ? `Ledger: ${ledger.ledgerEvents} accepted taps, every stamp signature re-verified, hash chains intact.`
        : `Ledger: BROKEN: ${ledger.problems.map((p) => `${p.sequence ?? "-"}: ${p.problem}`).join("; ")}`,
    );
  } finally {
    await app.close();
    await store.close();
  }
}

/** The customer's phone of the demo: the stamp it is pressed with, and its card. */
interface CustomerPhone {
  stamp: SimulatedStamp;
  /** The card cookie, "name=secret". */
  cookie: string;
  holderId: string;
}

/** A path on the demo's public host, as a phone's browser asks for it (in process, no socket). */
async function browserGet(app: FastifyInstance, path: string, cookie: string | undefined): Promise<{ location: string; setCookie: string | undefined }> {
  const answer = await app.inject({ method: "GET", url: path, headers: { host: DEMO_PUBLIC_HOST, ...(cookie === undefined ? {} : { cookie: cookie }) } });
  const setCookie = answer.headers["set-cookie"];
  return { location: String(answer.headers.location ?? answer.statusCode), setCookie: Array.isArray(setCookie) ? setCookie[0] : setCookie };
}

/**
 * A customer's phone, no app: a stamp flashed with the host's public URL shows phones a
 * "press the stamp" link; pressed, it signs a one-time link with its next counter. The phone
 * reads the tag as Android and iPhone do (Type 2 Tag READs of the NDEF message) and opens the
 * link; the page gives the browser a card (a cookie holding a random secret) and credits it.
 */
async function phoneWithoutApp(app: FastifyInstance, store: Store, flasher: FlashingStationLink, air: SimulatedAir, out: (line: string) => void): Promise<CustomerPhone> {
  out("A customer's phone, no app (GET /t/<token>: the link the stamp signs after a press):");
  const stamp = await provisionSimulatedStamp(flasher, air, { label: "gangnam-phone-1", merchantId: "bean-bros", shopIds: ["gangnam"] }, { phoneUrl: DEMO_PUBLIC_URL });
  const link = new SimulatedTagLink(stamp.device.nfc);
  out(`  stamp flash --phone-url      ${stamp.record.label} registered like the others, bound to ${DEMO_PUBLIC_URL}`);
  out(`  held to a phone, not pressed  the phone reads ${(await readPhoneUrl(link)).url}: a page that asks for a press, nothing signed`);
  stamp.device.press();
  // The firmware signs between radio frames, in a timer the press queued: let it run.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const read = await readPhoneUrl(link);
  if (!read.url.startsWith(DEMO_PUBLIC_URL + PHONE_TAP_PATH)) throw new Error(`the pressed stamp shows ${read.url}, not a signed link`);
  out(`  pressed, held to the phone    ${read.url.slice(0, DEMO_PUBLIC_URL.length + 3 + 16)}… (${read.url.length} characters, NDEF message ${read.ndefBytes} bytes, ${read.readFrames} READ frames)`);
  const path = read.url.slice(DEMO_PUBLIC_URL.length);
  const first = await browserGet(app, path, undefined);
  const cookie = first.setCookie?.split(";")[0];
  out(`  the phone opens it            303 -> ${first.location}; new card: ${first.setCookie?.replace(/=[^;]+/, "=<random secret>") ?? "no cookie"}`);
  const again = await browserGet(app, path, cookie);
  out(`  the same link opened again    303 -> ${again.location}`);
  const holderId = cookie === undefined ? undefined : await resolveHolder(store, cookie.slice(cookie.indexOf("=") + 1));
  const card = holderId === undefined ? undefined : await cardView(store, holderId, "bean-bros", Date.now());
  if (card === undefined) throw new Error("the phone has no card after its first tap");
  out(`  the card at ${card.merchantName}: ${card.stamps} ${card.stamps === 1 ? "stamp" : "stamps"}, ${card.nextRewardIn} more for ${card.rewardLabel}`);
  await stamp.runtime.lastBleTap;
  out("");
  return { stamp: stamp, cookie: cookie ?? "", holderId: holderId ?? "" };
}

/** Presses the stamp and opens the link it shows from a phone's browser holding `cookie`: where the page sends it. */
async function pressAndOpen(app: FastifyInstance, stamp: SimulatedStamp, cookie: string): Promise<string> {
  stamp.device.press();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const read = await readPhoneUrl(new SimulatedTagLink(stamp.device.nfc));
  const opened = await browserGet(app, read.url.slice(DEMO_PUBLIC_URL.length), cookie);
  await stamp.runtime.lastBleTap;
  return opened.location;
}

function hours(minutes: number): string {
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * A worker's phone: the owner adds the worker and makes a one-time invitation link; the worker's
 * phone opens it and links itself; a press clocks in, another one 8 hours later clocks out. Then
 * the owner's reports from the ledger: the hours, and a month later the come-back list (the
 * customer card of the phone above, one stamp, not seen for 30 days) as CSV for a campaign.
 */
async function workerAndReports(app: FastifyInstance, owner: ApiClient, stamp: SimulatedStamp, later: { ms: number }, out: (line: string) => void): Promise<string[]> {
  out("A worker's phone, and the owner's reports (GET /v1/merchants/bean-bros/analytics/...):");
  const worker = expectStatus<{ id: string; name: string }>(await owner.request("POST", "/v1/merchants/bean-bros/workers", { name: "Kim Ji-woo" }), 201, "adding the worker");
  const invitation = expectStatus<{ link: string }>(await owner.request("POST", `/v1/workers/${worker.id}/invitations`), 201, "inviting the worker");
  out(`  stamp workers add / invite    ${worker.name}: a one-time link for the worker's phone, ${invitation.link.slice(0, DEMO_PUBLIC_URL.length + 3)}… (and its QR code)`);
  const path = invitation.link.slice(DEMO_PUBLIC_URL.length);
  const linked = await app.inject({ method: "POST", url: path, headers: { host: DEMO_PUBLIC_HOST, "sec-fetch-site": "same-origin" } });
  const setCookie = linked.headers["set-cookie"];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(";")[0];
  if (cookie === undefined) throw new Error(`linking the worker's phone gave no card: HTTP ${linked.statusCode}`);
  out(`  the worker's phone opens it   303 -> ${String(linked.headers.location)}: this phone is now ${worker.name}'s work card`);
  out(`  pressed, held to that phone   303 -> ${await pressAndOpen(app, stamp, cookie)}`);
  later.ms += 8 * HOUR_MS + 3 * 60_000;
  out(`  8 h 3 min later, again        303 -> ${await pressAndOpen(app, stamp, cookie)}`);
  const attendance = expectStatus<{ workers: { workerName: string; days: { period: string; minutes: number; missingClockOuts: number }[] }[] }>(
    await owner.request("GET", `/v1/merchants/bean-bros/analytics/attendance?timeZone=${encodeURIComponent(DEMO_TIME_ZONE)}`),
    200,
    "the attendance report",
  );
  for (const row of attendance.workers) {
    for (const day of row.days) out(`  attendance                    ${row.workerName}  ${day.period}  ${hours(day.minutes)}  missing clock-outs ${day.missingClockOuts}`);
  }
  later.ms += 31 * 24 * HOUR_MS;
  const comeBack = await owner.request("GET", "/v1/merchants/bean-bros/analytics/come-back?minStamps=1&maxStamps=9&quietDays=30&format=csv");
  if (comeBack.status !== 200 || typeof comeBack.body !== "string") throw new Error(`the come-back list: HTTP ${comeBack.status}`);
  const rows = comeBack.body.trim().split(/\r?\n/);
  out(`  31 days later, come-back     cards with 1-9 stamps not seen for 30 days, as CSV for a message campaign (${rows.length - 1} of them):`);
  for (const row of rows) out(`    ${row}`);
  out("");
  return rows.slice(1).map((row) => row.split(",")[0]);
}

/** A card page's form, posted from that page (same origin) by the phone holding `cookie`: where it sends the browser. */
async function browserPost(app: FastifyInstance, path: string, cookie: string, form: Record<string, string>): Promise<string> {
  const answer = await app.inject({
    method: "POST",
    url: path,
    headers: { host: DEMO_PUBLIC_HOST, origin: DEMO_PUBLIC_URL, "sec-fetch-site": "same-origin", cookie: cookie, "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams(form).toString(),
  });
  if (answer.statusCode !== 303) throw new Error(`POST ${path}: HTTP ${answer.statusCode} ${answer.body}`);
  return String(answer.headers.location);
}

/**
 * The owner's program and campaign, and the customer coming back: a coupon for every card of the
 * come-back list; the customer's presses complete a reward; "use now" on the card, then a press,
 * redeems it; the coupon likewise; asking for the used coupon again is refused in words.
 */
async function rewardsAndCoupons(app: FastifyInstance, owner: ApiClient, customer: CustomerPhone, comeBackCards: string[], out: (line: string) => void): Promise<void> {
  out("Rewards and coupons (PUT /v1/merchants/bean-bros/loyalty, POST .../coupons; the card's \"use now\", then a press):");
  const row = (label: string, text: string) => out(`  ${label.padEnd(30)}${text}`);
  expectStatus(await owner.request("PUT", "/v1/merchants/bean-bros/loyalty", { stampsPerReward: 3, stampsPerPress: 1, rewardLabel: "a free americano", rewardValidDays: 90 }), 200, "setting the program");
  row("stamp loyalty set", "3 stamps make a free americano, usable for 90 days");
  const issued = expectStatus<{ issued: number }>(
    await owner.request("POST", "/v1/merchants/bean-bros/coupons", { cardIds: comeBackCards, label: "20% off a cake", validDays: 14 }),
    201,
    "issuing the campaign's coupons",
  );
  row("stamp coupons issue", `--come-back: ${issued.issued} coupon "20% off a cake" (14 days) for the cards of the come-back list`);
  for (const press of ["second", "third"]) row(`the customer's ${press} press`, `303 -> ${await pressAndOpen(app, customer.stamp, customer.cookie)}`);
  const card = `/card/bean-bros`;
  const vouchers = expectStatus<{ items: { id: string; cardId: string; kind: string; label: string }[] }>(await owner.request("GET", "/v1/merchants/bean-bros/vouchers"), 200, "listing vouchers");
  const mine = vouchers.items.filter((voucher) => voucher.cardId === customer.holderId);
  const reward = mine.find((voucher) => voucher.kind === "reward");
  const coupon = mine.find((voucher) => voucher.kind === "coupon");
  if (reward === undefined || coupon === undefined) throw new Error("the customer's card has no reward or no coupon");
  row("the card now holds", `a reward (${reward.label}) and a coupon (${coupon.label})`);
  row('"use now" on the reward', `303 -> ${await browserPost(app, `${card}/redeem`, customer.cookie, { voucherId: reward.id })}: the next press redeems it`);
  row("pressed, held to the phone", `303 -> ${await pressAndOpen(app, customer.stamp, customer.cookie)}: reward used, once`);
  row('"use now" on the coupon', `303 -> ${await browserPost(app, `${card}/redeem`, customer.cookie, { voucherId: coupon.id })}`);
  row("pressed, held to the phone", `303 -> ${await pressAndOpen(app, customer.stamp, customer.cookie)}: coupon used`);
  const again = await browserPost(app, `${card}/redeem`, customer.cookie, { voucherId: coupon.id });
  row("the same coupon a second time", `303 -> ${again}: "${messagesFor("en").voucherUsed}"`);
  out("");
}