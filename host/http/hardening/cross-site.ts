/**
 * Refuses state-changing requests that a browser says come from another site. A cross-site page can
 * make a browser send a "simple" POST (a form, or fetch with mode: "no-cors") to this API without any
 * CORS preflight. Such a request cannot carry an Authorization or signature header, so the API's own
 * authentication already refuses it; this hook is defence in depth for any route that is, or later
 * becomes, reachable without one, and it refuses before the body is parsed.
 *
 * Browsers label requests: `Sec-Fetch-Site` (cross-site, same-site, same-origin, none) and `Origin`.
 * same-site is refused too: another port on the same host, or a sibling subdomain, is another
 * application. Clients that send neither header (the CLI, stations, curl) are not browsers and pass.
 */
import { FastifyReply, FastifyRequest } from "fastify";
import { HostPattern, isHostAllowed, parseHostPatterns } from "./allowed-hosts";
import { sendHardeningError } from "./error-body";

const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const REFUSED_FETCH_SITES: ReadonlySet<string> = new Set(["cross-site", "same-site"]);
const DEFAULT_PORTS: Readonly<Record<string, number>> = { "http:": 80, "https:": 443 };

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

/** Why an Origin header is not one of ours, or undefined when it is. */
export function foreignOriginReason(patterns: readonly HostPattern[], origin: string): string | undefined {
  if (origin === "null") return 'its Origin is "null" (a sandboxed frame, a local file or a cross-site redirect)';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `its Origin "${origin}" is not a valid origin`;
  }
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined) return `its Origin "${origin}" is not an http or https page`;
  const port = url.port === "" ? defaultPort : Number(url.port);
  return isHostAllowed(patterns, url.hostname, port) ? undefined : `its Origin "${origin}" is not this server`;
}

/** Why a request must be refused as cross-site, or undefined when it may go on. */
export function crossSiteReason(patterns: readonly HostPattern[], method: string, fetchSite: string | undefined, origin: string | undefined): string | undefined {
  if (!STATE_CHANGING_METHODS.has(method)) return undefined;
  const site = fetchSite?.trim().toLowerCase();
  if (site !== undefined && REFUSED_FETCH_SITES.has(site)) return `the browser marked it Sec-Fetch-Site: ${site}`;
  return origin === undefined ? undefined : foreignOriginReason(patterns, origin);
}

/**
 * An onRequest hook answering 403 CROSS_SITE_REQUEST to a POST, PUT, PATCH or DELETE that a browser
 * sent from another site. `allowed` is the same list as for allowedHostsHook. Throws at once when an
 * entry is malformed.
 */
export function crossSiteHook(allowed: readonly string[]): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const patterns = parseHostPatterns(allowed);
  return async (request, reply) => {
    const reason = crossSiteReason(patterns, request.method, headerValue(request.headers["sec-fetch-site"]), headerValue(request.headers.origin));
    if (reason === undefined) return undefined;
    return sendHardeningError(reply, 403, "CROSS_SITE_REQUEST", `${request.method} refused: ${reason}; state-changing requests are accepted only from this server's own pages or from non-browser clients`);
  };
}
