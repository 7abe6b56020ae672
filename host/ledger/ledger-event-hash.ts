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
 * already in a ledger keeps its hash; any other event (a phone tap, a counter tap credited to a
 * card, or a row whose transport, origin or card was changed) also covers those three fields,
 * and an event with a receipt covers its order, amount and currency after them. The three forms
 * hash arrays of different lengths (12, 15, 18), so none can be made to look like another.
 */
function isStationForm(event: Omit<StoredEvent, "hash">): boolean {
  return event.transport === "station" && event.origin === "" && event.cardId === "" && event.receipt === undefined;
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
  if (isStationForm(event)) return chainedHash(LEDGER_HASH_TAG, event.previousHash, fields);
  const withCard = [...fields, event.transport, event.origin, event.cardId];
  const receipt = event.receipt;
  return chainedHash(LEDGER_HASH_TAG, event.previousHash, receipt === undefined ? withCard : [...withCard, receipt.orderRef, receipt.amount, receipt.currency]);
}
