import { HostKey } from "../ledger/host-key";
import { Store } from "../store/store";

/** What every route needs: the store, the clock (milliseconds since the epoch), and the host's checkpoint key if it has one. */
export interface ApiDeps {
  store: Store;
  now: () => number;
  hostKey: HostKey | undefined;
}
