import { FastifyInstance } from "fastify";
import { listShops } from "../../core/queries";
import { addShop } from "../../core/registry";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { IdPageQuery, idPageQuery, listLimit, ShopBody, shopBody } from "../schemas";
import { pageView } from "../views";

export function registerShopRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const add = {
    ...aboutRoute("shops", "Add a shop", "An owner or manager adds a shop to their merchant."),
    body: shopBody,
    response: successAnswer(201, "The shop as added."),
  };
  app.post<{ Body: ShopBody }>("/v1/shops", { schema: add }, async (request, reply) => {
    const { id, merchantId, name } = request.body;
    const added = await addShop(deps.store, principal(request), { id: id, merchantId: merchantId, name: name }, deps.now());
    if (!added.ok) return sendCoreError(reply, added.error);
    return reply.code(201).send(added.value);
  });

  const list = {
    ...aboutRoute("shops", "List shops", "The caller's merchant's shops. `next` is the `after` of the following page."),
    querystring: idPageQuery,
    response: successAnswer(200, "A page of shops: { items, next }."),
  };
  app.get<{ Querystring: IdPageQuery }>("/v1/shops", { schema: list }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listShops(deps.store, principal(request), { limit: limit, after: request.query.after });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, (s) => s, (s) => s.id);
  });
}
