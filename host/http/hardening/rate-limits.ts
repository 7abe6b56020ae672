/**
 * Three independent limits, all counted per minute with @fastify/rate-limit's in-memory store:
 *
 * - per address, in an onRequest hook: it runs before the body is parsed and before any signature is
 *   checked, so a flood from one address (the 20,000 challenge requests) is answered 429 for the price
 *   of a map lookup instead of taking the server's time from other clients' taps;
 * - per credential, in a preHandler hook: it runs after authentication, so only a credential that
 *   was proven is counted, and a forger cannot spend a real station's budget by naming its key;
 * - per address on the phone pages, in another onRequest hook: a tighter budget for the pages
 *   anyone on the internet can reach without a credential (a tap URL, an invitation, the passkey
 *   endpoints), where one request may verify a signature or make a card holder.
 *
 * How the plugin is used, and why (tried against @fastify/rate-limit 11 and Fastify 5):
 * - The plugin's own hooks are attached to routes by an onRoute hook that exists only once the plugin
 *   has loaded. registerRateLimits registers without awaiting, and routes declared on the app right
 *   after it would silently never get those hooks. Hooks added with addHook are attached at ready
 *   time to every route, declared before or after.
 * - The plugin's hooks throw errorResponseBuilder's result into the app's error handler, which knows
 *   no RATE_LIMITED code. Answering from our own hooks keeps the error format here.
 * - Registering the plugin twice (one per hook) does work when awaited, each with its own store.
 * So the plugin is registered once with global: false, and `createRateLimit` builds the limiters,
 * each with a store of its own; our hooks call them and answer 429 themselves.
 *
 * Loopback is not exempt: a station process compromised on the same PC, or anything that can reach
 * it through a local proxy, must not get unlimited requests because it speaks from 127.0.0.1.
 */
import rateLimit from "@fastify/rate-limit";
import { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { sendHardeningError } from "./error-body";

export interface RateLimitOptions {
  /** Requests one authenticated credential may make per minute, over all its addresses. */
  perCredentialPerMinute: number;
  /** Requests one client address (an IPv6 /64) may make per minute, authenticated or not. */
  perAddressPerMinute: number;
  /**
   * The credential (e.g. the verified key id) of an authenticated request, or undefined when it has
   * none. Called in preHandler, so authentication must have run before: in an onRequest,
   * preParsing or preValidation hook (preValidation sees the parsed body a signature covers), or a
   * preHandler hook added before registerRateLimits. Never return an unverified claimed key id.
   */
  credentialOf: (request: FastifyRequest) => string | undefined;
  /** Requests one client address may make per minute to the phone pages, besides the general count; DEFAULT_PHONE_PAGES_PER_MINUTE when absent. */
  perAddressPerMinuteOnPhonePages?: number;
  /** Whether a request is for a phone page (a route config flag); none is when absent. */
  isPhonePage?: (request: FastifyRequest) => boolean;
}

/**
 * Phone page requests per address per minute: a shop's guest Wi-Fi puts every customer behind one
 * address, and a tap is a page, a redirect and a card; 120 is a busy counter's minute many times over.
 */
export const DEFAULT_PHONE_PAGES_PER_MINUTE = 120;

type Limiter = ReturnType<FastifyInstance["createRateLimit"]>;

const ONE_MINUTE_IN_MS = 60_000;

/** "too many requests: retry in 12 s". */
export function tooManyRequestsMessage(retryAfterSeconds: number): string {
  return `too many requests: retry in ${retryAfterSeconds} s`;
}

function limitHook(limiter: Limiter, appliesTo: (request: FastifyRequest) => boolean = () => true): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async (request, reply) => {
    if (!appliesTo(request)) return undefined;
    const limit = await limiter(request);
    if (limit.isAllowed || !limit.isExceeded) return undefined;
    // Never "retry in 0 s", which would invite an immediate retry.
    const retryAfterSeconds = Math.max(1, limit.ttlInSeconds);
    reply.header("retry-after", String(retryAfterSeconds));
    return sendHardeningError(reply, 429, "RATE_LIMITED", tooManyRequestsMessage(retryAfterSeconds));
  };
}

function checkPerMinute(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`rate limits: ${name} must be a whole number of at least 1, not ${value}`);
}

/**
 * Adds the per-address (onRequest) and per-credential (preHandler) limits to every route of `app`,
 * including the not-found handler. Synchronous to call, like buildServer; the limits take effect when
 * the app becomes ready. Throws at once when a limit is not a positive whole number.
 */
export function registerRateLimits(app: FastifyInstance, options: RateLimitOptions): void {
  checkPerMinute("perAddressPerMinute", options.perAddressPerMinute);
  checkPerMinute("perCredentialPerMinute", options.perCredentialPerMinute);
  const perAddressOnPhonePages = options.perAddressPerMinuteOnPhonePages ?? DEFAULT_PHONE_PAGES_PER_MINUTE;
  checkPerMinute("perAddressPerMinuteOnPhonePages", perAddressOnPhonePages);
  const isPhonePage = options.isPhonePage ?? (() => false);
  const plugin: FastifyPluginAsync = async (instance) => {
    await instance.register(rateLimit, { global: false });
    // The default key is the client address, IPv4-mapped IPv6 folded to IPv4 and IPv6 cut to its /64.
    const byAddress = instance.createRateLimit({ max: options.perAddressPerMinute, timeWindow: ONE_MINUTE_IN_MS });
    const byCredential = instance.createRateLimit({
      max: options.perCredentialPerMinute,
      timeWindow: ONE_MINUTE_IN_MS,
      keyGenerator: (request) => options.credentialOf(request) ?? "",
      // No credential, no per-credential count: the per-address limit already covered the request.
      allowList: (_request, key) => key === "",
    });
    const onPhonePages = instance.createRateLimit({ max: perAddressOnPhonePages, timeWindow: ONE_MINUTE_IN_MS });
    instance.addHook("onRequest", limitHook(byAddress));
    instance.addHook("onRequest", limitHook(onPhonePages, isPhonePage));
    instance.addHook("preHandler", limitHook(byCredential));
  };
  // Fastify's documented alternative to fastify-plugin: the hooks land on `app` itself, not in a
  // child scope, so they reach the routes declared on `app` and in plugins registered after this.
  app.register(Object.assign(plugin, { [Symbol.for("skip-override")]: true }));
}
