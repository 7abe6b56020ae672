/**
 * The JSON endpoints the dashboard script calls: make a passkey with a one-time code (enrol), and
 * log in with one. Both end with a new session: its secret goes into the session cookie and
 * nowhere else. WebAuthn itself is the core's (host/core/staff/staff-passkeys.ts).
 */
import { FastifyInstance, FastifyReply } from "fastify";
import { enrolmentOptions, staffLoginOptions, verifyEnrolment, verifyStaffLogin } from "../../core/staff/staff-passkeys";
import { startStaffSession } from "../../core/staff/staff-sessions";
import { DASHBOARD_PAGE, sessionCookie } from "../dashboard-request";
import { PhoneDeps } from "../deps";
import { sendCoreError, sendError } from "../errors";
import { emptyBody, emptyQuery } from "../schemas";

/** What a browser's WebAuthn answer looks like from outside; the core checks everything inside `response`. */
const credentialJson = {
  type: "object",
  properties: {
    id: { type: "string", minLength: 1, maxLength: 1400 },
    rawId: { type: "string", minLength: 1, maxLength: 1400 },
    type: { type: "string", const: "public-key" },
    response: { type: "object", maxProperties: 12 },
    clientExtensionResults: { type: "object", maxProperties: 12 },
    authenticatorAttachment: { type: "string", maxLength: 40 },
  },
  required: ["id", "rawId", "type", "response", "clientExtensionResults"],
  additionalProperties: false,
} as const;

interface CeremonyBody {
  response: Parameters<typeof verifyEnrolment>[1]["response"] & Parameters<typeof verifyStaffLogin>[1]["response"];
}
const ceremonyBody = { type: "object", properties: { response: credentialJson }, required: ["response"], additionalProperties: false } as const;
const codeParams = { type: "object", properties: { code: { type: "string", maxLength: 64 } }, required: ["code"], additionalProperties: false } as const;

/** Where the browser goes once logged in. */
const AFTER_LOGIN = "/dashboard";

function baseUrlOr(deps: PhoneDeps, reply: FastifyReply): string | undefined {
  const baseUrl = deps.publicUrl();
  if (baseUrl === undefined) sendError(reply, 409, "CONFLICT", "this host has no public URL, so passkeys cannot be bound to it: start it with --public-url");
  return baseUrl;
}

async function logIn(deps: PhoneDeps, reply: FastifyReply, personId: string): Promise<{ next: string }> {
  const session = await startStaffSession(deps.store, personId, deps.now());
  reply.header("set-cookie", sessionCookie(session.secret));
  return { next: AFTER_LOGIN };
}

export function registerDashboardPasskeys(app: FastifyInstance, deps: PhoneDeps): void {
  app.post<{ Params: { code: string } }>(
    "/dashboard/enrol/:code/options",
    { ...DASHBOARD_PAGE, schema: { hide: true, params: codeParams, querystring: emptyQuery, body: emptyBody } },
    async (request, reply) => {
      const baseUrl = baseUrlOr(deps, reply);
      if (baseUrl === undefined) return reply;
      const options = await enrolmentOptions(deps.store, { code: request.params.code, baseUrl: baseUrl, now: deps.now() });
      return options.ok ? options.value : sendCoreError(reply, options.error);
    },
  );

  app.post<{ Params: { code: string }; Body: CeremonyBody }>(
    "/dashboard/enrol/:code",
    { ...DASHBOARD_PAGE, schema: { hide: true, params: codeParams, querystring: emptyQuery, body: ceremonyBody } },
    async (request, reply) => {
      const baseUrl = baseUrlOr(deps, reply);
      if (baseUrl === undefined) return reply;
      const enrolled = await verifyEnrolment(deps.store, { code: request.params.code, baseUrl: baseUrl, response: request.body.response, now: deps.now() });
      return enrolled.ok ? logIn(deps, reply, enrolled.value.personId) : sendCoreError(reply, enrolled.error);
    },
  );

  app.post("/dashboard/login/options", { ...DASHBOARD_PAGE, schema: { hide: true, querystring: emptyQuery, body: emptyBody } }, async (_request, reply) => {
    const baseUrl = baseUrlOr(deps, reply);
    if (baseUrl === undefined) return reply;
    const options = await staffLoginOptions(deps.store, { baseUrl: baseUrl, now: deps.now() });
    return options.ok ? options.value : sendCoreError(reply, options.error);
  });

  app.post<{ Body: CeremonyBody }>("/dashboard/login", { ...DASHBOARD_PAGE, schema: { hide: true, querystring: emptyQuery, body: ceremonyBody } }, async (request, reply) => {
    const baseUrl = baseUrlOr(deps, reply);
    if (baseUrl === undefined) return reply;
    const verified = await verifyStaffLogin(deps.store, { baseUrl: baseUrl, response: request.body.response, now: deps.now() });
    return verified.ok ? logIn(deps, reply, verified.value.personId) : sendCoreError(reply, verified.error);
  });
}
