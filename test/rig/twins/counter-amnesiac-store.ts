import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/**
 * A store that forgets stamp counters: every stamp reads as at counter 0 with no signed counter
 * kept, and a tap whose counter write lost is reported committed anyway. Challenges stay single
 * use. That is a host keeping counters per process, or none: the clone campaign must see a
 * second device's taps accepted here.
 */
export function counterAmnesiacStore(store: Store): Store {
  return storeOverriding(store, {
    async getStamp(id) {
      const stamp = await store.getStamp(id);
      return stamp === undefined ? undefined : { ...stamp, lastCounter: 0 };
    },
    async findSignedCounters() {
      return [];
    },
    async commitTap(commit) {
      const outcome = await store.commitTap(commit);
      return outcome === "counter-moved" ? "committed" : outcome;
    },
  });
}
