import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/**
 * A store that forgets what was spent: every challenge reads as unused and unexpired, every
 * stamp's counter as 0 and no signed counter as kept, and a tap whose write lost (the challenge
 * was used, the counter moved) is reported committed anyway. That is a host whose "single use"
 * and "strictly increasing" lean on a cache or a replica that lags: the replay and
 * challenge-misuse campaigns must see their attacks accepted here.
 */
export function amnesiacStore(store: Store): Store {
  return storeOverriding(store, {
    async getChallenge(nonce) {
      const challenge = await store.getChallenge(nonce);
      return challenge === undefined ? undefined : { ...challenge, usedAt: undefined, expiresAt: Number.MAX_SAFE_INTEGER };
    },
    async getStamp(id) {
      const stamp = await store.getStamp(id);
      return stamp === undefined ? undefined : { ...stamp, lastCounter: 0 };
    },
    async findSignedCounters() {
      return [];
    },
    async commitTap(commit) {
      await store.commitTap(commit);
      return "committed";
    },
  });
}
