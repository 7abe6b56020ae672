import { FastifyInstance } from "fastify";
import { addVerifier } from "../../core/registry";
import { ApiDeps } from "../deps";
import { sendRegistryError } from "../errors";
import { emptyQuery, VerifierBody, verifierBody } from "../schemas";

/** Verifiers are counter stations; their id is made here unless the caller brings one. */
export function registerVerifierRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: VerifierBody }>("/v1/verifiers", { schema: { body: verifierBody } }, async (request, reply) => {
    const { shopId, label, requirePresence, id } = request.body;
    const added = await addVerifier(deps.store, { shopId: shopId, label: label, requirePresence: requirePresence ?? true, id: id });
    if (!added.ok) return sendRegistryError(reply, added.error);
    return reply.code(201).send(added.value);
  });

  app.get("/v1/verifiers", { schema: { querystring: emptyQuery } }, async () => deps.store.listVerifiers());
}
