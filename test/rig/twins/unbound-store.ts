import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/**
 * A store that reads every stamp as bound to all its merchant's shops and to any verifier: a host
 * that checks the merchant but not the place. The theft campaign must see the stamp accepted at
 * a shop it does not belong to here.
 */
export function unboundStore(store: Store): Store {
  return storeOverriding(store, {
    async getStamp(id) {
      const stamp = await store.getStamp(id);
      if (stamp === undefined) return undefined;
      const shops = await store.listShops(stamp.merchantId, { limit: 1000 });
      return { ...stamp, shopIds: shops.map((shop) => shop.id), verifierIds: [] };
    },
  });
}
