import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/**
 * A store that never finds a stamp's last accepted tap: a host without the travel rule (the
 * ledger is there, the decision just never hears of it). The impossible-travel campaign must see
 * the stamp accepted at the second shop within seconds here.
 */
export function travelBlindStore(store: Store): Store {
  return storeOverriding(store, {
    async lastAcceptedTap() {
      return undefined;
    },
  });
}
