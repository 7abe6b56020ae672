/**
 * What the dashboard's Chromium tests check on every page, and how they log a person in:
 * no sideways scrolling at phone width, every control reached with Tab, no serious or critical
 * axe-core violation; screenshots at 390 and 1280 px when STAMP_SCREENSHOTS names a directory
 * (a person looks at them; the tests assert on the DOM).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { DASHBOARD_KOREAN } from "../../host/dashboard/i18n/dashboard-ko";
import { DESKTOP_VIEWPORT, PHONE_VIEWPORT, phoneContext, scrollsSideways, tabReach, VirtualAuthenticator } from "../support/chromium";
import { DashboardWorld } from "./dashboard-world";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** A common phone's width (an iPhone's 390 px) for the screenshots a person looks at; the checks run at the narrower 360. */
const LOOK_WIDTH = 390;

/**
 * axe-core's serious and critical violations on the page, as "rule: target" lines. The page's CSP
 * allows no injected script, so axe runs in a twin context that bypasses it, with the same
 * cookies. A page that answered a POST cannot be fetched again: the twin gets its markup instead.
 */
export async function seriousViolations(browser: Browser, page: Page, options: { postAnswer?: boolean } = {}): Promise<string[]> {
  const twin = await browser.newContext({ viewport: page.viewportSize() ?? undefined, locale: "ko-KR", bypassCSP: true });
  try {
    await twin.addCookies(await page.context().cookies());
    const copy = await twin.newPage();
    if (options.postAnswer === true) {
      const markup = await page.content();
      await copy.route(page.url(), (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: markup }));
    }
    await copy.goto(page.url());
    await copy.waitForLoadState("load");
    await copy.addScriptTag({ content: AXE_SOURCE });
    const violations = (await copy.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then(function (r) {
      return r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; })
        .map(function (v) { return v.id + ": " + v.nodes.map(function (n) { return n.target.join(" "); }).join(", "); });
    })`)) as string[];
    return violations;
  } finally {
    await twin.close();
  }
}

/** Full-page screenshots at 390 and 1280 px, as `<name>-390.png` and `<name>-1280.png`, then back to the phone's viewport. */
export async function lookAt(page: Page, name: string): Promise<void> {
  const dir = process.env.STAMP_SCREENSHOTS;
  if (dir === undefined || dir === "") return;
  mkdirSync(dir, { recursive: true });
  const before = page.viewportSize() ?? PHONE_VIEWPORT;
  for (const width of [LOOK_WIDTH, DESKTOP_VIEWPORT.width]) {
    await page.setViewportSize({ width: width, height: width === LOOK_WIDTH ? 844 : DESKTOP_VIEWPORT.height });
    // The chart follows the width on the next frame.
    await page.evaluate("new Promise(function (done) { requestAnimationFrame(function () { requestAnimationFrame(done); }); })");
    await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
    // The chart alone too, at full size: the whole page is scaled down when looked at.
    const chart = page.locator("[data-chart][data-drawn=true]");
    if ((await chart.count()) > 0) await chart.screenshot({ path: join(dir, `${name}-${width}-chart.png`) });
  }
  await page.setViewportSize(before);
}

/** The page at 360 px: no sideways scrolling, Tab reaches every visible control in order, axe finds nothing serious; then the screenshots. */
export async function checkPage(browser: Browser, page: Page, name: string, options: { postAnswer?: boolean } = {}): Promise<void> {
  expect(await scrollsSideways(page), `${name} at 360 px`).toBe(false);
  const { controls, reached } = await tabReach(page);
  expect(reached, `${name}: Tab reaches every visible control, in order`).toEqual(controls);
  expect(await seriousViolations(browser, page, options), `${name}: axe`).toEqual([]);
  await lookAt(page, name);
}

/** A person invited through the API who makes a passkey in a fresh phone browser from the link: logged in, on the counter view. */
export async function logIn(dashboard: DashboardWorld, browser: Browser, role: "owner" | "manager" | "auditor", name: string, locale = "ko-KR"): Promise<{ context: BrowserContext; page: Page }> {
  const link = await dashboard.invite(role, name);
  const context = await phoneContext(browser, locale);
  const page = await context.newPage();
  await VirtualAuthenticator.attach(page);
  await page.goto(link);
  await page.getByRole("button", { name: locale.startsWith("ko") ? DASHBOARD_KOREAN.enrolButton : /passkey/i }).click();
  await page.waitForURL(/\/dashboard$/);
  return { context: context, page: page };
}

/** A POST from the logged-in page's own origin (with its cookies), as a script on the page could send it without any form: its status. */
export async function postFromPage(page: Page, path: string, fields: Record<string, string>): Promise<number> {
  return (await page.evaluate(
    `fetch(${JSON.stringify(path)}, { method: "POST", credentials: "same-origin", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(${JSON.stringify(fields)}).toString() }).then(function (r) { return r.status; })`,
  )) as number;
}
