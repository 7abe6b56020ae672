/**
 * A merchant sets where a shop is, for the travel rule (travel-rule.ts). The location is the
 * merchant's own data about its own shop: it can only make the rule stricter or looser for that
 * merchant's stamps, so an owner or manager sets it, and every change is in the audit chain.
 */
import { ok, Result } from "../../shared/result";
import { Store } from "../store/store";
import { can } from "./access/permissions";
import { Principal } from "./access/principal";
import { auditEntry } from "./audit-entry";
import { CoreError, failure, forbidden } from "./core-error";
import { GeoPoint, Shop } from "./model";
import { visibleShop } from "./registry";

function inRange(value: number, limit: number): boolean {
  return Number.isFinite(value) && value >= -limit && value <= limit;
}

/** Latitude −90…90 and longitude −180…180, finite: anything else is INVALID_INPUT, never stored. */
export function checkGeoPoint(point: GeoPoint): Result<GeoPoint, CoreError> {
  if (!inRange(point.latitude, 90)) return failure("INVALID_INPUT", `latitude ${point.latitude} must be a number from -90 to 90`);
  if (!inRange(point.longitude, 180)) return failure("INVALID_INPUT", `longitude ${point.longitude} must be a number from -180 to 180`);
  return ok({ latitude: point.latitude, longitude: point.longitude });
}

/** Sets the shop's location, or clears it (undefined: the travel rule is then off for taps there). */
export async function setShopLocation(store: Store, principal: Principal, shopId: string, location: GeoPoint | undefined, now: number): Promise<Result<Shop, CoreError>> {
  if (!can(principal, "shop.configure")) return forbidden("configure shops");
  const found = await visibleShop(store, principal, shopId);
  if (!found.ok) return found;
  const checked = location === undefined ? ok(undefined) : checkGeoPoint(location);
  if (!checked.ok) return checked;
  const { location: before, ...rest } = found.value;
  const updated: Shop = checked.value === undefined ? rest : { ...rest, location: checked.value };
  const audit = auditEntry(principal, now, found.value.merchantId, "shop.locate", shopId, { before: before ?? null, after: checked.value ?? null });
  if (!(await store.setShopLocation(shopId, checked.value, audit))) return failure("NOT_FOUND", `shop ${shopId} does not exist`);
  return ok(updated);
}
