/**
 * Turns a request's credential into a Principal, before any handler runs. Two kinds:
 *
 * - `Authorization: Bearer stamp_…`: a person's API token (CLI, scripts);
 * - RFC 9421 `Signature-Input` / `Signature` with `Content-Digest`: a station signing with the
 *   Ed25519 key it made itself. The digest is checked against the raw body bytes as received,
 *   the signature strictly, `created` within SIGNATURE_WINDOW_S of the host's clock, and the
 *   nonce recorded so that one signed request is accepted once (a captured request replayed
 *   inside the window is refused).
 *
 * A route without a credential answers 401 unless it is marked public; a role the route's action
 * (host/http/route-permissions.ts) does not allow answers 403. Both come before anything looks
 * at the request's shape: a caller who may not call the route learns nothing of its body from a
 * 400. What the principal may then do with which object is decided by the core.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Result } from "../../shared/result";
import { checkContentDigest } from "../auth/content-digest";
import { parseSignatureHeaders, ParsedSignature, SignableRequest, splitPathAndQuery, verifySignedRequest } from "../auth/http-signature";
import { authenticateToken, stationKey } from "../core/access/credentials";
import { Principal } from "../core/access/principal";
import { forbidden } from "../core/core-error";
import { ApiDeps } from "./deps";
import { errorBody } from "./errors";
import { requireRouteActions, routeRefusal } from "./route-permissions";

/** How far a signed request's `created` may be from the host's clock, either way. */
export const SIGNATURE_WINDOW_S = 60;

declare module "fastify" {
  interface FastifyRequest {
    /** Who is asking, once authenticated. */
    principal?: Principal;
    /** The body bytes exactly as received: what a station's Content-Digest covers. */
    rawBody?: Buffer;
    /** Why a JSON body did not parse: answered only once the caller is known to be allowed (see registerAuthentication). */
    unreadableBody?: Error;
  }
  interface FastifyContextConfig {
    /** Answered without a credential (health check); a station's enrolment checks its own signature. */
    public?: boolean;
    /** A page (or a page script's endpoint) of the phone web app: a card cookie, not a credential; same-origin posts only; a tighter rate limit. */
    phonePage?: boolean;
  }
}

function unauthenticated(reply: FastifyReply, message: string): FastifyReply {
  reply.header("www-authenticate", 'Bearer realm="stamp", Signature realm="stamp"');
  return reply.code(401).send(errorBody("UNAUTHENTICATED", message));
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : undefined;
}

/** The request as RFC 9421 sees it: the components a station signed. */
export function signableRequest(request: FastifyRequest): SignableRequest {
  const { path, query } = splitPathAndQuery(request.url);
  return {
    method: request.method,
    authority: (header(request, "host") ?? "").toLowerCase(),
    path: path,
    query: query,
    contentDigest: header(request, "content-digest") ?? "",
  };
}

/** The signature headers parsed, and the Content-Digest checked against the raw body. */
export function readSignature(request: FastifyRequest): Result<ParsedSignature, string> {
  const parsed = parseSignatureHeaders({ signatureInput: header(request, "signature-input"), signature: header(request, "signature") });
  if (!parsed.ok) return { ok: false, error: `the request signature is malformed (${parsed.error})` };
  if (!checkContentDigest(header(request, "content-digest"), request.rawBody ?? Buffer.alloc(0))) {
    return { ok: false, error: "the Content-Digest does not match the body" };
  }
  return parsed;
}

/**
 * Verifies a signed request with `publicKey` and spends its nonce; `nonceOwner` names whose
 * nonces these are (a credential id).
 */
export async function verifySignature(deps: ApiDeps, request: FastifyRequest, parsed: ParsedSignature, publicKey: Uint8Array, nonceOwner: string): Promise<Result<void, string>> {
  const now = deps.now();
  const verdict = verifySignedRequest(signableRequest(request), parsed, publicKey, Math.floor(now / 1000), SIGNATURE_WINDOW_S);
  if (!verdict.ok) {
    const why = { expired: "the signed request is too old (check the station's clock)", future: "the signed request is dated in the future (check the station's clock)", "bad-signature": "the request signature does not verify" }[verdict.reason];
    return { ok: false, error: why };
  }
  // The nonce must outlive the window in which `created` would still be accepted.
  const keepUntil = (parsed.created + SIGNATURE_WINDOW_S + 1) * 1000;
  if (!(await deps.store.useRequestNonce(nonceOwner, parsed.nonce, keepUntil, now))) return { ok: false, error: "this signed request was already used (replay)" };
  return { ok: true, value: undefined };
}

async function authenticateStation(deps: ApiDeps, request: FastifyRequest): Promise<Result<Principal, string>> {
  const parsed = readSignature(request);
  if (!parsed.ok) return parsed;
  const key = await stationKey(deps.store, parsed.value.keyId, deps.now());
  if (!key.ok) return key;
  const verified = await verifySignature(deps, request, parsed.value, key.value.publicKey, parsed.value.keyId);
  return verified.ok ? { ok: true, value: key.value.principal } : verified;
}

async function authenticate(deps: ApiDeps, request: FastifyRequest): Promise<Result<Principal, string> | undefined> {
  const authorization = header(request, "authorization");
  if (authorization !== undefined) {
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(authorization);
    if (match === null) return { ok: false, error: "the Authorization header must be `Bearer <token>`" };
    return authenticateToken(deps.store, match[1], deps.now());
  }
  if (request.headers["signature-input"] !== undefined || request.headers["signature"] !== undefined) return authenticateStation(deps, request);
  return undefined;
}

/**
 * Keeps JSON bodies' raw bytes (for Content-Digest) and parses them with Fastify's own secure
 * parser, which refuses prototype poisoning. A body that does not parse is not refused here,
 * before the caller is known: its error waits on the request until the credential and the role
 * have been checked.
 */
function keepRawJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    parseJson(request, raw.toString("utf8"), (error, parsed) => {
      if (error === null) return done(null, parsed);
      request.unreadableBody = error;
      return done(null, undefined);
    });
  });
}

/** The refused action in the core's own words ("this credential may not check the ledger"). */
function forbiddenRoute(reply: FastifyReply, refusal: string): FastifyReply {
  return reply.code(403).send(errorBody("FORBIDDEN", forbidden(refusal).error.message));
}

/**
 * Every route but the public ones needs a credential and a role its action allows.
 * preValidation sees the raw body a signature covers, and runs before the schema validation:
 * the order is credential (401), role (403), then the body's JSON, then its shape (400).
 */
export function registerAuthentication(app: FastifyInstance, deps: ApiDeps): void {
  keepRawJsonBodies(app);
  requireRouteActions(app);
  app.addHook("preValidation", async (request, reply) => {
    // Public routes judge their own proof (an enrolment is signed by a key not yet enrolled).
    if (request.routeOptions.config.public === true) {
      if (request.unreadableBody !== undefined) throw request.unreadableBody;
      return undefined;
    }
    const result = await authenticate(deps, request);
    if (result !== undefined && !result.ok) return unauthenticated(reply, `not authenticated: ${result.error}`);
    if (result === undefined) return unauthenticated(reply, "this request needs a credential: an API token (Authorization: Bearer) or a station's signature");
    request.principal = result.value;
    // No route matched (routeOptions.url unset): the not-found handler answers 404, as before.
    const route = request.routeOptions.url;
    const refusal = route === undefined ? undefined : routeRefusal(result.value, request.method, route);
    if (refusal !== undefined) return forbiddenRoute(reply, refusal);
    if (request.unreadableBody !== undefined) throw request.unreadableBody;
    return undefined;
  });
}
