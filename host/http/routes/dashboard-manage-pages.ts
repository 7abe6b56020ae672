/**
 * The dashboard's reports and programs pages. Reports: stamps and customers per day (a chart and
 * its table), the come-back list (and its CSV), workers' hours this month, all from the ledger
 * through the core's analytics (host/core/analytics) as the session's principal. Programs: the
 * loyalty program and the workers, changed through the same core operations as the API
 * (host/core/phone/loyalty.ts, workers.ts), each form posted to this host only and answered with
 * a redirect back and the result in words; a worker's invitation link is the POST's own answer,
 * shown once.
 */
import { qrSvg } from "../../web/qr-code";
import { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { can } from "../../core/access/permissions";
import { comeBackReport, attendanceRangeReport, dailyReport, DEFAULT_QUIET_DAYS, MAX_COME_BACK_CARDS } from "../../core/analytics/analytics-reports";
import { comeBackCsv } from "../../core/analytics/come-back-csv";
import { dayInZone, dayNumber, dayText } from "../../core/analytics/zoned-days";
import { LoyaltyProgram } from "../../core/phone/card-model";
import { getLoyaltyProgram, setLoyaltyProgram } from "../../core/phone/loyalty";
import { issueCoupons, listVouchers, MAX_COUPON_CARDS } from "../../core/phone/vouchers";
import { addWorker, inviteWorker, listWorkers } from "../../core/phone/workers";
import { StaffPrincipal } from "../../core/staff/staff-sessions";
import { DashboardContext } from "../../dashboard/dashboard-context";
import { LoyaltyDraft, NewInvitation, programsPage } from "../../dashboard/pages/programs-page";
import { ComeBackSection, DailyPoint, reportsPage } from "../../dashboard/pages/reports-page";
import { CORE_PAGE_STATUS, DASHBOARD_PAGE, dashboardContext, dashboardErrorHandler, sendDashboardPage, staffOrLogin } from "../dashboard-request";
import { PhoneDeps } from "../deps";
import { LanguageQuery, languageQuery } from "../phone-page-request";
import { INVITATION_PATH } from "./workers";

/** Rows of the come-back list on the page, and the cards its coupon form reaches; the CSV has up to the core's maximum. */
const COME_BACK_ON_PAGE = Math.min(200, MAX_COUPON_CARDS);
/** The come-back list's default lower bound on the page: a card that came once is not yet a regular. */
const DEFAULT_MIN_STAMPS = 1;
/** A shop's staff, not a payroll: one page of workers. */
const MOST_WORKERS = 200;
/** The programs page's list of the latest rewards and coupons. */
const LATEST_VOUCHERS = 20;

const WHOLE = { type: "string", pattern: "^[0-9]{1,7}$" } as const;
const WORKER_ID = { type: "string", pattern: "^[0-9a-f]{16}$" } as const;

interface ComeBackQuery extends LanguageQuery {
  minStamps?: string;
  quietDays?: string;
  /** After sending coupons: how many were issued. */
  issued?: string;
}
const comeBackQuery = { type: "object", properties: { ...languageQuery.properties, minStamps: WHOLE, quietDays: WHOLE, issued: WHOLE } } as const;

interface CouponForm {
  minStamps: string;
  quietDays: string;
  label: string;
  validDays: string;
}
const couponForm = {
  type: "object",
  properties: { minStamps: WHOLE, quietDays: WHOLE, label: { type: "string", maxLength: 1000 }, validDays: { type: "string", maxLength: 16 } },
  required: ["minStamps", "quietDays", "label"],
  additionalProperties: false,
} as const;

const PROGRAMS_DONE = ["loyalty", "worker"] as const;
type ProgramsDone = (typeof PROGRAMS_DONE)[number];
interface ProgramsQuery extends LanguageQuery {
  done?: ProgramsDone;
  worker?: string;
}
const programsQuery = { type: "object", properties: { ...languageQuery.properties, done: { type: "string", enum: [...PROGRAMS_DONE] }, worker: WORKER_ID } } as const;

type LoyaltyForm = LoyaltyDraft;
const loyaltyForm = {
  type: "object",
  properties: {
    stampsPerReward: { type: "string", maxLength: 16 },
    stampsPerPress: { type: "string", maxLength: 16 },
    rewardLabel: { type: "string", maxLength: 1000 },
    rewardValidDays: { type: "string", maxLength: 16 },
  },
  required: ["stampsPerReward", "stampsPerPress", "rewardLabel", "rewardValidDays"],
  additionalProperties: false,
} as const;
const workerForm = { type: "object", properties: { name: { type: "string", maxLength: 1000 } }, required: ["name"], additionalProperties: false } as const;
const workerParams = { type: "object", properties: { id: WORKER_ID }, required: ["id"] } as const;

type Notice = { tone: "good" | "warn"; text: string } | undefined;

/** A whole number typed into a form; NaN (refused by the core, with its own words) for anything else. */
function formNumber(text: string): number {
  return /^\s*[0-9]{1,9}\s*$/.test(text) ? Number(text) : Number.NaN;
}

/** A form's optional number: empty means none (null); anything but a whole number is NaN, refused by the core. */
function optionalFormNumber(text: string | undefined): number | null {
  return text === undefined || text.trim() === "" ? null : formNumber(text);
}

function optionalWhole(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : Number(text);
}

/** Every day of the range with its all-shops totals (a day without taps is a zero, so the chart has no gaps). */
function dailyPoints(from: string, to: string, rows: readonly { day: string; shopId: string | null; stamps: number; customers: number }[]): DailyPoint[] {
  const totals = new Map(rows.filter((row) => row.shopId === null).map((row) => [row.day, row] as const));
  const first = dayNumber(from);
  const last = dayNumber(to);
  if (first === undefined || last === undefined) return [];
  const points: DailyPoint[] = [];
  for (let number = first; number <= last; number += 1) {
    const day = dayText(number);
    const row = totals.get(day);
    points.push({ day: day, stamps: row?.stamps ?? 0, customers: row?.customers ?? 0 });
  }
  return points;
}

function comeBackInput(staff: StaffPrincipal, query: ComeBackQuery, limit: number) {
  return { merchantId: staff.principal.merchantId, minStamps: optionalWhole(query.minStamps, DEFAULT_MIN_STAMPS), quietDays: optionalWhole(query.quietDays, DEFAULT_QUIET_DAYS), limit: limit };
}

function csvHref(input: { minStamps: number; quietDays: number }): string {
  return `/dashboard/reports/come-back.csv?minStamps=${input.minStamps}&quietDays=${input.quietDays}`;
}

/** The reports page; `status` for a page that answers a refused form (otherwise 200, or the come-back query's refusal). */
async function renderReports(deps: PhoneDeps, reply: FastifyReply, context: DashboardContext, staff: StaffPrincipal, query: ComeBackQuery, notice: Notice, status?: number): Promise<FastifyReply> {
  const who = staff.principal;
  const now = deps.now();
  const dayOf = dayInZone(deps.timeZone);
  if (!dayOf.ok) throw new Error(`the host's time zone ${deps.timeZone} is not known to this Node`);
  const today = dayOf.value(now);
  const month = today.slice(0, 7);
  const comeBackAsked = comeBackInput(staff, query, COME_BACK_ON_PAGE);
  const [daily, comeBack, attendance] = await Promise.all([
    dailyReport(deps.store, who, { merchantId: who.merchantId, timeZone: deps.timeZone }, now),
    comeBackReport(deps.store, who, comeBackAsked, now),
    attendanceRangeReport(deps.store, who, { merchantId: who.merchantId, from: `${month}-01`, to: today, timeZone: deps.timeZone }, now),
  ]);
  // The session's role reads analytics (owner, manager, auditor): a refusal here is a fault, not a visitor's mistake.
  if (!daily.ok || !attendance.ok) throw new Error(`a dashboard person could not read their own merchant's analytics: ${!daily.ok ? daily.error.message : !attendance.ok ? attendance.error.message : ""}`);
  const section: ComeBackSection = {
    minStamps: comeBackAsked.minStamps,
    quietDays: comeBackAsked.quietDays,
    report: comeBack.ok ? { ok: true, value: comeBack.value } : { ok: false, why: comeBack.error.message },
    csvHref: csvHref(comeBackAsked),
    canIssueCoupons: can(who, "coupon.issue"),
  };
  const page = reportsPage(context, {
    daily: { from: daily.value.from, to: daily.value.to, points: dailyPoints(daily.value.from, daily.value.to, daily.value.days) },
    comeBack: section,
    attendance: { month: month, report: attendance.value },
    notice: notice,
  });
  return sendDashboardPage(reply, status ?? (comeBack.ok ? 200 : CORE_PAGE_STATUS[comeBack.error.code]), page);
}

function draftOf(program: LoyaltyProgram): LoyaltyDraft {
  return {
    stampsPerReward: String(program.stampsPerReward),
    stampsPerPress: String(program.stampsPerPress),
    rewardLabel: program.rewardLabel,
    rewardValidDays: program.rewardValidDays === null ? "" : String(program.rewardValidDays),
  };
}

async function renderPrograms(
  deps: PhoneDeps,
  reply: FastifyReply,
  context: DashboardContext,
  staff: StaffPrincipal,
  status: number,
  extras: { notice: Notice; draft?: LoyaltyDraft; invitation?: NewInvitation },
): Promise<FastifyReply> {
  const who = staff.principal;
  const [program, workers, vouchers] = await Promise.all([
    getLoyaltyProgram(deps.store, who, who.merchantId),
    listWorkers(deps.store, who, who.merchantId, { limit: MOST_WORKERS }),
    listVouchers(deps.store, who, who.merchantId, LATEST_VOUCHERS),
  ]);
  if (!program.ok || !workers.ok || !vouchers.ok) throw new Error("a dashboard person could not read their own merchant's loyalty program, workers or vouchers");
  const page = programsPage(context, {
    program: program.value,
    draft: extras.draft ?? draftOf(program.value),
    canConfigure: can(who, "loyalty.configure"),
    workers: workers.value,
    canManageWorkers: can(who, "worker.create") && can(who, "worker.invite"),
    invitation: extras.invitation,
    vouchers: vouchers.value,
    now: deps.now(),
    notice: extras.notice,
  });
  return sendDashboardPage(reply, status, page);
}

export function registerDashboardManagePages(app: FastifyInstance, deps: PhoneDeps): void {
  const errorHandler = dashboardErrorHandler(deps);
  const page = (schema: object) => ({ ...DASHBOARD_PAGE, schema: { hide: true, ...schema }, errorHandler: errorHandler });

  app.get<{ Querystring: ComeBackQuery }>("/dashboard/reports", page({ querystring: comeBackQuery }), async (request, reply) => {
    const staff = await staffOrLogin(deps, request, reply);
    if (staff === undefined) return reply;
    const context = dashboardContext(deps, request, reply, staff);
    const issued = request.query.issued;
    const notice: Notice = issued === undefined ? undefined : { tone: "good", text: context.messages.couponsIssuedNotice(Number(issued)) };
    return renderReports(deps, reply, context, staff, request.query, notice);
  });

  app.post<{ Body: CouponForm }>("/dashboard/reports/coupons", page({ body: couponForm }), async (request, reply) => {
    const staff = await staffOrLogin(deps, request, reply);
    if (staff === undefined) return reply;
    const { minStamps, quietDays, label, validDays } = request.body;
    const query = { minStamps: minStamps, quietDays: quietDays };
    const context = dashboardContext(deps, request, reply, staff);
    const refused = (status: number, why: string) => renderReports(deps, reply, context, staff, query, { tone: "warn", text: context.messages.actionRefused(why) }, status);
    // The list as it is now, found again here (the page's cards are never taken from the form), and as long as the page shows it: the cards "above".
    const list = await comeBackReport(deps.store, staff.principal, comeBackInput(staff, query, COME_BACK_ON_PAGE), deps.now());
    if (!list.ok) return refused(CORE_PAGE_STATUS[list.error.code], list.error.message);
    const days = optionalFormNumber(validDays);
    const input = { merchantId: staff.principal.merchantId, cardIds: list.value.cards.map((card) => card.cardId), label: label, validDays: days ?? undefined };
    const sent = await issueCoupons(deps.store, staff.principal, input, deps.now());
    if (!sent.ok) return refused(CORE_PAGE_STATUS[sent.error.code], sent.error.message);
    return reply.redirect(`/dashboard/reports?minStamps=${minStamps}&quietDays=${quietDays}&issued=${sent.value.issued}`, 303);
  });

  app.get<{ Querystring: ComeBackQuery }>("/dashboard/reports/come-back.csv", page({ querystring: comeBackQuery }), async (request, reply) => {
    const staff = await staffOrLogin(deps, request, reply);
    if (staff === undefined) return reply;
    const answer = await comeBackReport(deps.store, staff.principal, comeBackInput(staff, request.query, MAX_COME_BACK_CARDS), deps.now());
    if (!answer.ok) return renderReports(deps, reply, dashboardContext(deps, request, reply, staff), staff, request.query, undefined);
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="come-back.csv"').send(comeBackCsv(answer.value.cards));
  });

  app.get<{ Querystring: ProgramsQuery }>("/dashboard/programs", page({ querystring: programsQuery }), async (request, reply) => {
    const staff = await staffOrLogin(deps, request, reply);
    if (staff === undefined) return reply;
    const context = dashboardContext(deps, request, reply, staff);
    const m = context.messages;
    const { done, worker: workerId } = request.query;
    let notice: Notice;
    if (done === "loyalty") notice = { tone: "good", text: m.loyaltySavedNotice };
    if (done === "worker" && workerId !== undefined) {
      const workers = await listWorkers(deps.store, staff.principal, staff.principal.merchantId, { limit: MOST_WORKERS });
      const added = workers.ok ? workers.value.find((worker) => worker.id === workerId) : undefined;
      if (added !== undefined) notice = { tone: "good", text: m.workerAddedNotice(added.name) };
    }
    return renderPrograms(deps, reply, context, staff, 200, { notice: notice });
  });

  app.post<{ Body: LoyaltyForm }>("/dashboard/programs/loyalty", page({ body: loyaltyForm }), async (request, reply) => {
    const staff = await staffOrLogin(deps, request, reply);
    if (staff === undefined) return reply;
    const { stampsPerReward, stampsPerPress, rewardLabel, rewardValidDays } = request.body;
    const input = { stampsPerReward: formNumber(stampsPerReward), stampsPerPress: formNumber(stampsPerPress), rewardLabel: rewardLabel, rewardValidDays: optionalFormNumber(rewardValidDays) };
    const saved = await setLoyaltyProgram(deps.store, staff.principal, staff.principal.merchantId, input, deps.now());
    if (saved.ok) return reply.redirect("/dashboard/programs?done=loyalty", 303);
    const context = dashboardContext(deps, request, reply, staff);
    return renderPrograms(deps, reply, context, staff, CORE_PAGE_STATUS[saved.error.code], { notice: { tone: "warn", text: context.messages.actionRefused(saved.error.message) }, draft: request.body });
  });

  app.post<{ Body: { name: string } }>("/dashboard/programs/workers", page({ body: workerForm }), async (request, reply) => {
    const staff = await staffOrLogin(deps, request, reply);
    if (staff === undefined) return reply;
    const added = await addWorker(deps.store, staff.principal, { merchantId: staff.principal.merchantId, name: request.body.name }, deps.now());
    if (added.ok) return reply.redirect(`/dashboard/programs?done=worker&worker=${added.value.id}`, 303);
    const context = dashboardContext(deps, request, reply, staff);
    return renderPrograms(deps, reply, context, staff, CORE_PAGE_STATUS[added.error.code], { notice: { tone: "warn", text: context.messages.actionRefused(added.error.message) } });
  });

  app.post<{ Params: { id: string } }>("/dashboard/programs/workers/:id/invitation", page({ params: workerParams }), async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const staff = await staffOrLogin(deps, request, reply);
    if (staff === undefined) return reply;
    const context = dashboardContext(deps, request, reply, staff);
    const m = context.messages;
    const publicUrl = deps.publicUrl();
    if (publicUrl === undefined) return renderPrograms(deps, reply, context, staff, 409, { notice: { tone: "warn", text: m.actionRefused(m.noPublicUrlForLink) } });
    const invited = await inviteWorker(deps.store, staff.principal, request.params.id, deps.now());
    if (!invited.ok) return renderPrograms(deps, reply, context, staff, CORE_PAGE_STATUS[invited.error.code], { notice: { tone: "warn", text: m.actionRefused(invited.error.message) } });
    const worker = await deps.store.getWorker(request.params.id);
    const link = publicUrl + INVITATION_PATH + invited.value.code;
    const invitation: NewInvitation = { workerId: request.params.id, workerName: worker?.name ?? request.params.id, link: link, expiresAt: invited.value.expiresAt, qrSvg: await qrSvg(link) };
    return renderPrograms(deps, reply, context, staff, 200, { notice: undefined, invitation: invitation });
  });
}
