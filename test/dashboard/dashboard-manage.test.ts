/**
 * The dashboard's programs, reports and stamp reinstatement in headless Chromium, against the
 * real server on a real database, with taps made through the HTTP API (a counter station) and
 * the phone flow (GET /t/:token with a card cookie):
 *
 * - a manager changes the loyalty program on the programs page, and the API's next read (and the
 *   next phone press's stamps) follow it; adds a worker and makes their invitation link, which a
 *   phone then opens and uses to clock in and, eight hours later, out;
 * - the reports page draws a uPlot chart (a canvas) from a table whose numbers are the taps made,
 *   shows the worker's hours, and the come-back list with its CSV;
 * - a stamp quarantined by a clone is put back in service from the stamps page, after which a
 *   tap is accepted again;
 * - an auditor sees stamps and programs without any form, and a POST made anyway is refused with
 *   403 and changes nothing.
 *
 * Every new page, Korean and English: no sideways scrolling at 360 px, Tab reaches every control,
 * axe-core finds no serious or critical violation.
 */
import { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_ENGLISH } from "../../host/dashboard/i18n/dashboard-en";
import { DASHBOARD_KOREAN } from "../../host/dashboard/i18n/dashboard-ko";
import { dayInZone } from "../../host/core/analytics/zoned-days";
import { dayText } from "../../host/web/clock-text";
import { LAUNCH_TIMEOUT, launchChromium, mainText } from "../support/chromium";
import { checkPage, logIn, lookAt, postFromPage } from "./dashboard-checks";
import { DashboardWorld, PhoneJar, SHOP_TIME_ZONE, startDashboardWorld } from "./dashboard-world";

/** The calendar day (YYYY-MM-DD) of an instant in the zone, as the host's analytics count it. */
function dayKey(at: number, timeZone: string): string {
  const dayOf = dayInZone(timeZone);
  if (!dayOf.ok) throw new Error(dayOf.error.message);
  return dayOf.value(at);
}

const TEST_TIMEOUT = 120_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const KO = DASHBOARD_KOREAN;
const EN = DASHBOARD_ENGLISH;

let dashboard: DashboardWorld;
let browser: Browser;
let manager: { context: BrowserContext; page: Page };

beforeAll(async () => {
  dashboard = await startDashboardWorld();
  browser = await launchChromium();
  manager = await logIn(dashboard, browser, "manager", "김지우");
}, LAUNCH_TIMEOUT + 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
}, 30_000);

async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${dashboard.publicUrl}${path}`);
}

/** The first day of a 30-day range ending on `day` (YYYY-MM-DD). */
function day30Before(day: string): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
}

/** A table's body rows as arrays of their cells' text. */
async function tableRows(page: Page, selector: string): Promise<string[][]> {
  return (await page.evaluate(
    `Array.from(document.querySelectorAll(${JSON.stringify(selector + " tbody tr")})).map(function (row) { return Array.from(row.children).map(function (cell) { return cell.textContent.trim(); }); })`,
  )) as string[][];
}

async function ownerRead<T>(path: string): Promise<T> {
  const answer = await dashboard.owner.request("GET", path);
  expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(200);
  return answer.body as T;
}

/** The worker's phone, linked by the invitation. */
const workerPhone: PhoneJar = { cookie: undefined };

describe("the dashboard's programs, reports and reinstatement in Chromium", () => {
  it("changes the loyalty program from the programs page, and the API's next read shows it", async () => {
    const page = manager.page;
    await open(page, "/dashboard/programs");
    expect(await page.locator("h1").innerText()).toBe(KO.programsTitle);
    expect(await page.locator("nav a[aria-current=page]").innerText()).toBe(KO.programsNav);
    expect(await mainText(page)).toContain(KO.loyaltySummary(10, "a free item", 1, null));
    await checkPage(browser, page, "dashboard-programs-ko");

    await page.getByLabel(KO.stampsPerRewardLabel).fill("8");
    await page.getByLabel(KO.stampsPerPressLabel).fill("2");
    await page.getByLabel(KO.rewardLabelLabel, { exact: true }).fill("아메리카노 한 잔");
    await page.getByLabel(KO.rewardValidDaysLabel).fill("30");
    await page.getByRole("button", { name: KO.saveLoyaltyButton }).click();
    await page.waitForURL(/done=loyalty/);
    expect(await mainText(page)).toContain(KO.loyaltySavedNotice);
    expect(await mainText(page)).toContain(KO.loyaltySummary(8, "아메리카노 한 잔", 2, 30));
    expect(await ownerRead("/v1/merchants/bean-bros/loyalty")).toMatchObject({ stampsPerReward: 8, stampsPerPress: 2, rewardLabel: "아메리카노 한 잔", rewardValidDays: 30 });

    // A refused value is said in words, nothing changes, and what was typed stays in the form.
    // The browser would stop a 0 itself (min="1"): the host must refuse it too.
    await page.evaluate(`document.querySelector("form[action='/dashboard/programs/loyalty']").noValidate = true`);
    await page.getByLabel(KO.stampsPerRewardLabel).fill("0");
    const [refused] = await Promise.all([page.waitForResponse((response) => response.url().endsWith("/dashboard/programs/loyalty")), page.getByRole("button", { name: KO.saveLoyaltyButton }).click()]);
    expect(refused.status()).toBe(400);
    await page.waitForLoadState("load");
    expect(await mainText(page)).toContain(KO.actionRefused(""));
    expect(await page.getByLabel(KO.stampsPerRewardLabel).inputValue()).toBe("0");
    expect(await ownerRead("/v1/merchants/bean-bros/loyalty")).toMatchObject({ stampsPerReward: 8 });
  }, TEST_TIMEOUT);

  it("adds a worker and makes their invitation link, shown once; the phone that opens it clocks the worker in and out", async () => {
    const page = manager.page;
    await open(page, "/dashboard/programs");
    await page.getByLabel(KO.workerNameLabel).fill("박민수");
    await page.getByRole("button", { name: KO.addWorkerButton }).click();
    await page.waitForURL(/done=worker/);
    expect(await mainText(page)).toContain(KO.workerAddedNotice("박민수"));
    const listed = await ownerRead<{ items: { id: string; name: string }[] }>("/v1/merchants/bean-bros/workers");
    expect(listed.items.map((worker) => worker.name)).toEqual(["박민수"]);

    await page.getByRole("button", { name: KO.inviteButton("박민수") }).click();
    await page.waitForURL(/\/invitation$/);
    const link = await page.locator("[data-invitation-link]").getAttribute("href");
    expect(link).toMatch(new RegExp(`^${dashboard.publicUrl}/w/[A-Za-z0-9_-]{43}$`));
    expect(await page.locator("[data-invitation] svg").count(), "the link as a QR code").toBe(1);
    await checkPage(browser, page, "dashboard-programs-invitation-ko", { postAnswer: true });
    expect(new URL(page.url()).search, "the code is in no address").toBe("");
    await open(page, "/dashboard/programs");
    expect(await page.locator("[data-invitation]").count(), "shown once").toBe(0);

    // The worker's phone accepts the invitation (the page's button posts back to the link), then presses the stamp.
    const accepted = await fetch(link ?? "", { method: "POST", redirect: "manual", headers: { origin: dashboard.publicUrl, "content-type": "application/x-www-form-urlencoded" }, body: "" });
    expect(accepted.status).toBe(303);
    workerPhone.cookie = accepted.headers.get("set-cookie")?.split(";")[0];
    await dashboard.phoneTap(workerPhone);
    dashboard.advance(8 * 60 * MINUTE_MS + 3 * MINUTE_MS);
    await dashboard.phoneTap(workerPhone);
  }, TEST_TIMEOUT);

  it("draws stamps and customers per day with uPlot from a table whose numbers are the taps made, with the worker's hours and the come-back list", async () => {
    const day = dayKey(dashboard.now(), SHOP_TIME_ZONE);
    // Two taps at the counter (1 stamp each), a customer pressing twice on their phone and another once (2 stamps a press, as just set).
    expect(await dashboard.tapAtGangnam()).toBe("ACCEPTED");
    expect(await dashboard.tapAtGangnam()).toBe("ACCEPTED");
    const regular: PhoneJar = { cookie: undefined };
    const once: PhoneJar = { cookie: undefined };
    for (const jar of [regular, regular, once]) expect(await dashboard.phoneTap(jar)).toMatch(/tap=/);
    expect(dayKey(dashboard.now(), SHOP_TIME_ZONE), "all on one day").toBe(day);

    const page = manager.page;
    await open(page, "/dashboard/reports");
    expect(await page.locator("h1").innerText()).toBe(KO.reportsTitle);
    await page.locator("[data-chart][data-drawn=true] canvas").waitFor();
    const rows = await tableRows(page, "[data-chart]");
    expect(rows, "today, the one day with taps: 2 + 3 × 2 stamps, 2 customer cards").toEqual([[dayText(day, "ko"), "8", "2"]]);
    expect(await page.locator("figcaption").innerText()).toContain(KO.dailySummary(dayText(day30Before(day), "ko"), dayText(day, "ko"), 8, { day: dayText(day, "ko"), stamps: 8 }));
    expect(await page.locator("[data-chart]").getAttribute("data-points"), "uPlot drew every day of the 30").toBe("30");

    const hours = await tableRows(page, "[data-attendance]");
    expect(hours).toEqual([["박민수", KO.hoursText(8 * 60 + 3), "1", "0"]]);
    await checkPage(browser, page, "dashboard-reports-ko");

    // Three days on, both cards are gone for more than a day; at least 3 stamps leaves the regular (4 stamps) alone.
    // (The session has ended by then, after 12 hours: the manager logs in again.)
    dashboard.advance(3 * DAY_MS);
    await manager.context.close();
    manager = await logIn(dashboard, browser, "manager", "김지우");
    const later = manager.page;
    await open(later, "/dashboard/reports?minStamps=3&quietDays=1");
    const cards = await tableRows(later, "[data-come-back]");
    expect(cards.map((row) => row[1])).toEqual(["4"]);
    const href = await later.getByRole("link", { name: KO.csvLink }).getAttribute("href");
    const csv = (await later.evaluate(`fetch(${JSON.stringify(href)}, { credentials: "same-origin" }).then(function (r) { return r.text(); })`)) as string;
    expect(csv.split("\r\n")[0]).toBe("card_id,stamps,last_visit");
    expect(csv.split("\r\n")[1]).toMatch(new RegExp(`^${cards[0][0]},4,\\d{4}-\\d{2}-\\d{2}T`));
    await checkPage(browser, later, "dashboard-reports-come-back-ko");

    // A coupon to the list: the host finds the list again and gives the one card a coupon, shown on the programs page.
    await later.getByLabel(KO.couponLabelLabel).fill("아메리카노 반값");
    await later.getByLabel(KO.couponDaysLabel).fill("14");
    await later.getByRole("button", { name: KO.couponButton(1) }).click();
    await later.waitForURL(/issued=1/);
    expect(await mainText(later)).toContain(KO.couponsIssuedNotice(1));
    await open(later, "/dashboard/programs");
    expect(await tableRows(later, "[data-vouchers]")).toEqual([["아메리카노 반값" + KO.voucherKindNames.coupon, KO.voucherStateNames.usable, expect.any(String)]]);

    await open(later, "/dashboard/reports?lang=en");
    await later.locator("[data-chart][data-drawn=true] canvas").waitFor();
    expect(await later.locator("h1").innerText()).toBe(EN.reportsTitle);
    await checkPage(browser, later, "dashboard-reports-en");
    await open(later, "/dashboard/programs?lang=en");
    expect(await later.locator("h1").innerText()).toBe(EN.programsTitle);
    await checkPage(browser, later, "dashboard-programs-en");
    await open(later, "/dashboard/programs?lang=ko");
  }, TEST_TIMEOUT);

  it("puts a stamp blocked as a clone back in service from the stamps page, after which a tap counts again", async () => {
    const counter = dashboard.world.stamp.counter;
    expect(await dashboard.tapAtGangnam(counter), "the same counter again: a clone").toBe("COUNTER_FORK");
    const page = manager.page;
    await open(page, "/dashboard/stamps");
    expect(await mainText(page)).toContain(KO.statusNames.quarantined);
    expect(await dashboard.tapAtGangnam(), "blocked").toBe("STAMP_QUARANTINED");
    await page.getByLabel(KO.reasonLabel).first().fill("매장에서 확인함: 원본 스탬프");
    await page.getByRole("button", { name: KO.reinstateButton }).click();
    await page.waitForURL(/done=reinstated/);
    expect(await mainText(page)).toContain(KO.reinstatedNotice("stamp-1"));
    expect(await mainText(page)).toContain(KO.statusNames.active);
    await lookAt(page, "dashboard-stamps-reinstated-ko");
    expect(await dashboard.tapAtGangnam(), "the next tap through the API").toBe("ACCEPTED");
  }, TEST_TIMEOUT);

  it("shows an auditor stamps and programs without any form, and refuses a POST made anyway with 403, changing nothing", async () => {
    const auditor = await logIn(dashboard, browser, "auditor", "회계 담당");
    const page = auditor.page;
    const stampId = dashboard.world.stamp.id;
    const changeForms = "main form[method=post]";

    await open(page, "/dashboard/stamps");
    expect(await mainText(page)).toContain(KO.readOnly);
    expect(await page.locator(changeForms).count()).toBe(0);
    await open(page, "/dashboard/programs");
    expect(await mainText(page)).toContain(KO.programsReadOnly);
    expect(await mainText(page)).toContain(KO.loyaltySummary(8, "아메리카노 한 잔", 2, 30));
    expect(await mainText(page)).toContain("박민수");
    expect(await page.locator(changeForms).count()).toBe(0);
    await checkPage(browser, page, "dashboard-programs-auditor-ko");
    await open(page, "/dashboard/reports?minStamps=3&quietDays=1");
    await page.locator("[data-chart][data-drawn=true] canvas").waitFor();
    expect(await tableRows(page, "[data-come-back]"), "the auditor reads the come-back list").toHaveLength(1);
    expect(await page.locator(changeForms).count(), "but sends no coupon").toBe(0);

    const workerId = (await ownerRead<{ items: { id: string }[] }>("/v1/merchants/bean-bros/workers")).items[0].id;
    expect(await postFromPage(page, `/dashboard/stamps/${stampId}/revoke`, { reason: "forged" })).toBe(403);
    expect(await postFromPage(page, "/dashboard/programs/loyalty", { stampsPerReward: "1", stampsPerPress: "5", rewardLabel: "everything", rewardValidDays: "" })).toBe(403);
    expect(await postFromPage(page, "/dashboard/reports/coupons", { minStamps: "0", quietDays: "1", label: "everything free" })).toBe(403);
    expect(await postFromPage(page, "/dashboard/programs/workers", { name: "ghost" })).toBe(403);
    expect(await postFromPage(page, `/dashboard/programs/workers/${workerId}/invitation`, {})).toBe(403);

    expect(await ownerRead(`/v1/stamps/${stampId}`)).toMatchObject({ status: "active" });
    expect(await ownerRead("/v1/merchants/bean-bros/loyalty")).toMatchObject({ stampsPerReward: 8, stampsPerPress: 2, rewardLabel: "아메리카노 한 잔" });
    const workers = await ownerRead<{ items: { name: string }[] }>("/v1/merchants/bean-bros/workers");
    expect(workers.items.map((worker) => worker.name)).toEqual(["박민수"]);
    await open(page, "/dashboard/programs");
    expect((await tableRows(page, "[data-vouchers]")).map((row) => row[0]), "no coupon was sent").toEqual(["아메리카노 반값" + KO.voucherKindNames.coupon]);
    await auditor.context.close();
  }, TEST_TIMEOUT);
});
