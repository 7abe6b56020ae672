import { randomBytes } from "node:crypto";
import { toHex } from "../../shared/hex";
import { isPurpose, Purpose } from "../../shared/protocol-constants";
import { ok, Result } from "../../shared/result";
import { DuplicateError, Store } from "../store/store";
import { can } from "./access/permissions";
import { canSee, Principal } from "./access/principal";
import { auditEntry } from "./audit-entry";
import { CoreError, failure, forbidden } from "./core-error";
import { isHexId, isSlug } from "./identifiers";
import { Merchant, Shop, Verifier } from "./model";
import { checkDisplayText } from "./text/safe-text";

/** The most a single tap may be worth: a merchant sets each verifier's quantity up to this. */
export const MAX_TAP_QUANTITY = 100;

export const NAME_MAX_LENGTH = 100;
export const LABEL_MAX_LENGTH = 64;

export async function insertOnce<T>(insert: () => Promise<void>, value: T): Promise<Result<T, CoreError>> {
  try {
    await insert();
    return ok(value);
  } catch (error) {
    if (error instanceof DuplicateError) return failure("DUPLICATE", error.message);
    throw error;
  }
}

/** A display name or label, refused with the field's name when it is not safe printable text. */
export function displayText(value: string, what: string, maxLength: number): Result<string, CoreError> {
  const checked = checkDisplayText(value, what, maxLength);
  return checked.ok ? ok(checked.value) : failure("INVALID_INPUT", checked.message);
}

export async function addMerchant(store: Store, principal: Principal, input: Merchant, now: number): Promise<Result<Merchant, CoreError>> {
  if (!can(principal, "merchant.create")) return forbidden("create merchants");
  if (!isSlug(input.id)) return failure("INVALID_INPUT", `merchant id "${input.id}" must be 1-40 of a-z, 0-9 and "-"`);
  const name = displayText(input.name, "merchant name", NAME_MAX_LENGTH);
  if (!name.ok) return name;
  const merchant = { id: input.id, name: name.value };
  return insertOnce(() => store.addMerchant(merchant, auditEntry(principal, now, merchant.id, "merchant.create", merchant.id, merchant)), merchant);
}

/** The merchant, if it exists and the principal may see it: otherwise NOT_FOUND, the same either way. */
export async function visibleMerchant(store: Store, principal: Principal, merchantId: string): Promise<Result<Merchant, CoreError>> {
  const merchant = await store.getMerchant(merchantId);
  if (merchant === undefined || !canSee(principal, merchant.id)) return failure("NOT_FOUND", `merchant ${merchantId} does not exist`);
  return ok(merchant);
}

/** The shop, if it exists and the principal may see it. */
export async function visibleShop(store: Store, principal: Principal, shopId: string): Promise<Result<Shop, CoreError>> {
  const shop = await store.getShop(shopId);
  if (shop === undefined || !canSee(principal, shop.merchantId)) return failure("NOT_FOUND", `shop ${shopId} does not exist`);
  return ok(shop);
}

/** The verifier and its shop, if the principal may see them (a counter station sees only itself). */
export async function visibleVerifier(store: Store, principal: Principal, verifierId: string): Promise<Result<{ verifier: Verifier; shop: Shop }, CoreError>> {
  const verifier = await store.getVerifier(verifierId);
  const shop = verifier && (await store.getShop(verifier.shopId));
  const hidden = principal.role === "counter-station" && principal.verifierId !== verifierId;
  if (verifier === undefined || shop === undefined || !canSee(principal, shop.merchantId) || hidden) {
    return failure("NOT_FOUND", `verifier ${verifierId} does not exist`);
  }
  return ok({ verifier: verifier, shop: shop });
}

export async function addShop(store: Store, principal: Principal, input: Shop, now: number): Promise<Result<Shop, CoreError>> {
  if (!can(principal, "shop.create")) return forbidden("create shops");
  if (!isSlug(input.id)) return failure("INVALID_INPUT", `shop id "${input.id}" must be 1-40 of a-z, 0-9 and "-"`);
  const name = displayText(input.name, "shop name", NAME_MAX_LENGTH);
  if (!name.ok) return name;
  const merchant = await visibleMerchant(store, principal, input.merchantId);
  if (!merchant.ok) return merchant;
  const shop = { id: input.id, merchantId: input.merchantId, name: name.value };
  return insertOnce(() => store.addShop(shop, auditEntry(principal, now, shop.merchantId, "shop.create", shop.id, shop)), shop);
}

/** What a tap at a verifier is worth: checked the same way when created and when changed. */
export interface TapValue {
  purpose: Purpose;
  quantity: number;
}

function checkTapValue(value: TapValue): Result<TapValue, CoreError> {
  if (!isPurpose(value.purpose)) return failure("INVALID_INPUT", `purpose ${value.purpose} is not known`);
  if (!Number.isInteger(value.quantity) || value.quantity < 1 || value.quantity > MAX_TAP_QUANTITY) {
    return failure("INVALID_INPUT", `quantity must be a whole number from 1 to ${MAX_TAP_QUANTITY}`);
  }
  return ok(value);
}

export interface NewVerifier extends TapValue {
  shopId: string;
  label: string;
  requirePresence: boolean;
  /** 16 hex digits; a random id is made when absent. */
  id?: string;
}

export async function addVerifier(store: Store, principal: Principal, input: NewVerifier, now: number): Promise<Result<Verifier, CoreError>> {
  if (!can(principal, "verifier.create")) return forbidden("create verifiers");
  const id = input.id ?? toHex(randomBytes(8));
  if (!isHexId(id)) return failure("INVALID_INPUT", `verifier id "${id}" must be 16 lower-case hex digits`);
  const label = displayText(input.label, "verifier label", LABEL_MAX_LENGTH);
  if (!label.ok) return label;
  const value = checkTapValue(input);
  if (!value.ok) return value;
  const shop = await visibleShop(store, principal, input.shopId);
  if (!shop.ok) return shop;
  const verifier: Verifier = { id: id, shopId: input.shopId, label: label.value, requirePresence: input.requirePresence, purpose: input.purpose, quantity: input.quantity };
  return insertOnce(() => store.addVerifier(verifier, auditEntry(principal, now, shop.value.merchantId, "verifier.create", id, verifier)), verifier);
}

export interface VerifierChanges {
  label?: string;
  requirePresence?: boolean;
  purpose?: Purpose;
  quantity?: number;
}

/** The merchant sets what a counter station's taps are worth; the station itself never can. */
export async function configureVerifier(store: Store, principal: Principal, id: string, changes: VerifierChanges, now: number): Promise<Result<Verifier, CoreError>> {
  if (!can(principal, "verifier.configure")) return forbidden("configure verifiers");
  const found = await visibleVerifier(store, principal, id);
  if (!found.ok) return found;
  const current = found.value.verifier;
  let label = current.label;
  if (changes.label !== undefined) {
    const checked = displayText(changes.label, "verifier label", LABEL_MAX_LENGTH);
    if (!checked.ok) return checked;
    label = checked.value;
  }
  const value = checkTapValue({ purpose: changes.purpose ?? current.purpose, quantity: changes.quantity ?? current.quantity });
  if (!value.ok) return value;
  const updated: Verifier = { ...current, label: label, requirePresence: changes.requirePresence ?? current.requirePresence, ...value.value };
  const audit = auditEntry(principal, now, found.value.shop.merchantId, "verifier.configure", id, { before: current, after: updated });
  if (!(await store.updateVerifier(updated, audit))) return failure("NOT_FOUND", `verifier ${id} does not exist`);
  return ok(updated);
}
