/**
 * Which database (shard) holds a merchant, when merchants are spread over several whole
 * databases, each with the store's own schema (docs/scale.md, "Beyond one database server").
 *
 * Every rule the tap path rests on (one accepted response per challenge, one signature per
 * stamp and counter, a counter that only rises, a revocation seen at the next tap) is about one
 * stamp, and a stamp belongs to one merchant: so if all of a merchant's rows live on one shard,
 * every rule is checked by that shard's database alone, as on a single database.
 *
 * Placement is rendezvous (highest random weight) hashing: each shard scores the merchant with
 * SHA-256 over the shard's name and the merchant's id, and the highest score wins. Why this
 * rather than `hash(merchant) mod N`:
 * - it needs no table: any process that knows the list of shard names places a merchant the
 *   same way, with nothing to keep in step;
 * - adding a shard moves only the merchants the new shard now wins (about 1/(N+1) of them), and
 *   every one of them moves *to* the new shard; removing a shard moves only its own merchants.
 *   With `mod N`, adding one shard would move most merchants, each a copy of all its rows.
 * The order of the list does not matter, only the names in it.
 *
 * This decides where a new merchant goes (and what a rebalancing would move); a deployment then
 * records the answer, so that a merchant stays put until its rows are deliberately moved.
 */
import { createHash } from "node:crypto";

/** The first 8 bytes of SHA-256 over the two names, each prefixed with its length (so "ab"+"c" and "a"+"bc" differ). */
function score(shard: string, merchantId: string): bigint {
  const hash = createHash("sha256");
  for (const part of [shard, merchantId]) {
    const bytes = Buffer.from(part, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  }
  return hash.digest().readBigUInt64BE(0);
}

/**
 * The shard (one of `shards`, by name) that holds `merchantId`. Throws on an empty list or a
 * name listed twice: both are mistakes in a deployment's configuration, not data.
 */
export function placeMerchant(merchantId: string, shards: readonly string[]): string {
  if (shards.length === 0) throw new RangeError("no shards to place a merchant on");
  if (new Set(shards).size !== shards.length) throw new RangeError("a shard is listed twice");
  let best = shards[0];
  let bestScore = score(best, merchantId);
  for (const shard of shards.slice(1)) {
    const s = score(shard, merchantId);
    // A tie (2^-64 per pair) goes to the smaller name, so the list's order never matters.
    if (s > bestScore || (s === bestScore && shard < best)) {
      best = shard;
      bestScore = s;
    }
  }
  return best;
}
