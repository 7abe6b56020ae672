import { randomBytes } from "node:crypto";
import { Attempt, NotRun } from "../campaign";
import { RigWorld } from "../world/rig-world";
import { AccessWorld, revokeRigCredential } from "./access-world";
import { ApiRoute } from "./api-routes";
import { CROSS_SITE_LABELS } from "./browser-shaped";
import { DashboardPerson, enrolPerson, invitePerson, logInAgain, pageServed, sameOriginLabels } from "./dashboard-sessions";
import { describeAnswer, judged } from "./judge-answer";
import { leakedMarkers } from "./foreign-sweep";
import { merchantOf } from "./foreign-station";
import { RawAnswer, RawRequest, sendRaw } from "./raw-http";
import { bodyFor } from "./request-bodies";
import { fillPath } from "./route-path";
import { ForeignOwner } from "./second-merchant";
import { bearer, jsonRequest } from "./sweep-request";

/** Revokes a credential with another merchant's token (that merchant's own person). */
async function revokeAs(world: RigWorld, token: string, credentialId: string): Promise<void> {
  const answer = await sendRaw(world.target.url, jsonRequest(world.target.url, "POST", `/v1/credentials/${credentialId}/revoke`, undefined, bearer(token)));
  if (answer.status !== 200) throw new Error(`the rig could not revoke ${credentialId}: ${describeAnswer(answer)}`);
}

/** A session is 12 hours (docs/security.md, the dashboard); a second past it, it must be over. */
const SESSION_TTL_MS = 12 * 3600_000;

/** What the session attacks leave for the end of the campaign: a session to try once the host's clock has moved past its life. */
export interface SessionAttacks {
  attempts: Attempt[];
  notRun: NotRun[];
  /** A live session of the rig's owner person, tried again after the clock moved (expiredSession). */
  expiring: DashboardPerson | undefined;
  /** Revokes every dashboard person the attacks made. */
  close(): Promise<void>;
}

function withCookie(request: RawRequest, cookie: string): RawRequest {
  return { ...request, headers: { ...request.headers, cookie: cookie } };
}

/** A dashboard page request with a session cookie, POSTs as forms from the host's own origin unless `labels` say otherwise. */
function pageAsPerson(world: RigWorld, person: DashboardPerson, method: "GET" | "POST", path: string, form?: string, labels?: Record<string, string>): Promise<RawAnswer> {
  const url = world.target.url;
  if (method === "GET") return sendRaw(url, withCookie(jsonRequest(url, "GET", path, undefined), person.cookie));
  const request = jsonRequest(url, "POST", path, undefined, { ...(labels ?? sameOriginLabels(person.origin)), "content-type": "application/x-www-form-urlencoded" });
  return sendRaw(url, withCookie({ ...request, body: new TextEncoder().encode(form ?? "") }, person.cookie));
}

function sessionAttack(attack: string, answer: RawAnswer): Attempt {
  return judged(attack, pageServed(answer), describeAnswer(answer));
}

function sessionLegitimate(attack: string, answer: RawAnswer): Attempt {
  return { attack: attack, legitimate: true, accepted: pageServed(answer), flagged: false, answer: describeAnswer(answer) };
}

/**
 * The session cookie on every API route but the public ones: docs/security.md says no /v1 route
 * accepts it (a browser sends it to /dashboard only, but anyone holding it can send it anywhere).
 */
async function sessionOnApi(access: AccessWorld, routes: readonly ApiRoute[], person: DashboardPerson): Promise<Attempt[]> {
  const url = access.world.target.url;
  const attempts: Attempt[] = [];
  for (const route of routes.filter((r) => !r.public)) {
    const path = fillPath(route.path, access.ids, randomBytes(8).toString("hex"));
    const request = jsonRequest(url, route.method, path, bodyFor(route.method, route.path, access.ids, `rig-${access.world.run}-session`), sameOriginLabels(person.origin));
    const answer = await sendRaw(url, withCookie(request, person.cookie));
    attempts.push(judged(`dashboard session on the API: ${route.method} ${route.path}`, answer.status >= 200 && answer.status < 300, describeAnswer(answer)));
  }
  return attempts;
}

/**
 * Another merchant's owner, logged in to the dashboard: its pages act for that merchant only. It
 * must not see the rig's stamp, revoke it, or get the rig's worker's invitation link.
 */
async function foreignSessionAttacks(access: AccessWorld, stranger: DashboardPerson): Promise<Attempt[]> {
  const world = access.world;
  const own = await pageAsPerson(world, stranger, "GET", "/dashboard/stamps");
  // The stamp's id, or any of the run's names in the rig's merchant (its stamps are labelled "rig-<run>-<n>"): an auditor's page shows labels only.
  const leaked = leakedMarkers(own.text, [access.ids.stamp, `rig-${world.run}-`]);
  return [
    sessionLegitimate("another merchant's session reads its own dashboard: GET /dashboard/stamps", own),
    judged("another merchant's session lists the rig's stamp: GET /dashboard/stamps", leaked.length > 0, leaked.length > 0 ? `listed ${leaked.join(", ")}` : describeAnswer(own)),
    sessionAttack("another merchant's session revokes the rig's stamp: POST /dashboard/stamps/:id/revoke", await pageAsPerson(world, stranger, "POST", `/dashboard/stamps/${access.ids.stamp}/revoke`, "reason=rig")),
    sessionAttack(
      "another merchant's session invites the rig's worker: POST /dashboard/programs/workers/:id/invitation",
      await pageAsPerson(world, stranger, "POST", `/dashboard/programs/workers/${access.ids.worker}/invitation`),
    ),
  ];
}

/** A person's session before and after their credential is revoked (`stamp tokens revoke <person>` ends every session at once). */
async function revokedPersonSession(world: RigWorld, person: DashboardPerson): Promise<Attempt[]> {
  const before = sessionLegitimate("dashboard session before its person's revocation: GET /dashboard/stamps", await pageAsPerson(world, person, "GET", "/dashboard/stamps"));
  await revokeRigCredential(world, person.personId);
  return [before, sessionAttack("revoked dashboard person's session: GET /dashboard/stamps", await pageAsPerson(world, person, "GET", "/dashboard/stamps"))];
}

/** A session after its browser logged out: the cookie kept (copied before) must be dead; the passkey still logs in afresh. */
async function loggedOutSession(world: RigWorld, person: DashboardPerson): Promise<Attempt[]> {
  const attempts = [sessionLegitimate("dashboard session before logging out: GET /dashboard/programs", await pageAsPerson(world, person, "GET", "/dashboard/programs"))];
  const out = await pageAsPerson(world, person, "POST", "/dashboard/logout");
  attempts.push({ attack: "logging out: POST /dashboard/logout", legitimate: true, accepted: out.status === 303, flagged: false, answer: describeAnswer(out) });
  attempts.push(sessionAttack("logged-out session kept and sent again: GET /dashboard/programs", await pageAsPerson(world, person, "GET", "/dashboard/programs")));
  const again = await logInAgain(world.target, person);
  attempts.push({ attack: "passkey login after logging out: POST /dashboard/login", legitimate: true, accepted: again.cookie !== undefined, flagged: false, answer: describeAnswer(again.answer) });
  if (again.cookie !== undefined) {
    const fresh = { ...person, cookie: again.cookie };
    attempts.push(sessionLegitimate("the new session reads the dashboard: GET /dashboard/programs", await pageAsPerson(world, fresh, "GET", "/dashboard/programs")));
    await pageAsPerson(world, fresh, "POST", "/dashboard/logout");
  }
  return attempts;
}

/**
 * CSRF with the session cookie: a forged form aimed at a state-changing dashboard action
 * (revoking the rig's stamp) from another site, or with no origin proof at all. The cookie is
 * SameSite=Strict, so a browser would not even attach it; the host must refuse such a POST
 * (403) whether the cookie came along or not. The legitimate twin: the same person's action from
 * the host's own page is done.
 */
async function csrfWithSession(access: AccessWorld, person: DashboardPerson): Promise<Attempt[]> {
  const world = access.world;
  const path = `/dashboard/stamps/${access.ids.stamp}/revoke`;
  const attempts: Attempt[] = [];
  for (const label of [...CROSS_SITE_LABELS, { name: "no Origin, no Sec-Fetch-Site", headers: {} }]) {
    const answer = await pageAsPerson(world, person, "POST", path, "reason=rig%20csrf", label.headers);
    attempts.push(judged(`CSRF with a dashboard session (${label.name}): POST /dashboard/stamps/:id/revoke`, answer.status !== 403, describeAnswer(answer)));
  }
  const own = await pageAsPerson(world, person, "POST", "/dashboard/programs/workers", `name=rig-${world.run}-session`);
  attempts.push(sessionLegitimate("dashboard action from the host's own page: POST /dashboard/programs/workers", own));
  return attempts;
}

/**
 * Attacks that need a dashboard session, each person made through the product's own login path:
 * invited through the API, a passkey made on the link's page with the target's authenticator.
 * Not run without an authenticator on the target, or on a host that makes no dashboard links.
 */
export async function dashboardSessionAttacks(access: AccessWorld, routes: readonly ApiRoute[], foreign: ForeignOwner | undefined): Promise<SessionAttacks> {
  const world = access.world;
  const { passkeys, ownerToken, merchantId } = world.target;
  const nothing = (why: string): SessionAttacks => ({ attempts: [], notRun: [{ attack: "dashboard sessions", why: why }], expiring: undefined, close: async () => undefined });
  if (passkeys === undefined) return nothing("the target carries no WebAuthn authenticator (`passkeys`, provided by test code) to make a dashboard person's passkey with");
  const made: { personId: string; revoke: () => Promise<void> }[] = [];
  const close = async () => {
    for (const person of made.splice(0)) await person.revoke();
  };
  const person = async (role: "owner" | "manager" | "auditor", label: string): Promise<DashboardPerson | { why: string }> => {
    const invited = await invitePerson(world.target, ownerToken, merchantId, role, `rig ${world.run} ${label}`);
    if ("why" in invited) return invited;
    made.push({ personId: invited.personId, revoke: () => revokeRigCredential(world, invited.personId) });
    return enrolPerson(world.target, invited, passkeys());
  };
  try {
    const owner = await person("owner", "session owner");
    if ("why" in owner) return nothing(owner.why);
    const attempts: Attempt[] = [sessionLegitimate("dashboard session reads its pages: GET /dashboard/stamps", await pageAsPerson(world, owner, "GET", "/dashboard/stamps"))];
    const notRun: NotRun[] = [];
    attempts.push(...(await sessionOnApi(access, routes, owner)));
    attempts.push(...(await csrfWithSession(access, owner)));
    const manager = await person("manager", "revoked person");
    if (!("why" in manager)) {
      attempts.push(...(await revokedPersonSession(world, manager)));
      // Revoked by the attack itself: not again at the end.
      const revoked = made.findIndex((m) => m.personId === manager.personId);
      if (revoked >= 0) made.splice(revoked, 1);
    }
    const auditor = await person("auditor", "logging out");
    if (!("why" in auditor)) attempts.push(...(await loggedOutSession(world, auditor)));
    if (foreign === undefined) {
      notRun.push({ attack: "another merchant's dashboard session", why: "no second merchant on this target (see \"another merchant's credential\")" });
    } else {
      const invited = await invitePerson(world.target, foreign.token, await merchantOf(world, foreign.token), "owner", `rig ${world.run} foreign session`);
      if ("why" in invited) throw new Error(`the foreign merchant's dashboard invitation: ${invited.why}`);
      made.push({ personId: invited.personId, revoke: () => revokeAs(world, foreign.token, invited.personId) });
      attempts.push(...(await foreignSessionAttacks(access, await enrolPerson(world.target, invited, passkeys()))));
    }
    return { attempts: attempts, notRun: notRun, expiring: owner, close: close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The owner person's session once the host's clock moved past its 12 hours (expiredCredentials moves it a day); not run where the clock cannot move. */
export async function expiredSession(world: RigWorld, sessions: SessionAttacks): Promise<{ attempts: Attempt[]; notRun: NotRun[] }> {
  const person = sessions.expiring;
  if (person === undefined) return { attempts: [], notRun: [] };
  if (world.target.advanceClock === undefined) return { attempts: [], notRun: [{ attack: "expired dashboard session", why: `a session lives ${SESSION_TTL_MS / 3600_000} hours and the host's clock cannot be moved` }] };
  return { attempts: [sessionAttack("expired dashboard session (12 h): GET /dashboard/stamps", await pageAsPerson(world, person, "GET", "/dashboard/stamps"))], notRun: [] };
}
