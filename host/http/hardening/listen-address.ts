/**
 * What kind of address `stamp serve --host` names. Decided from the text alone, without DNS: a name
 * other than "localhost" is never taken for loopback, since it may resolve to a shop-network address.
 */
import { BlockList, isIP } from "node:net";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

const WILDCARD = new BlockList();
WILDCARD.addAddress("0.0.0.0", "ipv4");
WILDCARD.addAddress("::", "ipv6");

/** "[::1]" -> "::1"; anything else unchanged. */
export function withoutBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** "::1" -> "[::1]", the form an IPv6 address takes in a Host header or a URL; anything else lower-cased. */
export function hostForHeader(host: string): string {
  const bare = withoutBrackets(host).toLowerCase();
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

function inList(list: BlockList, host: string): boolean {
  const bare = withoutBrackets(host);
  const family = isIP(bare);
  // BlockList also matches IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) against the IPv4 rules.
  return family !== 0 && list.check(bare, family === 4 ? "ipv4" : "ipv6");
}

/** 127.0.0.0/8, ::1 (in any spelling, bracketed or not, IPv4-mapped too) and the name "localhost". */
export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === "localhost" || inList(LOOPBACK, host);
}

/** 0.0.0.0 and :: (every interface), and the empty host, which Node also reads as every interface. */
export function isWildcardHost(host: string): boolean {
  return host === "" || inList(WILDCARD, host);
}
