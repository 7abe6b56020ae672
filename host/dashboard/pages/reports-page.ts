/**
 * GET /dashboard/reports: the merchant's analytics from the ledger (host/core/analytics), for
 * its owners, managers and auditors.
 *
 * - Stamps and customers per day over the last 30 days: a uPlot chart drawn by the page script
 *   from the table under it (the days with taps; the caption says the range and its total), so
 *   the chart and its text alternative cannot disagree: the table and the caption are what a
 *   screen reader reads, the canvas is hidden from it.
 * - The come-back list: a GET form (stamps at least, days away) and the cards as a table, with a
 *   link to the same list as CSV and, for an owner or manager, a form that sends the list a coupon.
 * - Workers' hours this month: a table, with a <meter> per worker as a bar chart that needs no
 *   script; missing clock-outs and the shifts open now listed in words.
 */
import { AttendanceRangeReport, ComeBackReport } from "../../core/analytics/analytics-reports";
import { MAX_REWARD_VALID_DAYS, REWARD_LABEL_MAX_LENGTH } from "../../core/phone/loyalty";
import { dayText, eventTime } from "../../web/clock-text";
import { Html, html } from "../../web/html";
import { DashboardContext } from "../dashboard-context";
import { dashboardDocument } from "../layout";

export interface DailyPoint {
  /** YYYY-MM-DD. */
  day: string;
  stamps: number;
  customers: number;
}

export interface ComeBackSection {
  minStamps: number;
  quietDays: number;
  /** The list, or why the numbers asked for were refused. */
  report: { ok: true; value: ComeBackReport } | { ok: false; why: string };
  /** The CSV link, with the same query. */
  csvHref: string;
  /** The person may send coupons to the list (owner, manager). */
  canIssueCoupons: boolean;
}

export interface ReportsPageInput {
  daily: { from: string; to: string; points: DailyPoint[] };
  comeBack: ComeBackSection;
  /** This month's attendance, from its first day to today. */
  attendance: { month: string; report: AttendanceRangeReport };
  notice: { tone: "good" | "warn"; text: string } | undefined;
}

/** A day as the chart's x value: noon UTC of that calendar date, in seconds (the script labels it as a UTC date, so no zone can move it). */
function chartX(day: string): number {
  return Date.parse(`${day}T12:00:00Z`) / 1000;
}

function dailySection(context: DashboardContext, input: ReportsPageInput): Html {
  const m = context.messages;
  const { points, from, to } = input.daily;
  const total = points.reduce((sum, point) => sum + point.stamps, 0);
  const busiest = points.reduce<DailyPoint | undefined>((best, point) => (point.stamps > 0 && (best === undefined || point.stamps > best.stamps) ? point : best), undefined);
  const summary = m.dailySummary(dayText(from, context.language), dayText(to, context.language), total, busiest === undefined ? undefined : { day: dayText(busiest.day, context.language), stamps: busiest.stamps });
  // Only days with taps, newest first (what a person looks for); the caption says the others had none, and the script draws them as zeros.
  const busy = points.filter((point) => point.stamps > 0 || point.customers > 0).reverse();
  const rows = busy.map(
    (point) => html`<tr data-x="${chartX(point.day)}" data-stamps="${point.stamps}" data-customers="${point.customers}"><th scope="row">${dayText(point.day, context.language)}</th><td>${point.stamps}</td><td>${point.customers}</td></tr>`,
  );
  const table =
    busy.length === 0
      ? ""
      : html`<div class="table-wrap"><table class="numbers" aria-describedby="daily-summary">
<thead><tr><th scope="col">${m.dayColumn}</th><th scope="col" class="number">${m.stampsCountColumn}</th><th scope="col" class="number">${m.customersColumn}</th></tr></thead>
<tbody data-daily>${rows}</tbody>
</table></div>`;
  return html`<section class="panel" aria-labelledby="daily-title">
<h2 id="daily-title">${m.dailyTitle}</h2>
<p class="muted">${m.dailyExplain}</p>
<figure class="chart" data-chart="daily" data-first="${chartX(from)}" data-last="${chartX(to)}" data-lang="${context.language}" data-stamps-label="${m.stampsCountColumn}" data-customers-label="${m.customersColumn}">
<figcaption id="daily-summary">${summary}</figcaption>
<ul class="chart-key" aria-hidden="true"><li class="key-stamps">${m.chartKeyStamps}</li><li class="key-customers">${m.chartKeyCustomers}</li></ul>
<div class="plot" data-plot aria-hidden="true"></div>
${table}
</figure>
</section>`;
}

/** Sends a coupon to the list as the host finds it when the form arrives (the same query; the cards are not taken from the page). */
function couponForm(context: DashboardContext, section: ComeBackSection, cards: number): Html {
  const m = context.messages;
  return html`<form method="post" action="/dashboard/reports/coupons" class="settings coupon" aria-labelledby="coupon-title">
<h3 id="coupon-title">${m.couponTitle}</h3>
<p class="muted">${m.couponExplain(cards)}</p>
<input type="hidden" name="minStamps" value="${section.minStamps}"><input type="hidden" name="quietDays" value="${section.quietDays}">
<div class="fields">
<div><label for="coupon-label">${m.couponLabelLabel}</label><input id="coupon-label" name="label" type="text" required maxlength="${REWARD_LABEL_MAX_LENGTH}" autocomplete="off"></div>
<div><label for="coupon-days">${m.couponDaysLabel}</label><input id="coupon-days" name="validDays" type="number" inputmode="numeric" min="1" max="${MAX_REWARD_VALID_DAYS}" step="1"></div>
</div>
<button type="submit" class="button">${m.couponButton(cards)}</button>
</form>`;
}

function comeBackSection(context: DashboardContext, section: ComeBackSection): Html {
  const m = context.messages;
  const form = html`<form method="get" action="/dashboard/reports" class="filters">
<div><label for="min-stamps">${m.minStampsLabel}</label><input id="min-stamps" name="minStamps" type="number" inputmode="numeric" min="0" max="1000000" step="1" required value="${section.minStamps}"></div>
<div><label for="quiet-days">${m.quietDaysLabel}</label><input id="quiet-days" name="quietDays" type="number" inputmode="numeric" min="1" max="3650" step="1" required value="${section.quietDays}"></div>
<div><button type="submit" class="button quiet">${m.showButton}</button></div>
</form>`;
  let body: Html;
  if (!section.report.ok) body = html`<p class="notice warn" role="status">${m.actionRefused(section.report.why)}</p>`;
  else if (section.report.value.cards.length === 0) body = html`<p class="muted" data-come-back-empty>${m.noComeBack}</p>`;
  else {
    const report = section.report.value;
    const rows = report.cards.map(
      (card) => html`<tr><td><code class="card-id">${card.cardId}</code></td><td class="number">${card.stamps}</td><td>${eventTime(card.lastVisit, context.language, context.timeZone)}</td></tr>`,
    );
    body = html`<p>${m.comeBackCount(report.cards.length)} <a href="${section.csvHref}" download>${m.csvLink}</a></p>
${report.truncated ? html`<p class="note">${m.comeBackMore(report.cards.length)}</p>` : ""}
<div class="table-wrap"><table class="numbers" data-come-back>
<thead><tr><th scope="col">${m.cardColumn}</th><th scope="col" class="number">${m.stampsCountColumn}</th><th scope="col">${m.lastVisitColumn}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${section.canIssueCoupons ? couponForm(context, section, report.cards.length) : ""}`;
  }
  return html`<section class="panel" aria-labelledby="come-back-title">
<h2 id="come-back-title">${m.comeBackTitle}</h2>
<p class="muted">${m.comeBackExplain(section.minStamps, section.quietDays)}</p>
${form}
${body}
</section>`;
}

function attendanceSection(context: DashboardContext, attendance: ReportsPageInput["attendance"]): Html {
  const m = context.messages;
  const { report, month } = attendance;
  const workers = report.workers.map((worker) => {
    const total = worker.months.find((period) => period.period === month) ?? { minutes: 0, missingClockOuts: 0 };
    return { name: worker.workerName, minutes: total.minutes, days: worker.days.filter((day) => day.minutes > 0).length, missing: total.missingClockOuts };
  });
  const most = Math.max(1, ...workers.map((worker) => worker.minutes));
  const table =
    workers.length === 0
      ? html`<p class="muted">${m.noAttendance}</p>`
      : html`<div class="table-wrap"><table class="numbers" data-attendance>
<thead><tr><th scope="col">${m.workerColumn}</th><th scope="col">${m.hoursColumn}</th><th scope="col">${m.daysWorkedColumn}</th><th scope="col">${m.missingColumn}</th></tr></thead>
<tbody>${workers.map(
          (worker) =>
            html`<tr data-minutes="${worker.minutes}"><th scope="row">${worker.name}</th><td><span class="hours">${m.hoursText(worker.minutes)}</span><meter class="hours-bar" aria-hidden="true" min="0" max="${most}" value="${worker.minutes}"></meter></td><td>${worker.days}</td><td>${worker.missing}</td></tr>`,
        )}</tbody>
</table></div>`;
  const missing =
    report.missingClockOuts.length === 0
      ? ""
      : html`<h3>${m.missingTitle}</h3><ul class="plain">${report.missingClockOuts.map((shift) => html`<li>${m.missingLine(shift.workerName, eventTime(shift.clockIn, context.language, context.timeZone), shift.shopName)}</li>`)}</ul>`;
  const open =
    report.openShifts.length === 0
      ? ""
      : html`<h3>${m.openTitle}</h3><ul class="plain">${report.openShifts.map((shift) => html`<li>${m.openLine(shift.workerName, eventTime(shift.clockIn, context.language, context.timeZone), shift.shopName)}</li>`)}</ul>`;
  return html`<section class="panel" aria-labelledby="attendance-title">
<h2 id="attendance-title">${m.attendanceTitle(m.monthName(month))}</h2>
<p class="muted">${m.attendanceExplain}</p>
${table}
${missing}
${open}
</section>`;
}

export function reportsPage(context: DashboardContext, input: ReportsPageInput): Html {
  const m = context.messages;
  const notice = input.notice === undefined ? "" : html`<p class="notice ${input.notice.tone}" role="status">${input.notice.text}</p>`;
  const main = html`${notice}<h1>${m.reportsTitle}</h1>
${dailySection(context, input)}
${comeBackSection(context, input.comeBack)}
${attendanceSection(context, input.attendance)}`;
  return dashboardDocument(context, { title: m.reportsTitle, main: main, current: "reports", charts: true });
}
