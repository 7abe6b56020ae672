/**
 * A card kept with a passkey and brought to another phone, in headless Chromium with its virtual
 * WebAuthn authenticator: phone A gets a card by opening the stamp's URL and saves a passkey;
 * phone B (another browser context, no cookie) holds the same passkey, as a synced passkey
 * would be, uses it, and sees the same card. Without WebAuthn nothing is offered.
 */
import { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGLISH } from "../../host/web/i18n/messages-en";
import { LAUNCH_TIMEOUT, launchChromium, phoneContext, screenshotBothWidths, VirtualAuthenticator } from "../support/chromium";
import { PhoneWorld, startPhoneWorld } from "./phone-world";

const TEST_TIMEOUT = 90_000;

let phone: PhoneWorld;
let browser: Browser;

beforeAll(async () => {
  phone = await startPhoneWorld();
  browser = await launchChromium();
}, LAUNCH_TIMEOUT + 30_000);

afterAll(async () => {
  await browser?.close();
  await phone?.close();
}, 30_000);

describe("a card moved to another phone with a passkey", () => {
  it("saves a passkey on phone A and brings the card to phone B with it", async () => {
    const contextA = await phoneContext(browser, "en-US");
    const pageA = await contextA.newPage();
    const authenticatorA = await VirtualAuthenticator.attach(pageA);
    await pageA.goto(phone.tapUrl(1));
    await pageA.goto(phone.tapUrl(2));
    expect(await pageA.locator("main").innerText()).toContain(ENGLISH.stampsCount(2));
    await pageA.getByRole("button", { name: ENGLISH.keepButton }).click();
    await pageA.getByText(ENGLISH.keepDone).waitFor();
    await screenshotBothWidths(pageA, "passkey-saved-en");
    const saved = await authenticatorA.credentials();
    expect(saved.map((credential) => credential.isResidentCredential)).toEqual([true]);

    const contextB = await phoneContext(browser, "en-US");
    const pageB = await contextB.newPage();
    const authenticatorB = await VirtualAuthenticator.attach(pageB);
    await authenticatorB.add(saved[0]);
    await pageB.goto(`${phone.publicUrl}/card`);
    expect(await pageB.locator("main").innerText()).toContain(ENGLISH.noCards);
    await screenshotBothWidths(pageB, "cards-empty-en");
    await pageB.getByRole("button", { name: ENGLISH.bringButton }).click();
    await pageB.getByRole("link", { name: /Bean Bros/ }).waitFor();
    await pageB.getByRole("link", { name: /Bean Bros/ }).click();
    await pageB.waitForURL(/\/card\/bean-bros$/);
    expect(await pageB.locator("main").innerText()).toContain(ENGLISH.stampsCount(2));

    const cardOf = async (context: typeof contextA) => (await context.cookies()).find((cookie) => cookie.name === "stamp_card")?.value;
    const [secretA, secretB] = [await cardOf(contextA), await cardOf(contextB)];
    expect(secretB, "phone B got a card secret of its own").toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secretB).not.toBe(secretA);

    await pageB.goto(phone.tapUrl(3));
    expect(await pageB.locator("main").innerText(), "a press on phone B counts on the same card").toContain(ENGLISH.stampsCount(3));
    await pageA.goto(`${phone.publicUrl}/card/bean-bros`);
    expect(await pageA.locator("main").innerText(), "phone A sees it too").toContain(ENGLISH.stampsCount(3));
    await contextA.close();
    await contextB.close();
  }, TEST_TIMEOUT);

  it("offers no passkey where the browser has no WebAuthn", async () => {
    const context = await phoneContext(browser, "en-US");
    await context.addInitScript("delete window.PublicKeyCredential");
    const page = await context.newPage();
    await page.goto(`${phone.publicUrl}/card`);
    await page.waitForLoadState("load");
    expect(await page.locator("[data-passkey]:visible").count()).toBe(0);
    expect(await page.locator("main").innerText()).toContain(ENGLISH.noCards);
    await context.close();
  }, TEST_TIMEOUT);
});
