/**
 * Response headers for the JSON API and the phone pages it serves from the same origin. The Content-Security-Policy allows only this origin's files: no inline script or
 * style, no plug-ins, no framing (clickjacking a "revoke" button), forms posting only here.
 * HSTS is sent only when the server speaks TLS: over plain HTTP a browser ignores it, and a host that
 * later drops TLS would lock its browsers out. Answers are never cached: API answers carry stamp
 * states and ledgers, and phone pages a person's card, that a shared or back-button cache must not
 * replay. Only the pages' static files (/assets/) may be kept, for a while.
 */
import helmet from "@fastify/helmet";
import { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export interface SecurityHeaderOptions {
  /** The server listens with HTTPS (then Strict-Transport-Security and upgrade-insecure-requests are sent). */
  tls: boolean;
}

const ONE_YEAR_IN_SECONDS = 365 * 24 * 60 * 60;

/** The CSP directives; upgrade-insecure-requests only over TLS, where it cannot break a plain-HTTP page. */
export function contentSecurityDirectives(tls: boolean): Record<string, string[]> {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "script-src-attr": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return tls ? { ...directives, "upgrade-insecure-requests": [] } : directives;
}

/** Where the phone pages' static files are served. */
export const ASSET_PATH_PREFIX = "/assets/";

/** True for the pages' static files, with or without a query: the only answers a cache may keep. */
export function isAssetPath(url: string): boolean {
  return url.split("?")[0].startsWith(ASSET_PATH_PREFIX);
}

/** Five minutes: a new version of the host's stylesheet or script reaches phones soon after an upgrade. */
const ASSET_MAX_AGE_SECONDS = 300;

async function setCaching(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  const cacheable = isAssetPath(request.url) && reply.statusCode === 200;
  reply.header("cache-control", cacheable ? `public, max-age=${ASSET_MAX_AGE_SECONDS}` : "no-store");
  return payload;
}

/**
 * Registers @fastify/helmet for every route, and Cache-Control on every answer (no-store but for assets).
 * Register it before the other hardening hooks: helmet sets its headers in an onRequest hook, so an
 * answer sent by an earlier onRequest hook (421, 403, 429) would go out without them.
 * Synchronous to call: Fastify loads the plugin when the app becomes ready.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityDirectives(options.tls) },
    strictTransportSecurity: options.tls ? { maxAge: ONE_YEAR_IN_SECONDS, includeSubDomains: false } : false,
    xFrameOptions: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    crossOriginOpenerPolicy: { policy: "same-origin" },
  });
  // onSend runs for every answer, including errors sent by hooks and the not-found handler.
  app.addHook("onSend", setCaching);
}
