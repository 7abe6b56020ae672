/**
 * A shop's row as both stores read it (latitude and longitude are columns of their own, both
 * set or both NULL), and the travel rule's "last tap" row: one mapping for SQLite and PostgreSQL.
 */
import { GeoPoint, LastAcceptedTap, Shop } from "../core/model";

export interface ShopRow {
  id: string;
  merchant_id: string;
  name: string;
  latitude: number | null;
  longitude: number | null;
}

export interface LastTapRow {
  shop_id: string;
  accepted_at: number;
  latitude: number | null;
  longitude: number | null;
}

/** The columns a shop is read with, for a table aliased (or not) as given. */
export const SHOP_COLUMNS = "id, merchant_id, name, latitude, longitude";

function locationOf(latitude: number | null, longitude: number | null): GeoPoint | undefined {
  return latitude === null || longitude === null ? undefined : { latitude: latitude, longitude: longitude };
}

/** A shop from its row; `location` is left out (not set to undefined) when there is none, so shops compare as before. */
export function shopFromRow(row: ShopRow): Shop {
  const location = locationOf(row.latitude, row.longitude);
  const shop: Shop = { id: row.id, merchantId: row.merchant_id, name: row.name };
  return location === undefined ? shop : { ...shop, location: location };
}

export function lastTapFromRow(row: LastTapRow): LastAcceptedTap {
  return { shopId: row.shop_id, at: Number(row.accepted_at), location: locationOf(row.latitude, row.longitude) };
}

/**
 * The stamp's most recent press and its shop's location. ORDER BY accepted_at (not sequence):
 * an offline upload is recorded late with its press time. Parameter 1 is the stamp id.
 */
export function lastTapSql(placeholder: string): string {
  return `SELECT l.shop_id, l.accepted_at, s.latitude, s.longitude FROM ledger l LEFT JOIN shops s ON s.id = l.shop_id
    WHERE l.stamp_id = ${placeholder} ORDER BY l.accepted_at DESC, l.sequence DESC LIMIT 1`;
}
