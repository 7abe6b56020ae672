/**
 * DNS rebinding: a web page on evil.example, once its name is re-pointed at 127.0.0.1 or at the shop
 * PC, reaches this API from the victim's browser as if it were same-origin, and can read the answers.
 * The browser still sends "Host: evil.example", so refusing every Host that is not one of our own
 * names stops it. Entries are "name" (any port) or "name:port"; names compare case-insensitively;
 * IPv6 addresses are written in brackets ("[::1]", "[::1]:8080"), bare ones are accepted too.
 */
import { FastifyReply, FastifyRequest } from "fastify";
import { isIP } from "node:net";
import { err, ok, Result } from "../../../shared/result";
import { sendHardeningError } from "./error-body";
import { hostForHeader, isWildcardHost } from "./listen-address";

export interface HostPattern {
  /** Lower case; IPv6 in brackets. */
  name: string;
  /** undefined: any port. */
  port: number | undefined;
}

const HOST_AND_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/;

/** "Name:8080" -> { name: "name", port: 8080 }; "name" -> { name, port: undefined }; "::1" -> "[::1]". */
export function parseHostPattern(entry: string): Result<HostPattern, string> {
  const lower = entry.trim().toLowerCase();
  const text = isIP(lower) === 6 ? `[${lower}]` : lower;
  const match = HOST_AND_PORT.exec(text);
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  if (match === null || (port !== undefined && (port < 1 || port > 65535))) {
    return err(`"${entry}" is not a host name or address with an optional port, e.g. "shop-pc.local", "192.168.1.20:8080" or "[::1]"`);
  }
  if (match[1].startsWith("[") && isIP(match[1].slice(1, -1)) !== 6) return err(`"${entry}" has brackets around something that is not an IPv6 address`);
  return ok({ name: match[1], port: port });
}

/** Parses every entry, throwing on the first bad one: a bad list is a start-up mistake, not a request's. */
export function parseHostPatterns(entries: readonly string[]): HostPattern[] {
  return entries.map((entry) => {
    const parsed = parseHostPattern(entry);
    if (!parsed.ok) throw new Error(`allowed hosts: ${parsed.error}`);
    return parsed.value;
  });
}

export function isHostAllowed(patterns: readonly HostPattern[], name: string, port: number): boolean {
  const lower = name.toLowerCase();
  return patterns.some((pattern) => pattern.name === lower && (pattern.port === undefined || pattern.port === port));
}

/** The port a client means when its Host header names none: the scheme's default. */
function defaultPortOf(request: FastifyRequest): number {
  return "encrypted" in request.raw.socket ? 443 : 80;
}

/** Whether a Host header value names one of ours; a missing or malformed header does not. */
export function isHostHeaderAllowed(patterns: readonly HostPattern[], hostHeader: string | undefined, defaultPort: number): boolean {
  if (hostHeader === undefined) return false;
  const parsed = parseHostPattern(hostHeader);
  return parsed.ok && isHostAllowed(patterns, parsed.value.name, parsed.value.port ?? defaultPort);
}

/**
 * An onRequest hook answering 421 MISDIRECTED_REQUEST to a request whose Host header is not allowed.
 * It reads the raw Host header, never X-Forwarded-Host, whatever trustProxy says.
 * Throws at once when an entry is malformed.
 */
export function allowedHostsHook(allowed: readonly string[]): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const patterns = parseHostPatterns(allowed);
  return async (request, reply) => {
    const hostHeader = request.headers.host;
    if (isHostHeaderAllowed(patterns, hostHeader, defaultPortOf(request))) return undefined;
    const named = hostHeader === undefined ? "the request has no Host header" : `the Host header "${hostHeader}" is not a name of this server`;
    return sendHardeningError(reply, 421, "MISDIRECTED_REQUEST", `${named}: this server answers only to the host names it was configured with`);
  };
}

/**
 * The loopback names (localhost, 127.0.0.1, [::1]), the listen address unless it is a wildcard
 * (0.0.0.0, ::; then the shop-network names must come in `extra`), and `extra` as given.
 * With a port other than 0 the generated entries are pinned to it; port 0 (any free port) leaves them open.
 */
export function defaultAllowedHosts(listenHost: string, port: number, extra: readonly string[]): string[] {
  const names = ["localhost", "127.0.0.1", "[::1]"];
  const listenName = hostForHeader(listenHost);
  if (!isWildcardHost(listenHost) && !names.includes(listenName)) names.push(listenName);
  const suffix = port === 0 ? "" : `:${port}`;
  return [...names.map((name) => `${name}${suffix}`), ...extra];
}
