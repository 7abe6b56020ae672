import type { LedgerEvent } from "../core/model";
import { chainedHash } from "./chain-hash";

/**
 * The ledger event hash, version 2: the domain-tagged chain hash (chain-hash.ts) over every
 * field of the event. host/core/ledger-hash.ts (version 1, as committed) leaves out the
 * challenge's issue time, without which a stored tap's signature cannot be re-verified, and has
 * no domain tag; the store will switch to this hash.
 */

export const LEDGER_HASH_TAG = "stamp-ledger/v2";

/**
 * One accepted tap as the store keeps it: host/core/model.ts LedgerEvent plus the challenge's
 * issue time. Declared here, field for field, so the checker does not depend on that model;
 * `purpose` is a plain number because a tampered row may hold any number.
 */
/** A ledger event as the store keeps it (LedgerEvent, whose purpose is a protocol byte). */
export type StoredEvent = LedgerEvent;

export function ledgerEventHashV2(event: Omit<StoredEvent, "hash">): string {
  return chainedHash(LEDGER_HASH_TAG, event.previousHash, [
    event.sequence,
    event.stampId,
    event.counter,
    event.verifierId,
    event.shopId,
    event.merchantId,
    event.purpose,
    event.quantity,
    event.nonce,
    event.challengeIssuedAt,
    event.acceptedAt,
    event.response,
  ]);
}
