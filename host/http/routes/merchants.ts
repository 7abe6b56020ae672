import { FastifyInstance } from "fastify";
import { addMerchant } from "../../core/registry";
import { ApiDeps } from "../deps";
import { sendRegistryError } from "../errors";
import { emptyQuery, MerchantBody, merchantBody } from "../schemas";

export function registerMerchantRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: MerchantBody }>("/v1/merchants", { schema: { body: merchantBody } }, async (request, reply) => {
    const added = await addMerchant(deps.store, { id: request.body.id, name: request.body.name });
    if (!added.ok) return sendRegistryError(reply, added.error);
    return reply.code(201).send(added.value);
  });
  app.get("/v1/merchants", { schema: { querystring: emptyQuery } }, async () => deps.store.listMerchants());
}
