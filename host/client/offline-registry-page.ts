/**
 * A page of GET /v1/stations/registry as the station reads it: decoded whole or refused with
 * the field that is wrong. The same decoder reads the copy back from the station's own file, so
 * a damaged file is a clear error, never a registry with holes.
 */
import { isHexId, parseHexBytes } from "../core/identifiers";
import { SnapshotStamp } from "../core/offline/registry-snapshot";
import { StampStatus, Verifier } from "../core/model";
import { err, ok, Result } from "../../shared/result";
import { PURPOSE_NAMES, purposeFromName, PurposeName } from "../http/purpose-names";

export interface RegistryPage {
  asOf: number;
  verifier: Verifier;
  shopName: string;
  stamps: SnapshotStamp[];
  next: string | undefined;
}

/** Which field of the page is wrong, and how. */
export interface RegistryPageError {
  field: string;
  detail: string;
}

type Fields = Record<string, unknown>;

function wrong(field: string, detail: string): { ok: false; error: RegistryPageError } {
  return err({ field: field, detail: detail });
}

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isCount(value: unknown, least: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= least;
}

const STATUSES: readonly StampStatus[] = ["active", "quarantined", "revoked"];

function isStatus(value: unknown): value is StampStatus {
  return typeof value === "string" && (STATUSES as readonly string[]).includes(value);
}

function isPurposeName(value: unknown): value is PurposeName {
  return typeof value === "string" && (PURPOSE_NAMES as readonly string[]).includes(value);
}

function decodeVerifier(value: unknown): Result<Verifier, RegistryPageError> {
  if (!isObject(value)) return wrong("verifier", "is not an object");
  const { id, shopId, label, requirePresence, purpose, quantity } = value;
  if (typeof id !== "string" || !isHexId(id)) return wrong("verifier.id", "is not a verifier id");
  if (typeof shopId !== "string") return wrong("verifier.shopId", "is missing");
  if (typeof label !== "string") return wrong("verifier.label", "is missing");
  if (typeof requirePresence !== "boolean") return wrong("verifier.requirePresence", "is not true or false");
  if (!isPurposeName(purpose)) return wrong("verifier.purpose", "is unknown");
  if (!isCount(quantity, 1)) return wrong("verifier.quantity", "is not a positive whole number");
  return ok({ id: id, shopId: shopId, label: label, requirePresence: requirePresence, purpose: purposeFromName(purpose), quantity: quantity });
}

function decodeStamp(value: unknown, at: string): Result<SnapshotStamp, RegistryPageError> {
  if (!isObject(value)) return wrong(at, "is not an object");
  const { id, publicKey, label, shopIds, verifierIds, status, lastCounter } = value;
  const key = typeof publicKey === "string" ? parseHexBytes(publicKey, 32) : undefined;
  if (typeof id !== "string" || !isHexId(id)) return wrong(`${at}.id`, "is not a stamp id");
  if (key === undefined) return wrong(`${at}.publicKey`, "is not 32 bytes of hex");
  if (typeof label !== "string") return wrong(`${at}.label`, "is missing");
  if (!isStrings(shopIds) || !isStrings(verifierIds)) return wrong(`${at}.shopIds`, "the bindings are not lists of ids");
  if (!isStatus(status)) return wrong(`${at}.status`, "is unknown");
  if (!isCount(lastCounter, 0)) return wrong(`${at}.lastCounter`, "is not a counter");
  return ok({ id: id, publicKey: key, label: label, shopIds: shopIds, verifierIds: verifierIds, status: status, lastCounter: lastCounter });
}

export function decodeRegistryPage(body: unknown): Result<RegistryPage, RegistryPageError> {
  if (!isObject(body)) return wrong("", "the registry page is not an object");
  const asOf = typeof body.asOf === "string" ? Date.parse(body.asOf) : NaN;
  if (!Number.isFinite(asOf)) return wrong("asOf", "is not a time");
  if (typeof body.shopName !== "string") return wrong("shopName", "is missing");
  if (body.next !== null && typeof body.next !== "string") return wrong("next", "is neither a cursor nor null");
  const verifier = decodeVerifier(body.verifier);
  if (!verifier.ok) return verifier;
  if (!Array.isArray(body.stamps)) return wrong("stamps", "is not a list");
  const stamps: SnapshotStamp[] = [];
  for (const [index, item] of body.stamps.entries()) {
    const stamp = decodeStamp(item, `stamps[${index}]`);
    if (!stamp.ok) return stamp;
    stamps.push(stamp.value);
  }
  return ok({ asOf: asOf, verifier: verifier.value, shopName: body.shopName, stamps: stamps, next: body.next ?? undefined });
}

/** The error in words, for a log line. */
export function registryPageErrorText(error: RegistryPageError): string {
  return error.field === "" ? error.detail : `${error.field} ${error.detail}`;
}
