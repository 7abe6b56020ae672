import { FastifyInstance } from "fastify";
import { Purpose } from "../../../shared/protocol-constants";
import { listVerifiers } from "../../core/queries";
import { addVerifier, configureVerifier } from "../../core/registry";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { purposeFromName } from "../purpose-names";
import { hexIdParams, IdPageQuery, idPageQuery, IdParams, listLimit, VerifierBody, verifierBody, VerifierPatchBody, verifierPatchBody } from "../schemas";
import { pageView, verifierView } from "../views";

/**
 * Verifiers are counter stations; their id is made here unless the caller brings one. What a
 * tap at a verifier is worth (purpose, quantity) is set here by the merchant, and only here.
 */
export function registerVerifierRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const add = {
    ...aboutRoute(
      "verifiers",
      "Add a verifier",
      "A counter station's verifier at one of the merchant's shops: what a tap there is worth (purpose and quantity; one stamp unless said) and whether the stamp's button must be pressed (it must unless said). Its id is made here unless given.",
    ),
    body: verifierBody,
    response: successAnswer(201, "The verifier as added."),
  };
  app.post<{ Body: VerifierBody }>("/v1/verifiers", { schema: add }, async (request, reply) => {
    const { shopId, label, requirePresence, id, purpose, quantity } = request.body;
    const input = {
      shopId: shopId,
      label: label,
      // Presence by default: a Puck.js's whole top is its button, so pressing the stamp onto a reader presses it.
      requirePresence: requirePresence ?? true,
      purpose: purpose === undefined ? Purpose.STAMP : purposeFromName(purpose),
      quantity: quantity ?? 1,
      id: id,
    };
    const added = await addVerifier(deps.store, principal(request), input, deps.now());
    if (!added.ok) return sendCoreError(reply, added.error);
    return reply.code(201).send(verifierView(added.value));
  });

  const configure = {
    ...aboutRoute("verifiers", "Configure a verifier", "Changes a verifier's label, what a tap there is worth, or whether the button must be pressed: the fields given, at least one."),
    params: hexIdParams,
    body: verifierPatchBody,
    response: successAnswer(200, "The verifier as it is now."),
  };
  app.patch<{ Params: IdParams; Body: VerifierPatchBody }>("/v1/verifiers/:id", { schema: configure }, async (request, reply) => {
    const { label, requirePresence, purpose, quantity } = request.body;
    const changes = { label: label, requirePresence: requirePresence, purpose: purpose === undefined ? undefined : purposeFromName(purpose), quantity: quantity };
    const updated = await configureVerifier(deps.store, principal(request), request.params.id, changes, deps.now());
    if (!updated.ok) return sendCoreError(reply, updated.error);
    return verifierView(updated.value);
  });

  const list = {
    ...aboutRoute("verifiers", "List verifiers", "The caller's merchant's verifiers; a counter station sees its own only. `next` is the `after` of the following page."),
    querystring: idPageQuery,
    response: successAnswer(200, "A page of verifiers: { items, next }."),
  };
  app.get<{ Querystring: IdPageQuery }>("/v1/verifiers", { schema: list }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listVerifiers(deps.store, principal(request), { limit: limit, after: request.query.after });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, verifierView, (v) => v.id);
  });
}
