/**
 * A customer earns a reward and redeems it, then gets a coupon from the come-back campaign and
 * uses it, all in headless Chromium against the real server: "use now" on the card asks for the
 * voucher, the next press of the stamp on the phone redeems it (the card says "used: … show this
 * screen to the staff"), and the same coupon asked for a second time, from a tab opened before it
 * was used, is refused in words. English (en-US), readable at 360 px, every control on Tab. (The
 * CLI runs on the real clock, so the campaign names the card found in the vouchers list; the
 * come-back list itself is tested in test/analytics and test/cli.) Then the counter reader: the
 * card's QR code, decoded from the page's pixels, is the code a counter station names with its
 * till's receipt; the station's tap counts on the card.
 */
import { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGLISH } from "../../host/web/i18n/messages-en";
import { LAUNCH_TIMEOUT, mainText as mainTextOf, screenshotBothWidths, scrollsSideways, tabReach } from "../support/chromium";
import jsQR from "jsqr";
import { GANGNAM_VERIFIER } from "../cli/cli-world";
import { PhoneSession, PhoneWorld, startPhoneSession } from "./phone-world";

const TEST_TIMEOUT = 60_000;

let cardId = "";

let phone: PhoneWorld;
let page: Page;
let session: PhoneSession;

beforeAll(async () => {
  session = await startPhoneSession("en-US");
  ({ phone, page } = session);
}, LAUNCH_TIMEOUT + 30_000);

afterAll(() => session?.close(), 30_000);

const mainText = () => mainTextOf(page);

describe("a customer's rewards and coupons, redeemed by a press of the stamp", () => {
  it("earns a reward when the card's stamps reach the owner's threshold", async () => {
    const set = await phone.owner("loyalty", "set", "--merchant", "bean-bros", "--stamps-per-reward", "2", "--reward", "a free latte", "--reward-valid-days", "30");
    expect(set).toContain("a reward stays usable 30 days");
    await page.goto(phone.tapUrl(1));
    await page.goto(phone.tapUrl(2));
    const text = await mainText();
    expect(text).toContain(ENGLISH.rewardsReady(1, "a free latte"));
    expect(text).toContain(ENGLISH.vouchersTitle);
    expect(await page.getByRole("button", { name: ENGLISH.useButton }).count()).toBe(1);
  }, TEST_TIMEOUT);

  it("asks for the reward with “use now”, and the next press redeems it, once", async () => {
    await page.getByRole("button", { name: ENGLISH.useButton }).click();
    await page.waitForURL(/\/card\/bean-bros$/);
    expect(await mainText()).toMatch(/Ready to use a free latte: ask the staff to press the stamp/);
    expect(await page.getByRole("button", { name: ENGLISH.useButton }).count(), "the asked reward has no second button").toBe(0);
    await screenshotBothWidths(page, "card-redeem-pending-en");

    await page.goto(phone.tapUrl(3));
    expect(new URL(page.url()).searchParams.get("tap")).toBe("redeemed");
    const text = await mainText();
    expect(text).toContain(ENGLISH.redeemed("a free latte"));
    expect(text).toContain(ENGLISH.stampsCount(2));
    expect(text).not.toContain(ENGLISH.rewardsReady(1, "a free latte"));
    expect(text).toMatch(/used \d{1,2} \w{3},? \d{2}:\d{2}/);
    await screenshotBothWidths(page, "card-redeemed-en");

    const listed = JSON.parse(await phone.owner("coupons", "list", "--merchant", "bean-bros", "--json")) as { items: { kind: string; cardId: string; usedAt: string | null }[] };
    expect(listed.items).toMatchObject([{ kind: "reward" }]);
    expect(listed.items[0].usedAt).not.toBeNull();
    cardId = listed.items[0].cardId;
  }, TEST_TIMEOUT);

  it("gets a coupon, uses it, and a second use is refused in words", async () => {
    const issued = await phone.owner("coupons", "issue", "--merchant", "bean-bros", "--card", cardId, "--label", "20% off a cake", "--valid-days", "14");
    expect(issued).toMatch(/^1 coupon issued, valid until /);
    await page.reload();
    expect(await mainText()).toContain("20% off a cake");

    // A second tab shows the card (and its button) before the coupon is used.
    const stale = await page.context().newPage();
    await stale.goto(`${phone.publicUrl}/card/bean-bros`);

    await page.getByRole("button", { name: ENGLISH.useButton }).click();
    await page.waitForURL(/\/card\/bean-bros$/);
    await page.goto(phone.tapUrl(4));
    expect(await mainText()).toContain(ENGLISH.redeemed("20% off a cake"));

    await stale.getByRole("button", { name: ENGLISH.useButton }).click();
    await stale.waitForURL(/redeem=used$/);
    expect(await mainTextOf(stale)).toContain(ENGLISH.voucherUsed);
    await stale.close();

    // The press after a use is a stamp again.
    await page.goto(phone.tapUrl(5));
    expect(new URL(page.url()).searchParams.get("tap")).toBe("stamped");
  }, TEST_TIMEOUT);

  it("reads at phone width, with every control on Tab; a request can be cancelled", async () => {
    expect(await phone.owner("coupons", "issue", "--merchant", "bean-bros", "--card", cardId, "--label", "a muffin")).toBe("1 coupon issued\n");
    await page.goto(`${phone.publicUrl}/card/bean-bros`);
    expect(await scrollsSideways(page)).toBe(false);
    const { controls, reached } = await tabReach(page);
    expect(reached).toEqual(controls);
    await page.getByRole("button", { name: ENGLISH.useButton }).first().click();
    await page.getByRole("button", { name: ENGLISH.cancelButton }).click();
    await page.waitForURL(/redeem=cancelled$/);
    expect(await mainText()).toContain(ENGLISH.redeemCancelled);
    await page.goto(phone.tapUrl(6));
    expect(new URL(page.url()).searchParams.get("tap")).toBe("stamped");
  }, TEST_TIMEOUT);

  it("shows a QR code that a counter reader scans: the station's tap then counts on this card, with the till's receipt", async () => {
    await page.goto(`${phone.publicUrl}/card/bean-bros`);
    const before = await mainText();
    const stamps = Number(/(\d+) stamps/.exec(before)?.[1]);
    const code = (await page.locator(".counter-code code").innerText()).trim();
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await scanQrCode(page)).toBe(code);
    await screenshotBothWidths(page, "card-counter-code-en");

    expect(await phone.stations.tap(GANGNAM_VERIFIER, 100, { card: code, receipt: { orderRef: "T-42", amount: 5500, currency: "KRW" } })).toBe("ACCEPTED");
    await page.reload();
    expect(await mainText()).toContain(ENGLISH.stampsCount(stamps + 1));
    const events = JSON.parse(await phone.owner("events", "--json")) as { items: { cardId: string; receipt: unknown; transport: string }[] };
    expect(events.items[0]).toMatchObject({ transport: "station", cardId: cardId, receipt: { orderRef: "T-42", amount: 5500, currency: "KRW" } });
    // A new view shows a new code; a code from another card page does not name this card.
    expect((await page.locator(".counter-code code").innerText()).trim()).not.toBe(code);
  }, TEST_TIMEOUT);
});

/** Draws the card's QR code (its SVG) on a canvas and decodes the pixels, as a reader's camera would. */
async function scanQrCode(page: Page): Promise<string | undefined> {
  const size = 400;
  const pixels = (await page.evaluate(`new Promise(function (resolve, reject) {
    var svg = document.querySelector(".counter-code .qr svg");
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = ${size}; canvas.height = ${size};
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff"; context.fillRect(0, 0, ${size}, ${size});
      context.drawImage(image, 0, 0, ${size}, ${size});
      resolve(Array.from(context.getImageData(0, 0, ${size}, ${size}).data));
    };
    image.onerror = reject;
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(svg));
  })`)) as number[];
  return jsQR(Uint8ClampedArray.from(pixels), size, size)?.data;
}
