import { FastifyInstance } from "fastify";
import { listStamps } from "../../core/queries";
import { issueProvisioningChallenge, registerStamp } from "../../core/stamp-registration";
import { reinstateStamp, revokeStamp, visibleStamp } from "../../core/stamp-status";
import { can } from "../../core/access/permissions";
import { ApiDeps } from "../deps";
import { sendCoreError, sendError } from "../errors";
import { principal } from "../principal";
import { emptyBody, emptyQuery, hexIdParams, IdParams, listLimit, ReinstateBody, reinstateBody, StampBody, stampBody, StampsQuery, stampsQuery } from "../schemas";
import { pageView, stampView } from "../views";

const optionalEmptyBody = { anyOf: [emptyBody, { type: "null" }] };

export function registerStampRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post("/v1/provisioning-challenges", { schema: { body: optionalEmptyBody } }, async (request, reply) => {
    const issued = await issueProvisioningChallenge(deps.store, principal(request), deps.now());
    if (!issued.ok) return sendCoreError(reply, issued.error);
    return reply.code(201).send({ challenge: issued.value.challenge, expiresAt: new Date(issued.value.expiresAt).toISOString() });
  });

  app.post<{ Body: StampBody }>("/v1/stamps", { schema: { body: stampBody } }, async (request, reply) => {
    const { publicKey, label, merchantId, shopIds, verifierIds, proof } = request.body;
    const input = { publicKeyHex: publicKey.toLowerCase(), label: label, merchantId: merchantId, shopIds: shopIds, verifierIds: verifierIds ?? [], proof: proof };
    const registered = await registerStamp(deps.store, principal(request), input, deps.now());
    if (!registered.ok) return sendCoreError(reply, registered.error);
    return reply.code(201).send(stampView(registered.value));
  });

  app.get<{ Querystring: StampsQuery }>("/v1/stamps", { schema: { querystring: stampsQuery } }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listStamps(deps.store, principal(request), { limit: limit, after: request.query.after, label: request.query.label });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, stampView, (s) => s.id);
  });

  app.get<{ Params: IdParams }>("/v1/stamps/:id", { schema: { params: hexIdParams, querystring: emptyQuery } }, async (request, reply) => {
    const who = principal(request);
    if (!can(who, "stamp.read")) return sendError(reply, 403, "FORBIDDEN", "this credential may not read stamps");
    const stamp = await visibleStamp(deps.store, who, request.params.id);
    if (!stamp.ok) return sendCoreError(reply, stamp.error);
    return stampView(stamp.value);
  });

  app.post<{ Params: IdParams }>("/v1/stamps/:id/revoke", { schema: { params: hexIdParams, querystring: emptyQuery, body: optionalEmptyBody } }, async (request, reply) => {
    const revoked = await revokeStamp(deps.store, principal(request), request.params.id, deps.now());
    if (!revoked.ok) return sendCoreError(reply, revoked.error);
    return stampView(revoked.value);
  });

  app.post<{ Params: IdParams; Body: ReinstateBody }>("/v1/stamps/:id/reinstate", { schema: { params: hexIdParams, body: reinstateBody } }, async (request, reply) => {
    const reinstated = await reinstateStamp(deps.store, principal(request), request.params.id, request.body.reason, deps.now());
    if (!reinstated.ok) return sendCoreError(reply, reinstated.error);
    return stampView(reinstated.value);
  });
}
