/**
 * What the dashboard's routes share: the page context (language as on the phone pages), the
 * session cookie and the principal it stands for, pages as answers (even failures), and the
 * route flags. Dashboard routes are pages, not API routes: they take no API credential (a
 * session cookie instead), their POSTs must come from this host's own pages (the same-origin
 * check of the phone pages, `phonePage`), and they are kept out of the API reference.
 */
import { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { CoreError } from "../core/core-error";
import { sessionPrincipal, StaffPrincipal } from "../core/staff/staff-sessions";
import { DashboardContext } from "../dashboard/dashboard-context";
import { dashboardMessagesFor } from "../dashboard/i18n/dashboard-messages";
import { dashboardMessagePage } from "../dashboard/pages/dashboard-message-page";
import { cookieValue, LANGUAGE_COOKIE, languageCookie } from "../web/cookies";
import { Html } from "../web/html";
import { chooseLanguage, isLanguage } from "../web/i18n/language";
import { isStaffRole } from "../core/staff/staff-model";
import { PhoneDeps } from "./deps";
import { LanguageQuery } from "./phone-page-request";

/** No API credential, same-origin POSTs, the pages' rate limit, not in the API reference (with `schema.hide`). */
export const DASHBOARD_PAGE = { config: { public: true, phonePage: true } } as const;

export const SESSION_COOKIE = "stamp_staff";
const SESSION_MAX_AGE_SECONDS = 12 * 3600;

/** HttpOnly (page script never sees it), Secure, SameSite=Strict (no other site's request carries it), the dashboard's paths only. */
export function sessionCookie(secret: string): string {
  return `${SESSION_COOKIE}=${secret}; HttpOnly; Secure; SameSite=Strict; Path=/dashboard; Max-Age=${SESSION_MAX_AGE_SECONDS}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/dashboard; Max-Age=0`;
}

export function sessionSecretOf(request: FastifyRequest): string | undefined {
  return cookieValue(request.headers.cookie, SESSION_COOKIE);
}

/** The logged-in person behind this request's cookie, if any. */
export async function staffOf(deps: PhoneDeps, request: FastifyRequest): Promise<StaffPrincipal | undefined> {
  const secret = sessionSecretOf(request);
  return secret === undefined ? undefined : sessionPrincipal(deps.store, secret, deps.now());
}

export const LOGIN_PATH = "/dashboard/login";

/** The logged-in person, or a redirect to the login page (undefined then). */
export async function staffOrLogin(deps: PhoneDeps, request: FastifyRequest, reply: FastifyReply): Promise<StaffPrincipal | undefined> {
  const staff = await staffOf(deps, request);
  if (staff === undefined) void reply.redirect(LOGIN_PATH, 303);
  return staff;
}

/** The status of a page that shows a refused core operation: the API's status for the same refusal. */
export const CORE_PAGE_STATUS: Readonly<Record<CoreError["code"], number>> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  DUPLICATE: 409,
  CONFLICT: 409,
  WEAK_KEY: 400,
  PROOF_INVALID: 400,
  FIRMWARE_NOT_APPROVED: 409,
};

export function dashboardContext(deps: PhoneDeps, request: FastifyRequest, reply: FastifyReply, staff: StaffPrincipal | undefined): DashboardContext {
  const picked = (request.query as LanguageQuery | undefined)?.lang;
  const language = chooseLanguage({ query: picked, cookie: cookieValue(request.headers.cookie, LANGUAGE_COOKIE), acceptLanguage: request.headers["accept-language"] });
  if (isLanguage(picked)) reply.header("set-cookie", languageCookie(picked));
  const messages = dashboardMessagesFor(language);
  const person = staff === undefined || !isStaffRole(staff.principal.role) ? undefined : { name: staff.name, role: messages.roleNames[staff.principal.role] };
  return { language: language, messages: messages, path: request.url.split("?")[0], timeZone: deps.timeZone, person: person };
}

/** Pages send their referrer to this origin only (see phone-page-request.ts sendPage). */
export function sendDashboardPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).header("referrer-policy", "same-origin").type("text/html; charset=utf-8").send(page.text);
}

/** Failures of dashboard routes as pages, in the visitor's language: a bad address is "not found", anything else "something went wrong" (logged). */
export function dashboardErrorHandler(deps: PhoneDeps): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, request, reply) => {
    const context = dashboardContext(deps, request, reply, undefined);
    const m = context.messages;
    const status = typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500 ? 404 : 500;
    if (status === 500) request.log.error({ err: error }, "dashboard page failed");
    return sendDashboardPage(reply, status, dashboardMessagePage(context, status === 404 ? m.notFoundTitle : m.errorTitle, status === 404 ? m.notFoundExplain : m.errorExplain));
  };
}
