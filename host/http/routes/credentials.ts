import { FastifyInstance } from "fastify";
import { enrolStation, issueEnrolmentCode, issueToken, revokeCredential } from "../../core/access/credentials";
import { parseHexBytes } from "../../core/identifiers";
import { listCredentials } from "../../core/queries";
import { readSignature, verifySignature } from "../authentication";
import { ApiDeps } from "../deps";
import { sendCoreError, sendError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import {
  emptyBody,
  EnrolmentBody,
  enrolmentBody,
  EnrolmentCodeBody,
  enrolmentCodeBody,
  hexIdParams,
  IdPageQuery,
  idPageQuery,
  IdParams,
  listLimit,
  TokenBody,
  tokenBody,
} from "../schemas";
import { credentialView, pageView } from "../views";

const DAY_MS = 24 * 3600_000;

/**
 * People's tokens (shown once), station enrolment codes (shown once) and enrolments. An
 * enrolment is public but must be signed by the very key it enrols (keyid: the key's first 8
 * bytes in hex), so the station proves it holds the private key, which never travels.
 */
export function registerCredentialRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const newToken = {
    ...aboutRoute("credentials", "Issue an API token", "A person's token, with a role, a merchant and an expiry (90 days unless said). The token is in this answer only."),
    body: tokenBody,
    response: successAnswer(201, "The token and its credential."),
  };
  app.post<{ Body: TokenBody }>("/v1/tokens", { schema: newToken }, async (request, reply) => {
    const { role, merchantId, label, ttlDays } = request.body;
    const issued = await issueToken(deps.store, principal(request), { role: role, merchantId: merchantId, label: label, ttlMs: ttlDays === undefined ? undefined : ttlDays * DAY_MS }, deps.now());
    if (!issued.ok) return sendCoreError(reply, issued.error);
    return reply.code(201).send({ token: issued.value.token, credential: credentialView(issued.value.credential) });
  });

  const list = {
    ...aboutRoute("credentials", "List credentials", "People's tokens and stations' keys of the caller's merchant (every one for the operator), never a secret. `next` is the `after` of the following page."),
    querystring: idPageQuery,
    response: successAnswer(200, "A page of credentials: { items, next }."),
  };
  app.get<{ Querystring: IdPageQuery }>("/v1/credentials", { schema: list }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listCredentials(deps.store, principal(request), { limit: limit, after: request.query.after });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, credentialView, (c) => c.id);
  });

  const revoke = {
    ...aboutRoute("credentials", "Revoke a credential", "A token or a station's key is refused from now on. No body, or an empty object."),
    params: hexIdParams,
    body: { anyOf: [emptyBody, { type: "null" }] },
    response: successAnswer(200, "The credential, revoked."),
  };
  app.post<{ Params: IdParams }>("/v1/credentials/:id/revoke", { schema: revoke }, async (request, reply) => {
    const revoked = await revokeCredential(deps.store, principal(request), request.params.id, deps.now());
    if (!revoked.ok) return sendCoreError(reply, revoked.error);
    return credentialView(revoked.value);
  });

  const enrolmentCode = {
    ...aboutRoute(
      "credentials",
      "Issue a station enrolment code",
      "A one-time code, valid for an hour, with which one station enrols its own key: as a counter station of a verifier, or as a flashing station of the merchant.",
    ),
    body: enrolmentCodeBody,
    response: successAnswer(201, "The code, in this answer only, and what it enrols."),
  };
  app.post<{ Body: EnrolmentCodeBody }>("/v1/enrolment-codes", { schema: enrolmentCode }, async (request, reply) => {
    const issued = await issueEnrolmentCode(deps.store, principal(request), request.body, deps.now());
    if (!issued.ok) return sendCoreError(reply, issued.error);
    return reply.code(201).send({ code: issued.value.code, role: request.body.role, merchantId: issued.value.merchantId, verifierId: request.body.verifierId ?? null, expiresAt: new Date(issued.value.expiresAt).toISOString() });
  });

  const enrolment = {
    ...aboutRoute(
      "credentials",
      "Enrol a station's key",
      "A station enrols the public key it made, with a one-time code. No credential: the request is signed (RFC 9421) by the very key it enrols, its keyid the key's first 8 bytes in hex.",
    ),
    body: enrolmentBody,
    response: successAnswer(201, "The station's credential: its id is the keyid the station signs with from now on."),
  };
  app.post<{ Body: EnrolmentBody }>("/v1/enrolments", { schema: enrolment, config: { public: true } }, async (request, reply) => {
    const publicKey = parseHexBytes(request.body.publicKey.toLowerCase(), 32);
    if (publicKey === undefined) return sendError(reply, 400, "INVALID_INPUT", "publicKey must be 64 hex digits");
    const signature = readSignature(request);
    if (!signature.ok) return sendError(reply, 401, "UNAUTHENTICATED", `an enrolment must be signed by the key it enrols: ${signature.error}`);
    if (signature.value.keyId !== request.body.publicKey.toLowerCase().slice(0, 16)) {
      return sendError(reply, 401, "UNAUTHENTICATED", "an enrolment's keyid must be the first 8 bytes of the key it enrols");
    }
    const verified = await verifySignature(deps, request, signature.value, publicKey, "enrol:" + signature.value.keyId);
    if (!verified.ok) return sendError(reply, 401, "UNAUTHENTICATED", verified.error);
    const enrolled = await enrolStation(deps.store, { code: request.body.code, publicKey: publicKey, label: request.body.label }, deps.now());
    if (!enrolled.ok) return sendCoreError(reply, enrolled.error);
    return reply.code(201).send(credentialView(enrolled.value));
  });
}
