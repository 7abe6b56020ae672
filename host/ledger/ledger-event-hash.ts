import type { LedgerEvent } from "../core/model";
import { chainedHash } from "./chain-hash";

/**
 * The ledger event hash, version 2: the domain-tagged chain hash (chain-hash.ts) over every
 * field of the event, the challenge's issue time included (without it a stored tap's signature
 * could not be re-verified).
 */

export const LEDGER_HASH_TAG = "stamp-ledger/v2";

/** A ledger event as the store keeps it (LedgerEvent, whose purpose is a protocol byte). */
export type StoredEvent = LedgerEvent;

/**
 * A station tap's hash is exactly the one written before phone taps existed, so every event
 * already in a ledger keeps its hash; any other event (a phone tap, or a row whose transport,
 * origin or card was changed) also covers those three fields. The two forms hash arrays of
 * different lengths, so neither can be made to look like the other.
 */
function isStationForm(event: Omit<StoredEvent, "hash">): boolean {
  return event.transport === "station" && event.origin === "" && event.cardId === "";
}

export function ledgerEventHashV2(event: Omit<StoredEvent, "hash">): string {
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
    event.challengeIssuedAt,
    event.acceptedAt,
    event.response,
  ];
  return chainedHash(LEDGER_HASH_TAG, event.previousHash, isStationForm(event) ? fields : [...fields, event.transport, event.origin, event.cardId]);
}
