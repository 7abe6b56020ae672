import { createHash } from "node:crypto";

/**
 * The one hashing rule of both evidence chains (the ledger of accepted taps and the audit chain):
 * SHA-256, hex, over the JSON text of the array [domain tag, previous hash, ...fields].
 *
 * JSON of an array of strings, integers and nulls is injective, so two different (tag, link,
 * fields) never hash the same bytes; the domain tag keeps a ledger event's hash from ever being
 * taken for an audit entry's, and names the rule's version.
 */

/** The previous hash of the first entry of either chain. */
export const GENESIS = "0".repeat(64);

export type HashedField = string | number | null;

export function chainedHash(domainTag: string, previousHash: string, fields: readonly HashedField[]): string {
  return createHash("sha256").update(JSON.stringify([domainTag, previousHash, ...fields])).digest("hex");
}
