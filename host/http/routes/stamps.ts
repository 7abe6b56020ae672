import { FastifyInstance } from "fastify";
import { registerStamp, revokeStamp } from "../../core/registry";
import { ApiDeps } from "../deps";
import { sendError, sendRegistryError } from "../errors";
import { emptyQuery, StampBody, stampBody, StampParams, stampParams } from "../schemas";
import { stampView } from "../views";

export function registerStampRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: StampBody }>("/v1/stamps", { schema: { body: stampBody } }, async (request, reply) => {
    const { publicKey, label, merchantId, shopIds, verifierIds } = request.body;
    const input = { publicKeyHex: publicKey, label: label, merchantId: merchantId, shopIds: shopIds, verifierIds: verifierIds ?? [] };
    const registered = await registerStamp(deps.store, input, deps.now());
    if (!registered.ok) return sendRegistryError(reply, registered.error);
    return reply.code(201).send(stampView(registered.value));
  });

  app.get("/v1/stamps", { schema: { querystring: emptyQuery } }, async () => (await deps.store.listStamps()).map(stampView));

  app.get<{ Params: StampParams }>("/v1/stamps/:id", { schema: { params: stampParams, querystring: emptyQuery } }, async (request, reply) => {
    const stamp = await deps.store.getStamp(request.params.id);
    if (stamp === undefined) return sendError(reply, 404, "NOT_FOUND", `stamp ${request.params.id} is not registered`);
    return stampView(stamp);
  });

  app.post<{ Params: StampParams }>("/v1/stamps/:id/revoke", { schema: { params: stampParams, querystring: emptyQuery } }, async (request, reply) => {
    const revoked = await revokeStamp(deps.store, request.params.id);
    if (!revoked.ok) return sendRegistryError(reply, revoked.error);
    return stampView(revoked.value);
  });
}
