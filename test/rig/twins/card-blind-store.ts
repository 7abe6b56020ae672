import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/**
 * A store whose card lookup answers every known card cookie with the first card holder this
 * host made: a host that takes the card from the wrong place (a default card, a cache keyed on
 * nothing), so one phone's cookie acts for another's card. The access-control campaign must see
 * one card holder read and redeem another's reward here (its victim presses first).
 */
export function cardBlindStore(store: Store): Store {
  const first: { holderId: string | undefined } = { holderId: undefined };
  return storeOverriding(store, {
    async addHolder(holderId, secretHash, now) {
      first.holderId ??= holderId;
      return store.addHolder(holderId, secretHash, now);
    },
    async findHolder(secretHash) {
      const holderId = await store.findHolder(secretHash);
      return holderId === undefined ? undefined : (first.holderId ?? holderId);
    },
  });
}
