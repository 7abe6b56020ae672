/**
 * The travel rule (R5, "the same stamp at two shops faster than physically possible"): pure.
 *
 * A stamp is one physical object. If its last accepted tap was at shop A and it now answers at
 * shop B sooner than anyone could carry it from A to B, then either a second device holds its
 * key (a clone) or its replies are being relayed from where it really is. Both are refused.
 *
 * What is known: each shop's location, set by its merchant (optional: a shop without one never
 * triggers the rule, nor does a pair of taps at the same shop); the stamp's last accepted tap
 * from the ledger. What is assumed: a stamp travels at most MAX_TRAVEL_SPEED_KMH door to door.
 */
import { GeoPoint, LastAcceptedTap, Shop } from "./model";

/**
 * The fastest a stamp plausibly goes from one shop's counter to another's, door to door: a
 * high-speed train (KTX, 300 km/h). A flight is slower door to door over any distance between
 * two shops in one country (airport, security, boarding), so this never refuses a real trip;
 * it errs on the side of letting a clone through rather than refusing a genuine stamp.
 */
export const MAX_TRAVEL_SPEED_KMH = 300;

/** Mean Earth radius (IUGG), km: the haversine distance is within 0.5 % of the ellipsoid's, far inside the rule's margin. */
const EARTH_RADIUS_KM = 6371.0088;

function radians(degrees: number): number {
  return (degrees * Math.PI) / 180;
}

/** Great-circle distance in km between two points (haversine). */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The shortest plausible time (ms) to carry a stamp between two points. */
export function minimumTravelMs(from: GeoPoint, to: GeoPoint): number {
  return Math.ceil((distanceKm(from, to) / MAX_TRAVEL_SPEED_KMH) * 3_600_000);
}

/** Why a tap is physically impossible, for the verdict and the alert. */
export interface ImpossibleTravel {
  fromShopId: string;
  distanceKm: number;
  elapsedMs: number;
  minimumMs: number;
}

/**
 * Whether a tap at `shop` at `now` comes too soon after the stamp's last accepted tap. Undefined
 * (allowed) when there is no earlier tap, it was at this shop, or either shop has no location.
 * A last tap timed after `now` (another host's clock, an offline upload) counts as simultaneous.
 */
export function impossibleTravel(last: LastAcceptedTap | undefined, shop: Pick<Shop, "id" | "location">, now: number): ImpossibleTravel | undefined {
  if (last === undefined || last.shopId === shop.id || last.location === undefined || shop.location === undefined) return undefined;
  const minimumMs = minimumTravelMs(last.location, shop.location);
  const elapsedMs = Math.max(0, now - last.at);
  if (elapsedMs >= minimumMs) return undefined;
  return { fromShopId: last.shopId, distanceKm: distanceKm(last.location, shop.location), elapsedMs: elapsedMs, minimumMs: minimumMs };
}

/** The owner-facing words for a refusal: "43.2 km from shop-a in 12 s; the trip takes at least 9 min". */
export function describeTravel(t: ImpossibleTravel): string {
  const km = t.distanceKm.toFixed(1);
  return `${km} km from ${t.fromShopId} in ${Math.round(t.elapsedMs / 1000)} s; the trip takes at least ${Math.ceil(t.minimumMs / 60_000)} min`;
}
