/**
 * What each principal may read, scoped in the core: lists are pages in SQL (never everything
 * loaded and sliced), and another merchant's objects are simply not there.
 */
import { ok, Result } from "../../shared/result";
import { EventFilter, HistoryPage, IdPage, Store } from "../store/store";
import { Action, can } from "./access/permissions";
import { merchantOf, Principal } from "./access/principal";
import { CoreError, forbidden } from "./core-error";
import { ApprovedFirmware, AuditEntry, CredentialRecord, Merchant, NamedAlert, NamedEvent, Shop, StampRecord, Verifier } from "./model";
import { visibleVerifier } from "./registry";

/** The merchant a merchant-scoped read is about: the principal's own. */
function scopedMerchant(principal: Principal, action: Action, what: string): Result<string, CoreError> {
  const merchantId = merchantOf(principal);
  if (!can(principal, action) || merchantId === undefined) return forbidden(`read ${what}`);
  return ok(merchantId);
}

export async function listMerchants(store: Store, principal: Principal, page: IdPage): Promise<Result<Merchant[], CoreError>> {
  if (!can(principal, "merchant.read")) return forbidden("read merchants");
  return ok(await store.listMerchants(merchantOf(principal), page));
}

export async function listShops(store: Store, principal: Principal, page: IdPage): Promise<Result<Shop[], CoreError>> {
  const merchantId = scopedMerchant(principal, "shop.read", "shops");
  return merchantId.ok ? ok(await store.listShops(merchantId.value, page)) : merchantId;
}

/** A counter station sees only its own verifier (its configuration: what its taps are worth). */
export async function listVerifiers(store: Store, principal: Principal, page: IdPage): Promise<Result<Verifier[], CoreError>> {
  if (principal.role === "counter-station") {
    const own = await visibleVerifier(store, principal, principal.verifierId);
    return ok(own.ok && (page.after === undefined || own.value.verifier.id > page.after) ? [own.value.verifier] : []);
  }
  const merchantId = scopedMerchant(principal, "verifier.read", "verifiers");
  return merchantId.ok ? ok(await store.listVerifiers(merchantId.value, page)) : merchantId;
}

/** The principal's merchant's stamps; with `label`, the one stamp so labelled (labels are stored NFC-normalised). */
export async function listStamps(store: Store, principal: Principal, page: IdPage & { label?: string }): Promise<Result<StampRecord[], CoreError>> {
  const merchantId = scopedMerchant(principal, "stamp.read", "stamps");
  const label = page.label?.normalize("NFC");
  return merchantId.ok ? ok(await store.listStamps(merchantId.value, { ...page, label: label })) : merchantId;
}

export async function listEvents(store: Store, principal: Principal, filter: Omit<EventFilter, "merchantId">): Promise<Result<NamedEvent[], CoreError>> {
  const merchantId = scopedMerchant(principal, "event.read", "events");
  return merchantId.ok ? ok(await store.listEvents({ ...filter, merchantId: merchantId.value })) : merchantId;
}

export async function listAlerts(store: Store, principal: Principal, page: HistoryPage): Promise<Result<NamedAlert[], CoreError>> {
  const merchantId = scopedMerchant(principal, "alert.read", "alerts");
  return merchantId.ok ? ok(await store.listAlerts(merchantId.value, page)) : merchantId;
}

/** The operator reads the whole audit chain; an owner or auditor their merchant's entries. */
export async function listAudit(store: Store, principal: Principal, page: HistoryPage): Promise<Result<AuditEntry[], CoreError>> {
  if (!can(principal, "audit.read")) return forbidden("read the audit chain");
  return ok(await store.listAudit(merchantOf(principal), page));
}

export async function listCredentials(store: Store, principal: Principal, page: IdPage): Promise<Result<CredentialRecord[], CoreError>> {
  if (!can(principal, "credential.read")) return forbidden("read credentials");
  return ok(await store.listCredentials(merchantOf(principal), page));
}

export async function listFirmware(store: Store, principal: Principal): Promise<Result<ApprovedFirmware[], CoreError>> {
  if (!can(principal, "firmware.read")) return forbidden("read approved firmware");
  return ok(await store.listFirmware());
}
