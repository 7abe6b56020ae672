import { FastifyInstance } from "fastify";
import { listMerchants } from "../../core/queries";
import { addMerchant } from "../../core/registry";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { IdPageQuery, idPageQuery, listLimit, MerchantBody, merchantBody } from "../schemas";
import { pageView } from "../views";

export function registerMerchantRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const add = {
    ...aboutRoute("merchants", "Add a merchant", "The operator adds a merchant; its owner's token comes next (POST /v1/tokens)."),
    body: merchantBody,
    response: successAnswer(201, "The merchant as added."),
  };
  app.post<{ Body: MerchantBody }>("/v1/merchants", { schema: add }, async (request, reply) => {
    const added = await addMerchant(deps.store, principal(request), { id: request.body.id, name: request.body.name }, deps.now());
    if (!added.ok) return sendCoreError(reply, added.error);
    return reply.code(201).send(added.value);
  });

  const list = {
    ...aboutRoute("merchants", "List merchants", "Every merchant for the operator, the caller's own merchant for the others. `next` is the `after` of the following page."),
    querystring: idPageQuery,
    response: successAnswer(200, "A page of merchants: { items, next }."),
  };
  app.get<{ Querystring: IdPageQuery }>("/v1/merchants", { schema: list }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listMerchants(deps.store, principal(request), { limit: limit, after: request.query.after });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, (m) => m, (m) => m.id);
  });
}
