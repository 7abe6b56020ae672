/**
 * Response headers for a JSON API that will also serve its own pages (a shop dashboard) from the
 * same origin. The Content-Security-Policy allows only this origin's files: no inline script or
 * style, no plug-ins, no framing (clickjacking a "revoke" button), forms posting only here.
 * HSTS is sent only when the server speaks TLS: over plain HTTP a browser ignores it, and a host that
 * later drops TLS would lock its browsers out. API answers are never cached: they carry stamp states
 * and ledgers that a shared or back-button cache must not replay.
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

/** True for the API's own paths, /v1 and below, with or without a query. */
export function isApiPath(url: string): boolean {
  const path = url.split("?")[0];
  return path === "/v1" || path.startsWith("/v1/");
}

async function forbidCaching(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (isApiPath(request.url)) reply.header("cache-control", "no-store");
  return payload;
}

/**
 * Registers @fastify/helmet for every route and a no-store Cache-Control on /v1 answers.
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
  app.addHook("onSend", forbidCaching);
}
