import { FastifyInstance } from "fastify";
import { addShop } from "../../core/registry";
import { ApiDeps } from "../deps";
import { sendRegistryError } from "../errors";
import { emptyQuery, ShopBody, shopBody } from "../schemas";

export function registerShopRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: ShopBody }>("/v1/shops", { schema: { body: shopBody } }, async (request, reply) => {
    const { id, merchantId, name } = request.body;
    const added = await addShop(deps.store, { id: id, merchantId: merchantId, name: name });
    if (!added.ok) return sendRegistryError(reply, added.error);
    return reply.code(201).send(added.value);
  });

  app.get("/v1/shops", { schema: { querystring: emptyQuery } }, async () => deps.store.listShops());
}
