/**
 * The API side of the dashboard's people: an owner or manager invites a person by name and role
 * (a one-time link to make their passkey), and an owner makes a recovery link for a person who
 * lost theirs. The rules are the core's (host/core/staff/dashboard-codes.ts); the link needs this
 * host's public URL.
 */
import { FastifyInstance, FastifyReply } from "fastify";
import { dashboardRecoveryCode, inviteToDashboard, IssuedCode } from "../../core/staff/dashboard-codes";
import { STAFF_ROLES } from "../../core/staff/staff-model";
import { DashboardLinkView } from "../dashboard-views";
import { PhoneDeps } from "../deps";
import { sendCoreError, sendError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { emptyBody, emptyQuery, hexIdParams, IdParams, MerchantParams, merchantParams } from "../schemas";

/** The enrolment page: `<public URL>/dashboard/enrol/<code>`. */
export const DASHBOARD_ENROL_PATH = "/dashboard/enrol/";

interface InvitationBody {
  role: string;
  name: string;
}
const invitationBody = {
  type: "object",
  properties: { role: { type: "string", enum: [...STAFF_ROLES] }, name: { type: "string", minLength: 1, maxLength: 256 } },
  required: ["role", "name"],
  additionalProperties: false,
} as const;

function linkView(publicUrl: string, issued: IssuedCode): DashboardLinkView {
  return { personId: issued.personId, link: publicUrl + DASHBOARD_ENROL_PATH + issued.code, expiresAt: new Date(issued.expiresAt).toISOString() };
}

function publicUrlOr(deps: PhoneDeps, reply: FastifyReply): string | undefined {
  const publicUrl = deps.publicUrl();
  if (publicUrl === undefined) sendError(reply, 409, "CONFLICT", "this host has no public URL, so there is no link to give: start it with --public-url <base URL>");
  return publicUrl;
}

export function registerDashboardInvitationRoutes(app: FastifyInstance, deps: PhoneDeps): void {
  const invite = {
    ...aboutRoute(
      "dashboard",
      "Invite a person to the dashboard",
      "An owner (any role) or a manager (manager or auditor) adds a person of the merchant by name and role and gets a one-time link, valid 24 hours and stored only as a hash, that makes the passkey they log in with. The person is a credential of that role without a token: `stamp tokens revoke` ends their access. Needs the host's public URL.",
    ),
    params: merchantParams,
    querystring: emptyQuery,
    body: invitationBody,
    response: successAnswer(201, "The person's id, the link and its expiry."),
  };
  app.post<{ Params: MerchantParams; Body: InvitationBody }>("/v1/merchants/:id/dashboard-invitations", { schema: invite }, async (request, reply) => {
    const publicUrl = publicUrlOr(deps, reply);
    if (publicUrl === undefined) return reply;
    const invited = await inviteToDashboard(deps.store, principal(request), { merchantId: request.params.id, role: request.body.role, name: request.body.name }, deps.now());
    if (!invited.ok) return sendCoreError(reply, invited.error);
    return reply.code(201).send(linkView(publicUrl, invited.value));
  });

  const recover = {
    ...aboutRoute(
      "dashboard",
      "Make a dashboard recovery link",
      "An owner makes a new one-time link for a dashboard person who lost their passkey (valid 24 hours, stored only as a hash); their other passkeys keep working. Needs the host's public URL.",
    ),
    params: hexIdParams,
    querystring: emptyQuery,
    body: { anyOf: [emptyBody, { type: "null" }] },
    response: successAnswer(201, "The person's id, the link and its expiry."),
  };
  app.post<{ Params: IdParams }>("/v1/dashboard-people/:id/recovery-links", { schema: recover }, async (request, reply) => {
    const publicUrl = publicUrlOr(deps, reply);
    if (publicUrl === undefined) return reply;
    const issued = await dashboardRecoveryCode(deps.store, principal(request), request.params.id, deps.now());
    if (!issued.ok) return sendCoreError(reply, issued.error);
    return reply.code(201).send(linkView(publicUrl, issued.value));
  });
}
