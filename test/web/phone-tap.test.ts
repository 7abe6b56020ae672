/**
 * A customer's phone opens the stamp's one-time URL in headless Chromium: the first open credits
 * the stamp and gives the browser a card cookie holding only a random secret; opening it again
 * says "already used"; an edited URL says "not genuine". Pages in Korean from ko-KR and in
 * English with the switch, at 360 px without sideways scrolling, every control reachable with Tab.
 */
import { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KOREAN } from "../../host/web/i18n/messages-ko";
import { ENGLISH } from "../../host/web/i18n/messages-en";
import { LAUNCH_TIMEOUT, mainText as mainTextOf, screenshotBothWidths, scrollsSideways, STEP_TIMEOUT, tabReach } from "../support/chromium";
import { PhoneSession, PhoneWorld, startPhoneSession } from "./phone-world";

const TEST_TIMEOUT = 60_000;

let phone: PhoneWorld;
let context: BrowserContext;
let page: Page;

let session: PhoneSession;

beforeAll(async () => {
  session = await startPhoneSession("ko-KR");
  ({ phone, context, page } = session);
}, LAUNCH_TIMEOUT + 30_000);

afterAll(() => session?.close(), 30_000);

const mainText = () => mainTextOf(page);

/** Changes one character of the token's signature part, keeping it canonical base64url. */
function edited(url: string): string {
  const at = url.length - 10;
  return url.slice(0, at) + (url[at] === "A" ? "B" : "A") + url.slice(at + 1);
}

describe("a customer's phone opening the stamp's URL (ko-KR)", () => {
  it("credits one stamp, shows the card in Korean, and keeps only a random secret in an HttpOnly cookie", async () => {
    await page.goto(phone.tapUrl(1));
    expect(new URL(page.url()).pathname, "redirected to the card: the token left the address bar").toBe("/card/bean-bros");
    expect(await page.getAttribute("html", "lang")).toBe("ko");
    const text = await mainText();
    expect(text).toContain(KOREAN.stamped(1));
    expect(text).toContain(KOREAN.stampsCount(1));
    expect(text).toContain(KOREAN.nextReward(9, KOREAN.defaultRewardLabel));
    expect(await page.locator("h1").innerText()).toBe("Bean Bros");

    const cookies = await context.cookies();
    const card = cookies.find((cookie) => cookie.name === "stamp_card");
    expect(card).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/" });
    expect(card?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(card?.value).not.toContain(phone.stamp.id);
    expect(await page.evaluate("document.cookie"), "page script cannot read the card").not.toContain("stamp_card");
    await screenshotBothWidths(page, "card-stamped-ko");
  }, TEST_TIMEOUT);

  it("says the URL was already used when it is opened again, and the count stays", async () => {
    await page.goto(phone.tapUrl(1));
    expect(new URL(page.url()).searchParams.get("tap")).toBe("already-used");
    const text = await mainText();
    expect(text).toContain(KOREAN.alreadyUsed);
    expect(text).toContain(KOREAN.stampsCount(1));
    await screenshotBothWidths(page, "card-already-used-ko");
  }, TEST_TIMEOUT);

  it("says an edited URL is not genuine, and credits nothing", async () => {
    await page.goto(edited(phone.tapUrl(2)));
    expect(new URL(page.url()).pathname).toBe("/card");
    expect(await mainText()).toContain(KOREAN.notGenuine);
    await screenshotBothWidths(page, "cards-not-genuine-ko");
    await page.goto(`${phone.publicUrl}/card/bean-bros`);
    expect(await mainText()).toContain(KOREAN.stampsCount(1));
  }, TEST_TIMEOUT);

  it("credits the next press, and shows each page at 360 px without sideways scrolling", async () => {
    await page.goto(phone.tapUrl(2));
    expect(await mainText()).toContain(KOREAN.stampsCount(2));
    for (const path of ["/card/bean-bros", "/card", "/p", "/card/nobody-here"]) {
      await page.goto(phone.publicUrl + path);
      expect(await scrollsSideways(page), `${path} at 360 px`).toBe(false);
    }
    await page.goto(phone.publicUrl + "/p");
    expect(await page.locator("h1").innerText()).toBe(KOREAN.pressTitle);
    await screenshotBothWidths(page, "press-ko");
  }, TEST_TIMEOUT);

  it("switches to English with the link, and keeps the choice", async () => {
    await page.goto(`${phone.publicUrl}/card/bean-bros`);
    await page.getByRole("link", { name: ENGLISH.languageName }).click();
    await page.waitForURL(/lang=en/, { timeout: STEP_TIMEOUT });
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await mainText()).toContain(ENGLISH.stampsCount(2));
    await page.goto(`${phone.publicUrl}/card`);
    expect(await page.getAttribute("html", "lang"), "the choice is kept in a cookie").toBe("en");
    await screenshotBothWidths(page, "cards-en");
    await page.goto(`${phone.publicUrl}/p?lang=ko`);
  }, TEST_TIMEOUT);

  it("lets a keyboard reach every link and button with Tab, with a visible focus ring", async () => {
    for (const path of ["/card/bean-bros", "/card", "/p"]) {
      await page.goto(phone.publicUrl + path);
      const { controls, reached } = await tabReach(page);
      expect(controls.length, path).toBeGreaterThan(1);
      expect(reached, `${path}: Tab reaches every visible control, in order`).toEqual(controls);
    }
    await page.keyboard.press("Tab");
    const outline = (await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")) as string;
    expect(outline).toBe("solid");
  }, TEST_TIMEOUT);
});
