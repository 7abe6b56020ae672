/**
 * The phone pages' POSTs (a worker invitation's button, the passkey endpoints) act for whoever
 * holds the card cookie, so they must come from this host's own pages. The general cross-site
 * hook (cross-site.ts) lets a request without any browser label through, as the API's
 * non-browser clients send none; here a browser's proof of the same origin is required:
 * `Sec-Fetch-Site: same-origin`, or an Origin naming this host (browsers older than
 * Sec-Fetch-Site send Origin on every POST). The card cookie is also SameSite=Lax, which keeps it
 * off another site's POSTs: two locks for one door.
 */
import { FastifyReply, FastifyRequest } from "fastify";
import { foreignOriginReason } from "./cross-site";
import { parseHostPatterns } from "./allowed-hosts";
import { sendHardeningError } from "./error-body";

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Why a page POST is not from one of our pages, or undefined when it is. */
export function notSameOriginReason(patterns: ReturnType<typeof parseHostPatterns>, fetchSite: string | undefined, origin: string | undefined): string | undefined {
  if (fetchSite?.trim().toLowerCase() === "same-origin") return undefined;
  if (origin === undefined) return "it carries neither Sec-Fetch-Site: same-origin nor an Origin header";
  return foreignOriginReason(patterns, origin);
}

/**
 * An onRequest hook answering 403 CROSS_SITE_REQUEST to a POST on a route that `isPhonePage`
 * marks, unless the browser shows it came from this host's own page. `allowed` is the Host
 * allow-list. Throws at once when an entry is malformed.
 */
export function sameOriginPagesHook(allowed: readonly string[], isPhonePage: (request: FastifyRequest) => boolean): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const patterns = parseHostPatterns(allowed);
  return async (request, reply) => {
    if (request.method !== "POST" || !isPhonePage(request)) return undefined;
    const reason = notSameOriginReason(patterns, single(request.headers["sec-fetch-site"]), single(request.headers.origin));
    if (reason === undefined) return undefined;
    return sendHardeningError(reply, 403, "CROSS_SITE_REQUEST", `POST refused: ${reason}; the card pages accept posts only from their own pages`);
  };
}
