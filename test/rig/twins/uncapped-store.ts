import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/** A store that ignores the open-challenge cap: every challenge asked for is kept, none retired (the flood twin). */
export function uncappedStore(store: Store): Store {
  return storeOverriding(store, {
    saveChallenge(challenge, _maxOpen, now) {
      return store.saveChallenge(challenge, Number.MAX_SAFE_INTEGER, now);
    },
  });
}
