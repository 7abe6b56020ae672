/**
 * The host a flashing station works against in test/flashing and bench/flashing, made through
 * the real access flows: `stamp init`'s operator (bootstrapOperator), a merchant with a shop
 * and its owner, a second merchant, the operator's approval of the firmware image under test,
 * and a flashing station's key enrolled for the first merchant with the owner's one-time code.
 * The station reaches the host only through apiStationRegistry over the in-process API, with
 * its own signed requests, exactly as `stamp flash --db` does.
 */
import { KeyObject } from "node:crypto";
import { join } from "node:path";
import { authenticateToken, bootstrapOperator, issueToken } from "../../host/core/access/credentials";
import { Principal } from "../../host/core/access/principal";
import { StampRecord } from "../../host/core/model";
import { addMerchant, addShop } from "../../host/core/registry";
import { approveFirmware } from "../../host/core/stamp-registration";
import { ApiClient } from "../../host/client/api-client";
import { injectTransport } from "../../host/client/transports";
import { StationRegistry, apiStationRegistry } from "../../host/flashing/station-registry";
import { buildServer } from "../../host/http/server";
import { SqliteStore } from "../../host/store/sqlite-store";
import { EnrolledStation, enrolTestStation, must } from "../support/test-world";

export const MERCHANT = "bean-bros";
export const SHOP = "gangnam";
export const OTHER_MERCHANT = "tea-house";
export const OTHER_SHOP = "myeongdong";

/** A station key as the API client signs with it: enrolled (EnrolledStation gives both) or not. */
export interface StationCredential {
  keyId: string;
  key: { privateKey: KeyObject };
}

export interface FlashWorld {
  dbPath: string;
  store: SqliteStore;
  operator: Principal;
  operatorToken: string;
  owner: Principal;
  otherOwner: Principal;
  /** The flashing station enrolled for MERCHANT. */
  flasher: EnrolledStation;
  /** The same station's registry over the in-process API (its signed requests). */
  registry: StationRegistry;
  /** A registry over the API for another station key (closed with the world). */
  registryFor(key: StationCredential): StationRegistry;
  stamps(merchantId?: string): Promise<StampRecord[]>;
  close(): Promise<void>;
}

/** A host in `dir`/stamp.db whose operator approved `firmwareHash` (undefined: nothing approved). */
export async function createFlashWorld(dir: string, firmwareHash: string | undefined): Promise<FlashWorld> {
  const dbPath = join(dir, "stamp.db");
  const store = new SqliteStore(dbPath);
  const now = Date.now();
  const init = must(await bootstrapOperator(store, "operator", now));
  const operator = must(await authenticateToken(store, init.token, now));
  const ownerOf = async (merchantId: string): Promise<Principal> => {
    const issued = must(await issueToken(store, operator, { role: "owner", merchantId: merchantId, label: "owner" }, now));
    return must(await authenticateToken(store, issued.token, now));
  };
  must(await addMerchant(store, operator, { id: MERCHANT, name: "Bean Brothers" }, now));
  must(await addMerchant(store, operator, { id: OTHER_MERCHANT, name: "Tea House" }, now));
  if (firmwareHash !== undefined) must(await approveFirmware(store, operator, { hash: firmwareHash, label: "firmware under test" }, now));
  const owner = await ownerOf(MERCHANT);
  const otherOwner = await ownerOf(OTHER_MERCHANT);
  must(await addShop(store, owner, { id: SHOP, merchantId: MERCHANT, name: "Gangnam" }, now));
  must(await addShop(store, otherOwner, { id: OTHER_SHOP, merchantId: OTHER_MERCHANT, name: "Myeongdong" }, now));
  const flasher = await enrolTestStation(store, owner, "flashing-station", { merchantId: MERCHANT }, now);
  const clients: ApiClient[] = [];
  const registryFor = (station: StationCredential): StationRegistry => {
    const client = new ApiClient(injectTransport(buildServer(store)), { kind: "station", keyId: station.keyId, privateKey: station.key.privateKey });
    clients.push(client);
    return apiStationRegistry(client);
  };
  return {
    dbPath,
    store,
    operator,
    operatorToken: init.token,
    owner,
    otherOwner,
    flasher,
    registry: registryFor(flasher),
    registryFor,
    stamps: (merchantId = MERCHANT) => store.listStamps(merchantId, { limit: 1000 }),
    async close() {
      for (const client of clients) await client.close();
      await store.close();
    },
  };
}
