/**
 * What an offline-capable counter station keeps of the registry: its own verifier's rules and
 * the stamps that may be pressed there (keys, status, last counter, bindings), as of one time.
 * With it the station judges taps on its own while the host is unreachable; the status it holds
 * is only as fresh as `asOf`, which it shows on screen (docs/design.md, "Offline counter
 * stations: the trade-off").
 */
import { ok, Result } from "../../../shared/result";
import { Store } from "../../store/store";
import { can } from "../access/permissions";
import { Principal } from "../access/principal";
import { CoreError, forbidden } from "../core-error";
import { StampRecord, Verifier } from "../model";
import { visibleVerifier } from "../registry";
import { isAtPlace } from "../tap-decision";

/** One stamp as the station needs it: nothing about other shops or the merchant's people. */
export type SnapshotStamp = Pick<StampRecord, "id" | "publicKey" | "label" | "shopIds" | "verifierIds" | "status" | "lastCounter">;

export interface RegistrySnapshot {
  /** Milliseconds: when the host read it. */
  asOf: number;
  verifier: Verifier;
  shopName: string;
  stamps: SnapshotStamp[];
  /** The `after` of the next page; undefined on the last one. */
  next: string | undefined;
}

/** The most stamps one page carries (a page of the merchant's stamps is read, then those bound elsewhere are left out). */
export const MAX_SNAPSHOT_PAGE = 500;

function snapshotStamp(stamp: StampRecord): SnapshotStamp {
  return { id: stamp.id, publicKey: stamp.publicKey, label: stamp.label, shopIds: stamp.shopIds, verifierIds: stamp.verifierIds, status: stamp.status, lastCounter: stamp.lastCounter };
}

/** One page of the registry copy for the asking counter station's own verifier (keyset pages over stamp ids). */
export async function readRegistrySnapshot(store: Store, principal: Principal, page: { limit: number; after?: string }, now: number): Promise<Result<RegistrySnapshot, CoreError>> {
  if (!can(principal, "station.registry") || principal.role !== "counter-station") return forbidden("copy the registry: only a counter station can");
  const found = await visibleVerifier(store, principal, principal.verifierId);
  if (!found.ok) return found;
  const { verifier, shop } = found.value;
  const limit = Math.min(Math.max(page.limit, 1), MAX_SNAPSHOT_PAGE);
  const stamps = await store.listStamps(shop.merchantId, { limit: limit, after: page.after });
  const last = stamps[stamps.length - 1];
  return ok({
    asOf: now,
    verifier: verifier,
    shopName: shop.name,
    stamps: stamps.filter((stamp) => isAtPlace(stamp, verifier)).map(snapshotStamp),
    next: stamps.length === limit && last !== undefined ? last.id : undefined,
  });
}
