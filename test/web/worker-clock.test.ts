/**
 * A worker's phone in headless Chromium: the owner adds the worker and makes an invitation with
 * the CLI (link and QR code), the phone opens the link and is linked with one button; then two
 * presses of the stamp clock the worker in and, eight hours later, out, and the card shows the
 * hours. The worker's name is typed by a person: it must appear as text, never as markup.
 */
import { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clockTime } from "../../host/web/clock-text";
import { KOREAN } from "../../host/web/i18n/messages-ko";
import { LAUNCH_TIMEOUT, mainText as mainTextOf, screenshotBothWidths, scrollsSideways, tabReach } from "../support/chromium";
import { PhoneSession, PhoneWorld, SHOP_TIME_ZONE, startPhoneSession } from "./phone-world";

const TEST_TIMEOUT = 60_000;
const WORKER_NAME = 'Kim <b>Ji-woo</b> & "Min"';
const SHIFT_MS = (8 * 60 + 3) * 60_000;

let phone: PhoneWorld;
let page: Page;
let link: string;

let session: PhoneSession;

beforeAll(async () => {
  session = await startPhoneSession("ko-KR");
  ({ phone, page } = session);
}, LAUNCH_TIMEOUT + 30_000);

afterAll(() => session?.close(), 30_000);

const mainText = () => mainTextOf(page);

describe("a worker's phone, linked by an invitation, clocks in and out with two presses", () => {
  it("the owner adds the worker and prints an invitation link with a QR code", async () => {
    const added = await phone.owner("workers", "add", "--merchant", "bean-bros", WORKER_NAME);
    const workerId = /worker ([0-9a-f]{16}) added/.exec(added)?.[1];
    expect(workerId, added).toBeDefined();
    const invited = await phone.owner("workers", "invite", String(workerId));
    const found = new RegExp(`(${phone.publicUrl}/w/[A-Za-z0-9_-]{43})`).exec(invited);
    expect(found, invited).not.toBeNull();
    link = found?.[1] ?? "";
    expect(invited, "a QR code drawn with block characters").toMatch(/[▀▄█]{10}/);
  }, TEST_TIMEOUT);

  it("shows who and where before anything happens, then links the phone with one button", async () => {
    await page.goto(link);
    const text = await mainText();
    expect(text).toContain(KOREAN.inviteExplain(WORKER_NAME, "Bean Bros"));
    expect(await page.locator("main b").count(), "the name is text, not markup").toBe(0);
    expect(await scrollsSideways(page)).toBe(false);
    await screenshotBothWidths(page, "invitation-ko");
    await page.getByRole("button", { name: KOREAN.inviteButton }).click();
    await page.waitForURL(/\/card\/bean-bros\?linked=1$/);
    expect(await mainText()).toContain(KOREAN.linked(WORKER_NAME, "Bean Bros"));
    expect(await mainText()).toContain(KOREAN.clockedOutNow);
  }, TEST_TIMEOUT);

  it("refuses the same invitation a second time, in words", async () => {
    const again = await page.goto(link);
    expect(again?.status()).toBe(404);
    expect(await mainText()).toContain(KOREAN.inviteInvalid);
  }, TEST_TIMEOUT);

  it("clocks in on the first press and out on the second, eight hours later, with the hours shown", async () => {
    const clockedInAt = phone.now();
    await page.goto(phone.tapUrl(1));
    expect(new URL(page.url()).searchParams.get("tap")).toBe("clocked-in");
    const inText = await mainText();
    expect(inText).toContain(KOREAN.clockedIn(clockTime(clockedInAt, "ko", SHOP_TIME_ZONE)));
    expect(inText).toContain(KOREAN.clockedInSince(clockTime(clockedInAt, "ko", SHOP_TIME_ZONE)));
    await screenshotBothWidths(page, "worker-clocked-in-ko");

    phone.advance(SHIFT_MS);
    await page.goto(phone.tapUrl(2));
    expect(new URL(page.url()).searchParams.get("tap")).toBe("clocked-out");
    const outText = await mainText();
    expect(outText).toContain(KOREAN.clockedOut(clockTime(phone.now(), "ko", SHOP_TIME_ZONE), 8 * 60 + 3));
    expect(outText).toContain(KOREAN.clockedOutNow);
    expect(outText).toContain(KOREAN.duration(8 * 60 + 3));
    expect(await scrollsSideways(page)).toBe(false);
    await screenshotBothWidths(page, "worker-clocked-out-ko");
    const { controls, reached } = await tabReach(page);
    expect(reached).toEqual(controls);
  }, TEST_TIMEOUT);
});
