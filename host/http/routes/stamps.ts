import { FastifyInstance } from "fastify";
import { listStamps } from "../../core/queries";
import { issueProvisioningChallenge, registerStamp } from "../../core/stamp-registration";
import { reinstateStamp, revokeStamp, visibleStamp } from "../../core/stamp-status";
import { can } from "../../core/access/permissions";
import { ApiDeps } from "../deps";
import { sendCoreError, sendError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { emptyBody, emptyQuery, hexIdParams, IdParams, listLimit, ReinstateBody, reinstateBody, StampBody, stampBody, StampsQuery, stampsQuery } from "../schemas";
import { pageView, stampView } from "../views";

const optionalEmptyBody = { anyOf: [emptyBody, { type: "null" }] };

export function registerStampRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const provisioningChallenge = {
    ...aboutRoute("stamps", "Issue a provisioning challenge", "A flashing station asks for the challenge a new stamp signs to prove it holds its key. No body, or an empty object."),
    body: optionalEmptyBody,
    response: successAnswer(201, "The challenge (64 hex digits) and when it expires."),
  };
  app.post("/v1/provisioning-challenges", { schema: provisioningChallenge }, async (request, reply) => {
    const issued = await issueProvisioningChallenge(deps.store, principal(request), deps.now());
    if (!issued.ok) return sendCoreError(reply, issued.error);
    return reply.code(201).send({ challenge: issued.value.challenge, expiresAt: new Date(issued.value.expiresAt).toISOString() });
  });

  const register = {
    ...aboutRoute(
      "stamps",
      "Register a stamp",
      "A flashing station registers a stamp's public key for its own merchant, with the stamp's proof of possession over a provisioning challenge issued to this station, on firmware the operator approved.",
    ),
    body: stampBody,
    response: successAnswer(201, "The stamp as registered."),
  };
  app.post<{ Body: StampBody }>("/v1/stamps", { schema: register }, async (request, reply) => {
    const { publicKey, label, merchantId, shopIds, verifierIds, proof } = request.body;
    const input = { publicKeyHex: publicKey.toLowerCase(), label: label, merchantId: merchantId, shopIds: shopIds, verifierIds: verifierIds ?? [], proof: proof };
    const registered = await registerStamp(deps.store, principal(request), input, deps.now());
    if (!registered.ok) return sendCoreError(reply, registered.error);
    return reply.code(201).send(stampView(registered.value));
  });

  const list = {
    ...aboutRoute("stamps", "List stamps", "The caller's merchant's stamps, or the one with a label. `next` is the `after` of the following page."),
    querystring: stampsQuery,
    response: successAnswer(200, "A page of stamps: { items, next }."),
  };
  app.get<{ Querystring: StampsQuery }>("/v1/stamps", { schema: list }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listStamps(deps.store, principal(request), { limit: limit, after: request.query.after, label: request.query.label });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, stampView, (s) => s.id);
  });

  const read = {
    ...aboutRoute("stamps", "Read a stamp", "One stamp of the caller's merchant; another merchant's stamp is 404, like one that does not exist."),
    params: hexIdParams,
    querystring: emptyQuery,
    response: successAnswer(200, "The stamp."),
  };
  app.get<{ Params: IdParams }>("/v1/stamps/:id", { schema: read }, async (request, reply) => {
    const who = principal(request);
    if (!can(who, "stamp.read")) return sendError(reply, 403, "FORBIDDEN", "this credential may not read stamps");
    const stamp = await visibleStamp(deps.store, who, request.params.id);
    if (!stamp.ok) return sendCoreError(reply, stamp.error);
    return stampView(stamp.value);
  });

  const revoke = {
    ...aboutRoute("stamps", "Revoke a stamp", "The stamp's taps are refused from now on. No body, or an empty object."),
    params: hexIdParams,
    querystring: emptyQuery,
    body: optionalEmptyBody,
    response: successAnswer(200, "The stamp, revoked."),
  };
  app.post<{ Params: IdParams }>("/v1/stamps/:id/revoke", { schema: revoke }, async (request, reply) => {
    const revoked = await revokeStamp(deps.store, principal(request), request.params.id, deps.now());
    if (!revoked.ok) return sendCoreError(reply, revoked.error);
    return stampView(revoked.value);
  });

  const reinstate = {
    ...aboutRoute("stamps", "Reinstate a quarantined stamp", "A stamp quarantined on a proven clone serves again; the reason goes into the audit chain."),
    params: hexIdParams,
    body: reinstateBody,
    response: successAnswer(200, "The stamp, in service again."),
  };
  app.post<{ Params: IdParams; Body: ReinstateBody }>("/v1/stamps/:id/reinstate", { schema: reinstate }, async (request, reply) => {
    const reinstated = await reinstateStamp(deps.store, principal(request), request.params.id, request.body.reason, deps.now());
    if (!reinstated.ok) return sendCoreError(reply, reinstated.error);
    return stampView(reinstated.value);
  });
}
