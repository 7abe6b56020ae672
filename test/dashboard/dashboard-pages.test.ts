/**
 * The dashboard in headless Chromium against the real server on a real database: a manager
 * invited through the API makes a passkey from the link (Chromium's virtual authenticator) and
 * logs in with it from another browser; a tap made through the HTTP API by the counter station
 * appears in the counter view within a second, green, with the stamp's label and the reason in
 * words; taking the stamp out of service from the stamps page makes the next tap fail, and the
 * counter view shows it red. Every page: Korean and English, no sideways scrolling at 360 px,
 * every control reached with Tab, and axe-core finds no serious or critical violation.
 */
import { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_ENGLISH } from "../../host/dashboard/i18n/dashboard-en";
import { DASHBOARD_KOREAN } from "../../host/dashboard/i18n/dashboard-ko";
import { DESKTOP_VIEWPORT, LAUNCH_TIMEOUT, launchChromium, mainText, phoneContext, screenshotBothWidths, STEP_TIMEOUT, VirtualAuthenticator } from "../support/chromium";
import { checkPage as checkPageIn } from "./dashboard-checks";
import { DashboardWorld, startDashboardWorld } from "./dashboard-world";

const TEST_TIMEOUT = 90_000;
/** The bar: a verdict on the counter view within a second of the tap's answer. */
const COUNTER_VIEW_DELAY_MS = 1_000;

let dashboard: DashboardWorld;
let browser: Browser;
/** The manager's browser, logged in by the second test. */
let manager: BrowserContext;
let counter: Page;

beforeAll(async () => {
  dashboard = await startDashboardWorld();
  browser = await launchChromium();
}, LAUNCH_TIMEOUT + 30_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
}, 30_000);

/** The shared page checks (dashboard-checks.ts) with this file's browser. */
async function checkPage(page: Page, name: string): Promise<void> {
  await checkPageIn(browser, page, name);
}

describe("the dashboard in Chromium", () => {
  it("makes a passkey from an invitation link, once, and logs in with it from another browser", async () => {
    const link = await dashboard.invite("manager", "김지우");
    const first = await phoneContext(browser, "ko-KR");
    const page = await first.newPage();
    const authenticator = await VirtualAuthenticator.attach(page);
    await page.goto(link);
    expect(await page.getAttribute("html", "lang")).toBe("ko");
    expect(await mainText(page)).toContain(DASHBOARD_KOREAN.enrolExplain("김지우", DASHBOARD_KOREAN.roleNames.manager, "Bean Bros"));
    await checkPage(page, "dashboard-enrol-ko");
    await page.getByRole("button", { name: DASHBOARD_KOREAN.enrolButton }).click();
    await page.waitForURL(/\/dashboard$/);
    expect(await page.locator("h1").innerText()).toBe(DASHBOARD_KOREAN.counterTitle);
    const session = (await first.cookies()).find((cookie) => cookie.name === "stamp_staff");
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/dashboard" });
    const saved = await authenticator.credentials();
    expect(saved.map((credential) => credential.isResidentCredential)).toEqual([true]);

    await page.goto(link);
    expect(await mainText(page), "the link works once").toContain(DASHBOARD_KOREAN.enrolInvalid);
    await first.close();

    manager = await phoneContext(browser, "ko-KR");
    counter = await manager.newPage();
    const synced = await VirtualAuthenticator.attach(counter);
    await synced.add(saved[0]);
    await counter.goto(`${dashboard.publicUrl}/dashboard`);
    await counter.waitForURL(/\/dashboard\/login$/);
    await checkPage(counter, "dashboard-login-ko");
    await counter.getByRole("button", { name: DASHBOARD_KOREAN.loginButton }).click();
    await counter.waitForURL(/\/dashboard$/);
    expect(await mainText(counter)).toContain(DASHBOARD_KOREAN.signedInAs("김지우", DASHBOARD_KOREAN.roleNames.manager));
  }, TEST_TIMEOUT);

  it("shows a tap made through the API in the counter view within a second: green, the stamp's label, the reason in words", async () => {
    await counter.locator("[data-feed][data-state=live]").waitFor({ timeout: STEP_TIMEOUT });
    expect(await dashboard.tapAtGangnam()).toBe("ACCEPTED");
    const answered = Date.now();
    const line = counter.locator(".verdict.good").first();
    await line.waitFor({ timeout: STEP_TIMEOUT });
    expect(Date.now() - answered, "milliseconds from the tap's answer to the line").toBeLessThan(COUNTER_VIEW_DELAY_MS);
    const text = await line.innerText();
    expect(text).toContain(DASHBOARD_KOREAN.counted);
    expect(text).toContain("stamp-1");
    expect(text).toContain(DASHBOARD_KOREAN.reasons.ACCEPTED);
    expect(text).toContain(DASHBOARD_KOREAN.atShop("Gangnam"));
    expect(text, "never a bare id").not.toContain(dashboard.world.stamp.id);
    await checkPage(counter, "dashboard-counter-ko");
  }, TEST_TIMEOUT);

  it("takes the stamp out of service from the stamps page, after which the next tap fails and shows red", async () => {
    const stamps = await manager.newPage();
    await stamps.goto(`${dashboard.publicUrl}/dashboard/stamps`);
    expect(await mainText(stamps)).toContain(DASHBOARD_KOREAN.statusNames.active);
    await checkPage(stamps, "dashboard-stamps-ko");
    await stamps.getByLabel(DASHBOARD_KOREAN.reasonLabel).fill("매장에서 분실");
    await stamps.getByRole("button", { name: DASHBOARD_KOREAN.revokeButton }).click();
    await stamps.waitForURL(/done=revoked/);
    const after = await mainText(stamps);
    expect(after).toContain(DASHBOARD_KOREAN.revokedNotice("stamp-1"));
    expect(after).toContain(DASHBOARD_KOREAN.statusNames.revoked);
    await screenshotBothWidths(stamps, "dashboard-stamps-revoked-ko");

    expect(await dashboard.tapAtGangnam(), "the next tap through the API").toBe("STAMP_REVOKED");
    const refused = counter.locator(".verdict.bad").first();
    await refused.waitFor({ timeout: STEP_TIMEOUT });
    expect(await refused.innerText()).toContain(DASHBOARD_KOREAN.reasons.STAMP_REVOKED);
    await screenshotBothWidths(counter, "dashboard-counter-refused-ko");

    await stamps.goto(`${dashboard.publicUrl}/dashboard/stamps`);
    expect(await mainText(stamps), "the alert in words").toContain(DASHBOARD_KOREAN.alertKinds.REVOKED_STAMP_USED);
  }, TEST_TIMEOUT);

  it("speaks English with the switch, at desktop width too, and logs out", async () => {
    const page = await manager.newPage();
    await page.goto(`${dashboard.publicUrl}/dashboard/stamps?lang=en`);
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.locator("h1").innerText()).toBe(DASHBOARD_ENGLISH.stampsTitle);
    await checkPage(page, "dashboard-stamps-en");
    await page.goto(`${dashboard.publicUrl}/dashboard`);
    await page.setViewportSize(DESKTOP_VIEWPORT);
    expect(await page.locator("h1").innerText()).toBe(DASHBOARD_ENGLISH.counterTitle);
    await page.getByRole("button", { name: DASHBOARD_ENGLISH.logOut }).click();
    await page.waitForURL(/\/dashboard\/login$/);
    await page.goto(`${dashboard.publicUrl}/dashboard/stamps`);
    expect(new URL(page.url()).pathname, "the session ended").toBe("/dashboard/login");
  }, TEST_TIMEOUT);
});
