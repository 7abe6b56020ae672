/**
 * A merchant's workers, for its owner and managers: add, list, and invite (a one-time link, and
 * the same as a QR code, that makes the phone opening it the worker's card). Rules are the core's
 * (host/core/phone/workers.ts); the link needs this host's public URL.
 */
import { FastifyInstance } from "fastify";
import { addWorker, inviteWorker, listWorkers } from "../../core/phone/workers";
import { PhoneDeps } from "../deps";
import { sendCoreError, sendError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { InvitationView, workerView } from "../phone-views";
import { principal } from "../principal";
import { emptyBody, emptyQuery, hexIdParams, IdPageQuery, idPageQuery, IdParams, listLimit, MerchantParams, merchantParams, WorkerBody, workerBody } from "../schemas";
import { pageView } from "../views";
import { qrSvg } from "../../web/qr-code";

/** The invitation's page: `<public URL>/w/<code>`. */
export const INVITATION_PATH = "/w/";

export function registerWorkerRoutes(app: FastifyInstance, deps: PhoneDeps): void {
  const add = {
    ...aboutRoute("workers", "Add a worker", "An owner or manager adds a worker by name; a phone becomes their work card through an invitation (POST /v1/workers/{id}/invitations)."),
    params: merchantParams,
    querystring: emptyQuery,
    body: workerBody,
    response: successAnswer(201, "The worker as added."),
  };
  app.post<{ Params: MerchantParams; Body: WorkerBody }>("/v1/merchants/:id/workers", { schema: add }, async (request, reply) => {
    const added = await addWorker(deps.store, principal(request), { merchantId: request.params.id, name: request.body.name }, deps.now());
    if (!added.ok) return sendCoreError(reply, added.error);
    return reply.code(201).send(workerView(added.value));
  });

  const list = {
    ...aboutRoute("workers", "List a merchant's workers", "The merchant's workers by id, with when their open shift began. `next` is the `after` of the following page."),
    params: merchantParams,
    querystring: idPageQuery,
    response: successAnswer(200, "The merchant's workers: { items, next }."),
  };
  app.get<{ Params: MerchantParams; Querystring: IdPageQuery }>("/v1/merchants/:id/workers", { schema: list }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listWorkers(deps.store, principal(request), request.params.id, { limit: limit, after: request.query.after });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, workerView, (worker) => worker.id);
  });

  const invite = {
    ...aboutRoute(
      "workers",
      "Invite a worker's phone",
      "A one-time link (valid 7 days, stored only as a hash) that makes the phone opening it this worker's work card, and the same link as a QR code (SVG). Needs the host's public URL (`stamp serve --public-url`).",
    ),
    params: hexIdParams,
    querystring: emptyQuery,
    body: { anyOf: [emptyBody, { type: "null" }] },
    response: successAnswer(201, "The link, its expiry and its QR code."),
  };
  app.post<{ Params: IdParams }>("/v1/workers/:id/invitations", { schema: invite }, async (request, reply) => {
    const publicUrl = deps.publicUrl();
    if (publicUrl === undefined) return sendError(reply, 409, "CONFLICT", "this host has no public URL, so there is no link to give: start it with --public-url <base URL>");
    const invited = await inviteWorker(deps.store, principal(request), request.params.id, deps.now());
    if (!invited.ok) return sendCoreError(reply, invited.error);
    const link = publicUrl + INVITATION_PATH + invited.value.code;
    const view: InvitationView = {
      workerId: request.params.id,
      link: link,
      expiresAt: new Date(invited.value.expiresAt).toISOString(),
      qrSvg: (await qrSvg(link)).text,
    };
    return reply.code(201).send(view);
  });
}
