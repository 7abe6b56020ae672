/**
 * GET /w/:code shows an owner's invitation to make this phone a worker's card; the page's button
 * posts back to the same address, which accepts it for this browser's card holder (made when
 * the browser has none) and goes on to the card. Unknown, used and expired codes get one answer.
 */
import { FastifyInstance } from "fastify";
import { acceptWorkerInvitation, describeWorkerInvitation } from "../../core/phone/workers";
import { invitationPage } from "../../web/pages/invitation-page";
import { messagePage } from "../../web/pages/message-page";
import { PhoneDeps } from "../deps";
import { holderOrNew, LanguageQuery, languageQuery, PHONE_PAGE, pageContext, pageErrorHandler, sendPage } from "../phone-page-request";

/** An invitation code: 32 random bytes in base64url. */
export const INVITATION_CODE_PATTERN = "^[A-Za-z0-9_-]{43}$";
const codeParams = { type: "object", properties: { code: { type: "string", pattern: INVITATION_CODE_PATTERN } }, required: ["code"] } as const;

export function registerWorkerInvitationPages(app: FastifyInstance, deps: PhoneDeps): void {
  const errorHandler = pageErrorHandler(deps);
  // The page's form posts with no fields, as application/x-www-form-urlencoded: its body is not read.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 1024 }, (_request, _body, done) => done(null, {}));

  app.get<{ Params: { code: string }; Querystring: LanguageQuery }>(
    "/w/:code",
    { ...PHONE_PAGE, schema: { hide: true, params: codeParams, querystring: languageQuery }, errorHandler: errorHandler },
    async (request, reply) => {
      const context = pageContext(deps, request, reply);
      const preview = await describeWorkerInvitation(deps.store, { code: request.params.code, now: deps.now() });
      if (!preview.ok) return sendPage(reply, 404, messagePage(context, context.messages.inviteTitle, context.messages.inviteInvalid));
      return sendPage(reply, 200, invitationPage(context, request.params.code, preview.value));
    },
  );

  app.post<{ Params: { code: string }; Querystring: LanguageQuery }>(
    "/w/:code",
    { ...PHONE_PAGE, schema: { hide: true, params: codeParams, querystring: languageQuery }, errorHandler: errorHandler },
    async (request, reply) => {
      const context = pageContext(deps, request, reply);
      const holderId = await holderOrNew(deps, request, reply);
      const accepted = await acceptWorkerInvitation(deps.store, { code: request.params.code, holderId: holderId, now: deps.now() });
      if (!accepted.ok) return sendPage(reply, 404, messagePage(context, context.messages.inviteTitle, context.messages.inviteInvalid));
      return reply.redirect(`/card/${encodeURIComponent(accepted.value.worker.merchantId)}?linked=1`, 303);
    },
  );
}
