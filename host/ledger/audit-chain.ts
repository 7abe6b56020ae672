import type { AuditEntry } from "../core/model";
import { chainedHash, GENESIS } from "./chain-hash";

/**
 * The audit chain: what the ledger of accepted taps does not show. Status changes (revoke,
 * quarantine, reinstate), counter changes, alerts and every administrative action are appended
 * here, hash-chained like the ledger and covered by the same signed checkpoints, so a row
 * changed, removed or rewritten after a checkpoint is found by the evidence check.
 */

export { GENESIS };

/** Domain tag of the audit hash: an audit entry's hash can never be taken for a ledger event's. */
export const AUDIT_HASH_TAG = "stamp-audit/v1";

export type { AuditEntry };

export type AuditFields = Omit<AuditEntry, "sequence" | "previousHash" | "hash">;

export function auditEntryHash(entry: Omit<AuditEntry, "hash">): string {
  return chainedHash(AUDIT_HASH_TAG, entry.previousHash, [
    entry.sequence,
    entry.at,
    entry.actor,
    entry.merchantId,
    entry.action,
    entry.subject,
    entry.detail,
  ]);
}

/** The entry that follows `previous` (undefined: the chain is empty). */
export function nextAuditEntry(previous: Pick<AuditEntry, "sequence" | "hash"> | undefined, fields: AuditFields): AuditEntry {
  const unhashed = {
    sequence: previous === undefined ? 1 : previous.sequence + 1,
    at: fields.at,
    actor: fields.actor,
    merchantId: fields.merchantId,
    action: fields.action,
    subject: fields.subject,
    detail: fields.detail,
    previousHash: previous === undefined ? GENESIS : previous.hash,
  };
  return { ...unhashed, hash: auditEntryHash(unhashed) };
}
