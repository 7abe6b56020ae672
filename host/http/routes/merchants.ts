import { FastifyInstance } from "fastify";
import { listMerchants } from "../../core/queries";
import { addMerchant } from "../../core/registry";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { principal } from "../principal";
import { IdPageQuery, idPageQuery, listLimit, MerchantBody, merchantBody } from "../schemas";
import { pageView } from "../views";

export function registerMerchantRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: MerchantBody }>("/v1/merchants", { schema: { body: merchantBody } }, async (request, reply) => {
    const added = await addMerchant(deps.store, principal(request), { id: request.body.id, name: request.body.name }, deps.now());
    if (!added.ok) return sendCoreError(reply, added.error);
    return reply.code(201).send(added.value);
  });
  app.get<{ Querystring: IdPageQuery }>("/v1/merchants", { schema: { querystring: idPageQuery } }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listMerchants(deps.store, principal(request), { limit: limit, after: request.query.after });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, (m) => m, (m) => m.id);
  });
}
