import { FastifyInstance } from "fastify";
import { listShops } from "../../core/queries";
import { addShop } from "../../core/registry";
import { setShopLocation } from "../../core/shop-location";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { IdPageQuery, idPageQuery, listLimit, ShopBody, shopBody, ShopLocationBody, shopLocationBody, ShopParams, shopParams } from "../schemas";
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

  const locate = {
    ...aboutRoute(
      "shops",
      "Set a shop's location",
      "An owner or manager sets where the shop is (WGS 84 degrees). With locations on two shops, a stamp accepted at one is refused at the other (IMPOSSIBLE_TRAVEL) until the trip between them could have been made at 300 km/h (docs/security.md, \"The travel rule\").",
    ),
    params: shopParams,
    body: shopLocationBody,
    response: successAnswer(200, "The shop as it is now."),
  };
  app.put<{ Params: ShopParams; Body: ShopLocationBody }>("/v1/shops/:id/location", { schema: locate }, async (request, reply) => {
    const { latitude, longitude } = request.body;
    const updated = await setShopLocation(deps.store, principal(request), request.params.id, { latitude: latitude, longitude: longitude }, deps.now());
    if (!updated.ok) return sendCoreError(reply, updated.error);
    return updated.value;
  });

  const forget = {
    ...aboutRoute("shops", "Clear a shop's location", "An owner or manager removes the shop's location: the travel rule no longer applies to taps there."),
    params: shopParams,
    response: successAnswer(200, "The shop as it is now."),
  };
  app.delete<{ Params: ShopParams }>("/v1/shops/:id/location", { schema: forget }, async (request, reply) => {
    const updated = await setShopLocation(deps.store, principal(request), request.params.id, undefined, deps.now());
    if (!updated.ok) return sendCoreError(reply, updated.error);
    return updated.value;
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
