import { Store } from "../store/store";

/** What every route needs: the store and the clock (milliseconds since the epoch). */
export interface ApiDeps {
  store: Store;
  now: () => number;
}
