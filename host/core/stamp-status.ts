import { ok, Result } from "../../shared/result";
import { Store } from "../store/store";
import { can } from "./access/permissions";
import { canSee, Principal } from "./access/principal";
import { auditEntry } from "./audit-entry";
import { CoreError, failure, forbidden } from "./core-error";
import { isHexId } from "./identifiers";
import { StampRecord } from "./model";
import { displayText } from "./registry";

/** The stamp, if it exists and the principal may see it: otherwise NOT_FOUND, the same either way. */
export async function visibleStamp(store: Store, principal: Principal, stampId: string): Promise<Result<StampRecord, CoreError>> {
  if (!isHexId(stampId)) return failure("INVALID_INPUT", `stamp id "${stampId}" must be 16 lower-case hex digits`);
  const stamp = await store.getStamp(stampId);
  if (stamp === undefined || !canSee(principal, stamp.merchantId)) return failure("NOT_FOUND", `stamp ${stampId} is not registered`);
  return ok(stamp);
}

/** Revocation takes effect at once for every verifier sharing the store (R7), and is final. */
export async function revokeStamp(store: Store, principal: Principal, stampId: string, now: number, reason?: string): Promise<Result<StampRecord, CoreError>> {
  if (!can(principal, "stamp.revoke")) return forbidden("revoke stamps");
  const why = reason === undefined ? undefined : displayText(reason, "reason", 500);
  if (why !== undefined && !why.ok) return why;
  const found = await visibleStamp(store, principal, stampId);
  if (!found.ok) return found;
  if (found.value.status === "revoked") return ok(found.value);
  const audit = auditEntry(principal, now, found.value.merchantId, "stamp.revoke", stampId, why === undefined ? { from: found.value.status } : { from: found.value.status, reason: why.value });
  await store.setStampStatus(stampId, ["active", "quarantined"], "revoked", audit);
  return visibleStamp(store, principal, stampId);
}

/**
 * Puts a quarantined stamp back in service, with the owner's reason in the audit chain. Its
 * counter stays where it is: whatever the quarantine was about, old signatures stay spent.
 */
export async function reinstateStamp(store: Store, principal: Principal, stampId: string, reason: string, now: number): Promise<Result<StampRecord, CoreError>> {
  if (!can(principal, "stamp.reinstate")) return forbidden("reinstate stamps");
  const why = displayText(reason, "reason", 500);
  if (!why.ok) return why;
  const found = await visibleStamp(store, principal, stampId);
  if (!found.ok) return found;
  const audit = auditEntry(principal, now, found.value.merchantId, "stamp.reinstate", stampId, { reason: why.value, counter: found.value.lastCounter });
  if (!(await store.setStampStatus(stampId, ["quarantined"], "active", audit))) {
    return failure("CONFLICT", `stamp ${stampId} is ${found.value.status}: only a quarantined stamp can be reinstated`);
  }
  return visibleStamp(store, principal, stampId);
}
