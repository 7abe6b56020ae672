import { FastifyInstance } from "fastify";
import { Purpose } from "../../../shared/protocol-constants";
import { listVerifiers } from "../../core/queries";
import { addVerifier, configureVerifier } from "../../core/registry";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { principal } from "../principal";
import { purposeFromName } from "../purpose-names";
import { hexIdParams, IdPageQuery, idPageQuery, IdParams, listLimit, VerifierBody, verifierBody, VerifierPatchBody, verifierPatchBody } from "../schemas";
import { pageView, verifierView } from "../views";

/**
 * Verifiers are counter stations; their id is made here unless the caller brings one. What a
 * tap at a verifier is worth (purpose, quantity) is set here by the merchant, and only here.
 */
export function registerVerifierRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: VerifierBody }>("/v1/verifiers", { schema: { body: verifierBody } }, async (request, reply) => {
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

  app.patch<{ Params: IdParams; Body: VerifierPatchBody }>("/v1/verifiers/:id", { schema: { params: hexIdParams, body: verifierPatchBody } }, async (request, reply) => {
    const { label, requirePresence, purpose, quantity } = request.body;
    const changes = { label: label, requirePresence: requirePresence, purpose: purpose === undefined ? undefined : purposeFromName(purpose), quantity: quantity };
    const updated = await configureVerifier(deps.store, principal(request), request.params.id, changes, deps.now());
    if (!updated.ok) return sendCoreError(reply, updated.error);
    return verifierView(updated.value);
  });

  app.get<{ Querystring: IdPageQuery }>("/v1/verifiers", { schema: { querystring: idPageQuery } }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listVerifiers(deps.store, principal(request), { limit: limit, after: request.query.after });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, verifierView, (v) => v.id);
  });
}
