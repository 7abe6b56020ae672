import { randomBytes } from "node:crypto";
import { toHex } from "../../shared/hex";
import { PUBLIC_KEY_LENGTH, STAMP_ID_LENGTH } from "../../shared/protocol-constants";
import { err, ok, Result } from "../../shared/result";
import { checkRegistrablePublicKey } from "../crypto/ed25519-strict";
import { DuplicateError, Store } from "../store/store";
import { isHexId, isSlug, parseHexBytes } from "./identifiers";
import { Merchant, Shop, StampRecord, Verifier } from "./model";

export type RegistryErrorCode = "INVALID_INPUT" | "NOT_FOUND" | "DUPLICATE" | "WEAK_KEY";

export interface RegistryError {
  code: RegistryErrorCode;
  message: string;
}

function failure(code: RegistryErrorCode, message: string): { ok: false; error: RegistryError } {
  return err({ code: code, message: message });
}

async function insertOnce<T>(insert: () => Promise<void>, value: T): Promise<Result<T, RegistryError>> {
  try {
    await insert();
    return ok(value);
  } catch (error) {
    if (error instanceof DuplicateError) return failure("DUPLICATE", error.message);
    throw error;
  }
}

export async function addMerchant(store: Store, merchant: Merchant): Promise<Result<Merchant, RegistryError>> {
  if (!isSlug(merchant.id)) return failure("INVALID_INPUT", `merchant id "${merchant.id}" must be 1-40 of a-z, 0-9 and "-"`);
  if (merchant.name.trim() === "") return failure("INVALID_INPUT", "merchant name is empty");
  return insertOnce(() => store.addMerchant(merchant), merchant);
}

export async function addShop(store: Store, shop: Shop): Promise<Result<Shop, RegistryError>> {
  if (!isSlug(shop.id)) return failure("INVALID_INPUT", `shop id "${shop.id}" must be 1-40 of a-z, 0-9 and "-"`);
  if (shop.name.trim() === "") return failure("INVALID_INPUT", "shop name is empty");
  if ((await store.getMerchant(shop.merchantId)) === undefined) return failure("NOT_FOUND", `merchant ${shop.merchantId} does not exist`);
  return insertOnce(() => store.addShop(shop), shop);
}

export interface NewVerifier {
  shopId: string;
  label: string;
  requirePresence: boolean;
  /** 16 hex digits; a random id is made when absent. */
  id?: string;
}

export async function addVerifier(store: Store, input: NewVerifier): Promise<Result<Verifier, RegistryError>> {
  const id = input.id ?? toHex(randomBytes(8));
  if (!isHexId(id)) return failure("INVALID_INPUT", `verifier id "${id}" must be 16 lower-case hex digits`);
  if ((await store.getShop(input.shopId)) === undefined) return failure("NOT_FOUND", `shop ${input.shopId} does not exist`);
  const verifier: Verifier = { id: id, shopId: input.shopId, label: input.label, requirePresence: input.requirePresence };
  return insertOnce(() => store.addVerifier(verifier), verifier);
}

export interface NewStamp {
  publicKeyHex: string;
  label: string;
  merchantId: string;
  shopIds: string[];
  verifierIds: string[];
  /** Only from the flashing station, which checked it on the stamp (64 hex digits). */
  firmwareHash?: string;
}

/**
 * Registers a stamp's public key: refuses malformed, non-canonical, small-order and torsion
 * keys (R6), unknown or foreign shops and verifiers, and duplicates. The stamp id is the key's
 * first 8 bytes, as the stamp itself reports it.
 */
export async function registerStamp(store: Store, input: NewStamp, now: number): Promise<Result<StampRecord, RegistryError>> {
  const publicKey = parseHexBytes(input.publicKeyHex, PUBLIC_KEY_LENGTH);
  if (publicKey === undefined) return failure("INVALID_INPUT", "public key must be 64 hex digits (32 bytes)");
  const keyCheck = checkRegistrablePublicKey(publicKey);
  if (!keyCheck.ok) return failure("WEAK_KEY", `public key refused: ${keyCheck.reason}`);
  if (input.label.trim() === "") return failure("INVALID_INPUT", "stamp label is empty");
  if (input.firmwareHash !== undefined && !/^[0-9a-f]{64}$/.test(input.firmwareHash)) return failure("INVALID_INPUT", "firmware hash must be 64 lower-case hex digits");
  if ((await store.getMerchant(input.merchantId)) === undefined) return failure("NOT_FOUND", `merchant ${input.merchantId} does not exist`);
  if (input.shopIds.length === 0) return failure("INVALID_INPUT", "a stamp must be bound to at least one shop");
  for (const shopId of input.shopIds) {
    const shop = await store.getShop(shopId);
    if (shop === undefined) return failure("NOT_FOUND", `shop ${shopId} does not exist`);
    if (shop.merchantId !== input.merchantId) return failure("INVALID_INPUT", `shop ${shopId} belongs to another merchant`);
  }
  for (const verifierId of input.verifierIds) {
    const verifier = await store.getVerifier(verifierId);
    if (verifier === undefined) return failure("NOT_FOUND", `verifier ${verifierId} does not exist`);
    if (!input.shopIds.includes(verifier.shopId)) return failure("INVALID_INPUT", `verifier ${verifierId} is not in the stamp's shops`);
  }
  const stamp: StampRecord = {
    id: toHex(publicKey.subarray(0, STAMP_ID_LENGTH)),
    publicKey: publicKey,
    label: input.label,
    merchantId: input.merchantId,
    shopIds: [...new Set(input.shopIds)],
    verifierIds: [...new Set(input.verifierIds)],
    status: "active",
    lastCounter: 0,
    registeredAt: now,
    firmwareHash: input.firmwareHash,
  };
  return insertOnce(() => store.addStamp(stamp), stamp);
}

/** Revocation takes effect at once for every verifier sharing the store (R7). */
export async function revokeStamp(store: Store, stampId: string): Promise<Result<StampRecord, RegistryError>> {
  if (!isHexId(stampId)) return failure("INVALID_INPUT", `stamp id "${stampId}" must be 16 lower-case hex digits`);
  if (!(await store.setStampStatus(stampId, "revoked"))) return failure("NOT_FOUND", `stamp ${stampId} is not registered`);
  const stamp = await store.getStamp(stampId);
  return stamp === undefined ? failure("NOT_FOUND", `stamp ${stampId} is not registered`) : ok(stamp);
}
