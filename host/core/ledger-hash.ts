import { createHash } from "node:crypto";
import { LedgerEvent } from "./model";

/** The hash that opens the chain. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * An event's hash covers its previous event's hash and every field, in a fixed order, so
 * changing, removing or reordering any recorded tap breaks every hash after it.
 */
export function ledgerEventHash(event: Omit<LedgerEvent, "hash">): string {
  const fields = [
    event.sequence,
    event.stampId,
    event.counter,
    event.verifierId,
    event.shopId,
    event.merchantId,
    event.purpose,
    event.quantity,
    event.nonce,
    event.acceptedAt,
    event.response,
  ];
  return createHash("sha256").update(event.previousHash).update(JSON.stringify(fields)).digest("hex");
}
