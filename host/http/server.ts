/**
 * The host's HTTP API (JSON, bytes as hex). Built here, started elsewhere (`stamp serve`, tests):
 * buildServer never listens. Validation is strict: Ajv does not coerce types, does not drop
 * unknown fields (they are refused), and bodies are capped at BODY_LIMIT bytes.
 *
 * In front of every route, in order: the Host allow-list (DNS rebinding) and the cross-site
 * check (for the phone pages' posts: same origin required), the per-address rate limits (before
 * any signature is verified; a tighter one on the phone pages), authentication, the
 * per-credential rate limit; then the route, whose core operation decides what the principal
 * may do. The OpenAPI reference (openapi.ts) is generated from the same route schemas.
 *
 * Besides the JSON API under /v1, the server serves the pages a phone opens without an app
 * (routes/phone-pages.ts and the others marked `phonePage`): a stamp's one-time URL, the cards,
 * worker invitations, passkeys. They are for people, authenticated by a card cookie rather than a
 * credential, and kept out of the API's reference.
 */
import Fastify, { FastifyInstance, FastifyRequest } from "fastify";
import { HostKey } from "../ledger/host-key";
import { Store } from "../store/store";
import { registerAuthentication } from "./authentication";
import { PhoneDeps } from "./deps";
import { handleError, handleNotFound } from "./errors";
import { allowedHostsHook } from "./hardening/allowed-hosts";
import { clientErrorHandler } from "./hardening/client-errors";
import { crossSiteHook } from "./hardening/cross-site";
import { registerRateLimits } from "./hardening/rate-limits";
import { sameOriginPagesHook } from "./hardening/same-origin-pages";
import { registerSecurityHeaders } from "./hardening/security-headers";
import { registerApiReference } from "./openapi";
import { registerChallengeRoutes } from "./routes/challenges";
import { registerCredentialRoutes } from "./routes/credentials";
import { registerFirmwareRoutes } from "./routes/firmware";
import { registerHealthRoutes } from "./routes/health";
import { registerHistoryRoutes } from "./routes/history";
import { registerLedgerRoutes } from "./routes/ledger";
import { registerLoyaltyRoutes } from "./routes/loyalty";
import { registerAnalyticsRoutes } from "./routes/analytics";
import { registerMerchantRoutes } from "./routes/merchants";
import { registerPasskeyEndpoints } from "./routes/passkey-endpoints";
import { registerPhoneAssetRoutes } from "./routes/phone-assets";
import { registerPhonePageRoutes } from "./routes/phone-pages";
import { registerCouponRoutes } from "./routes/coupons";
import { registerCardRedemptionPages } from "./routes/card-redemption-pages";
import { registerReferenceRoutes } from "./routes/reference";
import { registerShopRoutes } from "./routes/shops";
import { registerStampRoutes } from "./routes/stamps";
import { registerTapRoutes } from "./routes/taps";
import { registerOfflineStationRoutes } from "./routes/offline-stations";
import { registerVerifierRoutes } from "./routes/verifiers";
import { registerWorkerInvitationPages } from "./routes/worker-invitation-pages";
import { registerWorkerRoutes } from "./routes/workers";
import { BODY_LIMIT } from "./schemas";
import { VerdictFeed } from "../core/staff/verdict-feed";
import { registerDashboard } from "./routes/dashboard";

export { BODY_LIMIT };

/** Requests per minute: one shop's stations behind one address, and one busy counter station. */
export const DEFAULT_RATE_LIMITS = { perAddressPerMinute: 1200, perCredentialPerMinute: 600 };

export interface RateLimits {
  perAddressPerMinute: number;
  perCredentialPerMinute: number;
  /** Phone page requests per address per minute, on top of the general count (rate-limits.ts has the default). */
  perAddressPerMinuteOnPhonePages?: number;
}

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
  rateLimits?: RateLimits;
  /** The key the host signs ledger checkpoints with (kept outside the database). */
  hostKey?: HostKey;
  /**
   * The base URL phones reach this host at (shared/phone-url.ts isBaseUrl), read when a phone
   * page needs it: `stamp serve` knows it only once it listens on a port chosen then. Without
   * it the phone pages say the host has none.
   */
  publicUrl?: () => string | undefined;
  /** The IANA time zone of clock times on the phone pages; the host's own by default. */
  timeZone?: string;
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

export function buildServer(store: Store, options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: { level: options.logLevel ?? "silent", stream: process.stderr },
    bodyLimit: BODY_LIMIT,
    // A phone URL's token is one 104-character path segment (shared/phone-url.ts); Fastify's default is 100.
    routerOptions: { maxParamLength: 200 },
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    clientErrorHandler: clientErrorHandler,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    ...(options.https === undefined ? {} : { https: options.https }),
  }) as unknown as FastifyInstance;
  const deps: PhoneDeps = {
    store: store,
    now: options.clock ?? Date.now,
    hostKey: options.hostKey,
    verdicts: new VerdictFeed(store.verdictChannel),
    publicUrl: options.publicUrl ?? (() => undefined),
    timeZone: options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  const allowed = options.allowedHosts ?? LOOPBACK_NAMES;
  // Bodies are JSON only: plain text would otherwise reach the schema as a string.
  app.removeContentTypeParser("text/plain");
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  // Helmet first: its headers must be on the early refusals (421, 403, 429) too.
  registerSecurityHeaders(app, { tls: options.tls === true || options.https !== undefined });
  app.addHook("onRequest", allowedHostsHook(allowed));
  app.addHook("onRequest", crossSiteHook(allowed));
  app.addHook("onRequest", sameOriginPagesHook(allowed, isPhonePage));
  registerAuthentication(app, deps);
  registerRateLimits(app, { ...(options.rateLimits ?? DEFAULT_RATE_LIMITS), credentialOf: (request) => request.principal?.credentialId, isPhonePage: isPhonePage });
  // The reference collects routes as they are declared (an onRoute hook that exists once its
  // plugin has loaded): Fastify loads plugins in order, so the routes go in a plugin after it.
  // That plugin's context inherits every hook, handler and parser set on `app` above.
  registerApiReference(app);
  app.register(async (routes) => registerRoutes(routes, deps));
  // The other processes' verdicts, for the dashboard's counter view: heard while the server runs.
  // A host whose listening connection cannot open still serves taps: its views show its own verdicts.
  app.addHook("onReady", () => deps.verdicts.start().catch(() => undefined));
  app.addHook("onClose", () => deps.verdicts.stop());
  return app;
}

function isPhonePage(request: FastifyRequest): boolean {
  return request.routeOptions.config.phonePage === true;
}

function registerRoutes(app: FastifyInstance, deps: PhoneDeps): void {
  registerHealthRoutes(app);
  registerMerchantRoutes(app, deps);
  registerShopRoutes(app, deps);
  registerVerifierRoutes(app, deps);
  registerChallengeRoutes(app, deps);
  registerTapRoutes(app, deps);
  registerOfflineStationRoutes(app, deps);
  registerStampRoutes(app, deps);
  registerHistoryRoutes(app, deps);
  registerCredentialRoutes(app, deps);
  registerFirmwareRoutes(app, deps);
  registerLedgerRoutes(app, deps);
  registerWorkerRoutes(app, deps);
  registerLoyaltyRoutes(app, deps);
  registerCouponRoutes(app, deps);
  registerAnalyticsRoutes(app, deps);
  registerReferenceRoutes(app);
  registerPhonePageRoutes(app, deps);
  registerCardRedemptionPages(app, deps);
  registerPasskeyEndpoints(app, deps);
  registerPhoneAssetRoutes(app);
  // In a plugin of its own: its form parser must not reach the JSON API.
  app.register(async (pages) => registerWorkerInvitationPages(pages, deps));
  registerDashboard(app, deps);
}
