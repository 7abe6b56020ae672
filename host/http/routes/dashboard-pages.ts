/**
 * The dashboard's pages: log in, make a passkey from an invitation link, the counter view, the
 * stamps with revoke and reinstate (a form with a reason, posted to this host only, answered with
 * a redirect back to the list and the result in words), log out, and the dashboard's own files
 * (with uPlot's, for the reports page: dashboard-manage-pages.ts has the reports and programs).
 * Behind the login every page acts as the session's principal, through the same core operations
 * (and permission checks) as the API.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { can } from "../../core/access/permissions";
import { listAlerts, listShops, listStamps } from "../../core/queries";
import { codePerson } from "../../core/staff/dashboard-codes";
import { isStaffRole } from "../../core/staff/staff-model";
import { endStaffSession, StaffPrincipal } from "../../core/staff/staff-sessions";
import { reinstateStamp, revokeStamp, visibleStamp } from "../../core/stamp-status";
import { DASHBOARD_ASSET_NAMES, dashboardAsset, DashboardAssetName } from "../../dashboard/assets/dashboard-assets";
import { DashboardContext } from "../../dashboard/dashboard-context";
import { counterPage } from "../../dashboard/pages/counter-page";
import { dashboardMessagePage } from "../../dashboard/pages/dashboard-message-page";
import { enrolPage } from "../../dashboard/pages/enrol-page";
import { loginPage } from "../../dashboard/pages/login-page";
import { stampsPage } from "../../dashboard/pages/stamps-page";
import { clearedSessionCookie, CORE_PAGE_STATUS, DASHBOARD_PAGE, dashboardContext, dashboardErrorHandler, LOGIN_PATH, sendDashboardPage, sessionSecretOf, staffOf, staffOrLogin } from "../dashboard-request";
import { PhoneDeps } from "../deps";
import { LanguageQuery, languageQuery } from "../phone-page-request";
import { HEX_ID_PATTERN } from "../schemas";

/** One page of a merchant's stamps and shops: a shop's registry, not a warehouse's. */
const MOST_STAMPS = 500;
const MOST_ALERTS = 20;

const codeParams = { type: "object", properties: { code: { type: "string", maxLength: 64 } }, required: ["code"] } as const;
const stampParams = { type: "object", properties: { id: { type: "string", pattern: HEX_ID_PATTERN } }, required: ["id"] } as const;
const reasonBody = { type: "object", properties: { reason: { type: "string", maxLength: 2000 } }, required: ["reason"], additionalProperties: false } as const;
const assetParams = { type: "object", properties: { name: { type: "string", enum: [...DASHBOARD_ASSET_NAMES] } }, required: ["name"], additionalProperties: false } as const;

const DONE = ["revoked", "reinstated"] as const;
type Done = (typeof DONE)[number];
interface StampsQuery extends LanguageQuery {
  done?: Done;
  stamp?: string;
}
const stampsQuery = { type: "object", properties: { ...languageQuery.properties, done: { type: "string", enum: [...DONE] }, stamp: { type: "string", pattern: HEX_ID_PATTERN } } } as const;

async function renderStamps(deps: PhoneDeps, reply: FastifyReply, context: DashboardContext, staff: StaffPrincipal, status: number, notice: { tone: "good" | "warn"; text: string } | undefined): Promise<FastifyReply> {
  const who = staff.principal;
  const [stamps, shops, alerts] = await Promise.all([listStamps(deps.store, who, { limit: MOST_STAMPS }), listShops(deps.store, who, { limit: MOST_STAMPS }), listAlerts(deps.store, who, { limit: MOST_ALERTS })]);
  if (!stamps.ok || !shops.ok || !alerts.ok) throw new Error("a dashboard person could not read their own merchant's stamps, shops or alerts");
  const shopNames = new Map(shops.value.map((shop) => [shop.id, shop.name] as const));
  const page = stampsPage(context, { stamps: stamps.value, shopNames: shopNames, alerts: alerts.value, canChange: can(who, "stamp.revoke") && can(who, "stamp.reinstate"), notice: notice });
  return sendDashboardPage(reply, status, page);
}

export function registerDashboardPages(app: FastifyInstance, deps: PhoneDeps): void {
  const errorHandler = dashboardErrorHandler(deps);
  const page = (schema: object) => ({ ...DASHBOARD_PAGE, schema: { hide: true, ...schema }, errorHandler: errorHandler });

  app.get<{ Querystring: LanguageQuery }>("/dashboard", page({ querystring: languageQuery }), async (request, reply) => {
    const staff = await staffOrLogin(deps, request, reply);
    if (staff === undefined) return reply;
    return sendDashboardPage(reply, 200, counterPage(dashboardContext(deps, request, reply, staff)));
  });

  app.get<{ Querystring: LanguageQuery }>(LOGIN_PATH, page({ querystring: languageQuery }), async (request, reply) => {
    const staff = await staffOf(deps, request);
    if (staff !== undefined) return reply.redirect("/dashboard", 303);
    return sendDashboardPage(reply, 200, loginPage(dashboardContext(deps, request, reply, undefined), deps.publicUrl() !== undefined));
  });

  app.get<{ Params: { code: string }; Querystring: LanguageQuery }>("/dashboard/enrol/:code", page({ params: codeParams, querystring: languageQuery }), async (request, reply) => {
    const context = dashboardContext(deps, request, reply, undefined);
    const m = context.messages;
    const found = await codePerson(deps.store, request.params.code, deps.now());
    const merchant = found?.code.merchantId === undefined ? undefined : await deps.store.getMerchant(found.code.merchantId);
    if (found === undefined || merchant === undefined || !isStaffRole(found.person.role)) return sendDashboardPage(reply, 404, dashboardMessagePage(context, m.enrolTitle, m.enrolInvalid));
    const preview = { code: request.params.code, name: found.person.label, role: m.roleNames[found.person.role], merchantName: merchant.name };
    return sendDashboardPage(reply, 200, enrolPage(context, preview, deps.publicUrl() !== undefined));
  });

  app.post("/dashboard/logout", page({}), async (request, reply) => {
    const secret = sessionSecretOf(request);
    if (secret !== undefined) await endStaffSession(deps.store, secret);
    reply.header("set-cookie", clearedSessionCookie());
    return reply.redirect(LOGIN_PATH, 303);
  });

  app.get<{ Querystring: StampsQuery }>("/dashboard/stamps", page({ querystring: stampsQuery }), async (request, reply) => {
    const staff = await staffOrLogin(deps, request, reply);
    if (staff === undefined) return reply;
    const context = dashboardContext(deps, request, reply, staff);
    const { done, stamp: stampId } = request.query;
    const stamp = done === undefined || stampId === undefined ? undefined : await visibleStamp(deps.store, staff.principal, stampId);
    const notice = done === undefined || stamp === undefined || !stamp.ok
      ? undefined
      : { tone: "good" as const, text: done === "revoked" ? context.messages.revokedNotice(stamp.value.label) : context.messages.reinstatedNotice(stamp.value.label) };
    return renderStamps(deps, reply, context, staff, 200, notice);
  });

  const changeStamp = (action: "revoke" | "reinstate") => async (request: FastifyRequest<{ Params: { id: string }; Body: { reason: string } }>, reply: FastifyReply) => {
    const staff = await staffOrLogin(deps, request, reply);
    if (staff === undefined) return reply;
    const { id } = request.params;
    const now = deps.now();
    const changed = action === "revoke" ? await revokeStamp(deps.store, staff.principal, id, now, request.body.reason) : await reinstateStamp(deps.store, staff.principal, id, request.body.reason, now);
    if (changed.ok) return reply.redirect(`/dashboard/stamps?done=${action === "revoke" ? "revoked" : "reinstated"}&stamp=${id}`, 303);
    const context = dashboardContext(deps, request, reply, staff);
    return renderStamps(deps, reply, context, staff, CORE_PAGE_STATUS[changed.error.code], { tone: "warn", text: context.messages.actionRefused(changed.error.message) });
  };
  app.post<{ Params: { id: string }; Body: { reason: string } }>("/dashboard/stamps/:id/revoke", page({ params: stampParams, body: reasonBody }), changeStamp("revoke"));
  app.post<{ Params: { id: string }; Body: { reason: string } }>("/dashboard/stamps/:id/reinstate", page({ params: stampParams, body: reasonBody }), changeStamp("reinstate"));

  app.get<{ Params: { name: DashboardAssetName } }>("/dashboard/assets/:name", { config: { public: true }, schema: { hide: true, params: assetParams } }, async (request, reply) => {
    const found = dashboardAsset(request.params.name);
    return reply.type(found.contentType).send(found.body);
  });
}

