import { Target } from "../target";
import { PasskeyAuthenticator } from "./passkey-authenticator";
import { RawAnswer, sendRaw } from "./raw-http";
import { bearer, jsonRequest } from "./sweep-request";

/** A dashboard person the rig made and logged in: the browser's session cookie ("stamp_staff=…"). */
export interface DashboardPerson {
  personId: string;
  cookie: string;
  authenticator: PasskeyAuthenticator;
  /** The origin the person's passkey is bound to: the host's public URL's. */
  origin: string;
}

/** What a page POST from the host's own pages carries: the browser's same-origin labels. */
export function sameOriginLabels(origin: string): Record<string, string> {
  return { origin: origin, "sec-fetch-site": "same-origin" };
}

/** The session cookie a login answer sets, as the browser sends it back; undefined when none is set. */
export function sessionCookieOf(answer: RawAnswer): string | undefined {
  const found = /stamp_staff=([A-Za-z0-9_-]{43})/.exec(answer.headers["set-cookie"] ?? "");
  return found === null ? undefined : `stamp_staff=${found[1]}`;
}

function parsed(what: string, answer: RawAnswer, status: number): Record<string, unknown> {
  if (answer.status !== status) throw new Error(`${what}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  return JSON.parse(answer.text) as Record<string, unknown>;
}

/** One step of a passkey ceremony: a page script's JSON POST from the host's own origin. */
function ceremony(target: Target, origin: string, path: string, body: object): Promise<RawAnswer> {
  return sendRaw(target.url, jsonRequest(target.url, "POST", path, body, sameOriginLabels(origin)));
}

/** Why no person can be invited here (the host has no public URL to put in the link), or undefined. */
export type Invited = { personId: string; code: string; origin: string } | { why: string };

/** A person invited through the API by `inviterToken` (an owner's or manager's), as `stamp dashboard invite` does. */
export async function invitePerson(target: Target, inviterToken: string, merchantId: string, role: "owner" | "manager" | "auditor", name: string): Promise<Invited> {
  const answer = await sendRaw(target.url, jsonRequest(target.url, "POST", `/v1/merchants/${merchantId}/dashboard-invitations`, { role: role, name: name }, bearer(inviterToken)));
  if (answer.status === 409) return { why: `the host makes no dashboard link without a public URL (${answer.text.slice(0, 120)})` };
  const body = parsed("dashboard invitation", answer, 201);
  const link = new URL(String(body.link));
  return { personId: String(body.personId), code: link.pathname.split("/").pop() ?? "", origin: link.origin };
}

/**
 * The invited person makes a passkey on the link's page and is logged in, through the host's own
 * ceremony (POST /dashboard/enrol/:code/options, then /dashboard/enrol/:code): the session cookie
 * the answer sets is what their browser holds from then on.
 */
export async function enrolPerson(target: Target, invited: { personId: string; code: string; origin: string }, authenticator: PasskeyAuthenticator): Promise<DashboardPerson> {
  const options = parsed("passkey options", await ceremony(target, invited.origin, `/dashboard/enrol/${invited.code}/options`, {}), 200);
  const response = authenticator.register(options as unknown as Parameters<PasskeyAuthenticator["register"]>[0], invited.origin);
  const enrolled = await ceremony(target, invited.origin, `/dashboard/enrol/${invited.code}`, { response: response });
  const cookie = sessionCookieOf(enrolled);
  if (enrolled.status !== 200 || cookie === undefined) throw new Error(`passkey enrolment: HTTP ${enrolled.status} ${enrolled.text.slice(0, 200)}`);
  return { personId: invited.personId, cookie: cookie, authenticator: authenticator, origin: invited.origin };
}

/** A new session for a person with a passkey: the login page's ceremony (POST /dashboard/login/options, then /dashboard/login). */
export async function logInAgain(target: Target, person: DashboardPerson): Promise<{ answer: RawAnswer; cookie: string | undefined }> {
  const options = parsed("login options", await ceremony(target, person.origin, "/dashboard/login/options", {}), 200);
  const response = person.authenticator.login(options as unknown as Parameters<PasskeyAuthenticator["login"]>[0], person.origin);
  const answer = await ceremony(target, person.origin, "/dashboard/login", { response: response });
  return { answer: answer, cookie: sessionCookieOf(answer) };
}

/**
 * Whether a dashboard page did what a session asked: a page (2xx), or a redirect that is not
 * the login page (an action's "done" redirect). A refusal, or 303 to the login, is not.
 */
export function pageServed(answer: RawAnswer): boolean {
  if (answer.status >= 200 && answer.status < 300) return true;
  return answer.status === 303 && !(answer.headers.location ?? "").startsWith("/dashboard/login");
}
