/**
 * The host's HTTP API (JSON, bytes as hex). Built here, started elsewhere (`stamp serve`, tests):
 * buildServer never listens. Validation is strict: Ajv does not coerce types, does not drop
 * unknown fields (they are refused), and bodies are capped at BODY_LIMIT bytes.
 *
 * In front of every route, in order: the Host allow-list (DNS rebinding) and the cross-site
 * check, the per-address rate limit (before any signature is verified), authentication, the
 * per-credential rate limit; then the route, whose core operation decides what the principal
 * may do. The OpenAPI reference (openapi.ts) is generated from the same route schemas.
 */
import Fastify, { FastifyInstance } from "fastify";
import { HostKey } from "../ledger/host-key";
import { Store } from "../store/store";
import { registerAuthentication } from "./authentication";
import { ApiDeps } from "./deps";
import { handleError, handleNotFound } from "./errors";
import { allowedHostsHook } from "./hardening/allowed-hosts";
import { clientErrorHandler } from "./hardening/client-errors";
import { crossSiteHook } from "./hardening/cross-site";
import { registerRateLimits } from "./hardening/rate-limits";
import { registerSecurityHeaders } from "./hardening/security-headers";
import { registerApiReference } from "./openapi";
import { registerChallengeRoutes } from "./routes/challenges";
import { registerCredentialRoutes } from "./routes/credentials";
import { registerFirmwareRoutes } from "./routes/firmware";
import { registerHealthRoutes } from "./routes/health";
import { registerHistoryRoutes } from "./routes/history";
import { registerLedgerRoutes } from "./routes/ledger";
import { registerMerchantRoutes } from "./routes/merchants";
import { registerReferenceRoutes } from "./routes/reference";
import { registerShopRoutes } from "./routes/shops";
import { registerStampRoutes } from "./routes/stamps";
import { registerTapRoutes } from "./routes/taps";
import { registerVerifierRoutes } from "./routes/verifiers";
import { BODY_LIMIT } from "./schemas";

export { BODY_LIMIT };

/** Requests per minute: one shop's stations behind one address, and one busy counter station. */
export const DEFAULT_RATE_LIMITS = { perAddressPerMinute: 1200, perCredentialPerMinute: 600 };

export interface ServerOptions {
  /** Milliseconds since the epoch; Date.now by default. */
  clock?: () => number;
  /** Fastify's log, JSON lines on stderr: "silent" (the default), "error" (failed requests only) or "info" (every request). */
  logLevel?: "silent" | "error" | "info";
  /** Host header values served (name or name:port); the loopback names when absent. */
  allowedHosts?: string[];
  /** Served over TLS (adds HSTS). */
  tls?: boolean;
  https?: { cert: Buffer; key: Buffer };
  rateLimits?: { perAddressPerMinute: number; perCredentialPerMinute: number };
  /** The key the host signs ledger checkpoints with (kept outside the database). */
  hostKey?: HostKey;
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

export function buildServer(store: Store, options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: { level: options.logLevel ?? "silent", stream: process.stderr },
    bodyLimit: BODY_LIMIT,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    clientErrorHandler: clientErrorHandler,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    ...(options.https === undefined ? {} : { https: options.https }),
  }) as unknown as FastifyInstance;
  const deps: ApiDeps = { store: store, now: options.clock ?? Date.now, hostKey: options.hostKey };
  const allowed = options.allowedHosts ?? LOOPBACK_NAMES;
  // Bodies are JSON only: plain text would otherwise reach the schema as a string.
  app.removeContentTypeParser("text/plain");
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  // Helmet first: its headers must be on the early refusals (421, 403, 429) too.
  registerSecurityHeaders(app, { tls: options.tls === true || options.https !== undefined });
  app.addHook("onRequest", allowedHostsHook(allowed));
  app.addHook("onRequest", crossSiteHook(allowed));
  registerAuthentication(app, deps);
  registerRateLimits(app, { ...(options.rateLimits ?? DEFAULT_RATE_LIMITS), credentialOf: (request) => request.principal?.credentialId });
  // The reference collects routes as they are declared (an onRoute hook that exists once its
  // plugin has loaded): Fastify loads plugins in order, so the routes go in a plugin after it.
  // That plugin's context inherits every hook, handler and parser set on `app` above.
  registerApiReference(app);
  app.register(async (routes) => registerRoutes(routes, deps));
  return app;
}

function registerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  registerHealthRoutes(app);
  registerMerchantRoutes(app, deps);
  registerShopRoutes(app, deps);
  registerVerifierRoutes(app, deps);
  registerChallengeRoutes(app, deps);
  registerTapRoutes(app, deps);
  registerStampRoutes(app, deps);
  registerHistoryRoutes(app, deps);
  registerCredentialRoutes(app, deps);
  registerFirmwareRoutes(app, deps);
  registerLedgerRoutes(app, deps);
  registerReferenceRoutes(app);
}
