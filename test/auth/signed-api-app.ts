/**
 * A tiny API for the client tests that authenticates the way the host will: a bearer token, or
 * a station signature checked with host/auth (Content-Digest against the raw body bytes, the
 * signature over the request as received, then the nonce remembered and refused when seen again).
 */
import Fastify, { FastifyInstance, FastifyRequest } from "fastify";
import { checkContentDigest } from "../../host/auth/content-digest";
import { parseSignatureHeaders, splitPathAndQuery, verifySignedRequest } from "../../host/auth/http-signature";

export const WINDOW_SECONDS = 300;

export interface SignedAppOptions {
  /** keyId → raw 32-byte public key. */
  stations: Map<string, Uint8Array>;
  tokens: Set<string>;
  /** Milliseconds since the epoch. */
  clock: () => number;
  https?: { key: Buffer; cert: Buffer };
}

type Identity = { ok: true; who: string } | { ok: false; reason: string };

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : undefined;
}

function rawBodyOf(request: FastifyRequest): Uint8Array {
  return request.body instanceof Buffer ? request.body : new Uint8Array(0);
}

function authenticator(options: SignedAppOptions): (request: FastifyRequest) => Identity {
  const seenNonces = new Set<string>();
  return (request) => {
    const authorization = singleHeader(request, "authorization");
    if (authorization !== undefined) {
      const token = authorization.replace(/^Bearer /, "");
      return options.tokens.has(token) ? { ok: true, who: "token" } : { ok: false, reason: "bad-token" };
    }
    const parsed = parseSignatureHeaders({ signatureInput: singleHeader(request, "signature-input"), signature: singleHeader(request, "signature") });
    if (!parsed.ok) return { ok: false, reason: parsed.error };
    const digest = singleHeader(request, "content-digest");
    if (digest === undefined || !checkContentDigest(digest, rawBodyOf(request))) return { ok: false, reason: "bad-content-digest" };
    const publicKey = options.stations.get(parsed.value.keyId);
    if (publicKey === undefined) return { ok: false, reason: "unknown-key" };
    const signable = {
      method: request.method,
      authority: (singleHeader(request, "host") ?? "").toLowerCase(),
      ...splitPathAndQuery(request.raw.url ?? ""),
      contentDigest: digest,
    };
    const verdict = verifySignedRequest(signable, parsed.value, publicKey, Math.floor(options.clock() / 1000), WINDOW_SECONDS);
    if (!verdict.ok) return { ok: false, reason: verdict.reason };
    const nonceKey = `${parsed.value.keyId}:${parsed.value.nonce}`;
    if (seenNonces.has(nonceKey)) return { ok: false, reason: "replayed-nonce" };
    seenNonces.add(nonceKey);
    return { ok: true, who: `station:${parsed.value.keyId}` };
  };
}

export function buildSignedApp(options: SignedAppOptions): FastifyInstance {
  const app: FastifyInstance = options.https === undefined ? Fastify() : Fastify({ https: options.https });
  const authenticate = authenticator(options);
  const identities = new WeakMap<FastifyRequest, string>();
  // The signature and digest cover the bytes sent, so the body is kept as bytes.
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  app.addHook("preHandler", async (request, reply) => {
    const identity = authenticate(request);
    if (!identity.ok) return reply.code(401).send({ error: identity.reason });
    identities.set(request, identity.who);
    return undefined;
  });
  const echo = async (request: FastifyRequest) => {
    const raw = rawBodyOf(request);
    return { who: identities.get(request), method: request.method, url: request.raw.url, body: raw.length === 0 ? null : JSON.parse(Buffer.from(raw).toString("utf8")) };
  };
  app.get("/v1/whoami", echo);
  app.post("/v1/echo", echo);
  app.patch("/v1/echo", echo);
  app.delete("/v1/echo", echo);
  return app;
}
