import { FastifyInstance } from "fastify";
import { listShops } from "../../core/queries";
import { addShop } from "../../core/registry";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { principal } from "../principal";
import { IdPageQuery, idPageQuery, listLimit, ShopBody, shopBody } from "../schemas";
import { pageView } from "../views";

export function registerShopRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: ShopBody }>("/v1/shops", { schema: { body: shopBody } }, async (request, reply) => {
    const { id, merchantId, name } = request.body;
    const added = await addShop(deps.store, principal(request), { id: id, merchantId: merchantId, name: name }, deps.now());
    if (!added.ok) return sendCoreError(reply, added.error);
    return reply.code(201).send(added.value);
  });

  app.get<{ Querystring: IdPageQuery }>("/v1/shops", { schema: { querystring: idPageQuery } }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listShops(deps.store, principal(request), { limit: limit, after: request.query.after });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, (s) => s, (s) => s.id);
  });
}
