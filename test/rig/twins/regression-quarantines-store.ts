import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/**
 * A store that quarantines a stamp on any late counter: the fork rule ("two valid signatures on
 * one counter prove a clone") replaced by "a regression quarantines", the rule docs/security.md
 * refuses because one relayed reply would then take a genuine stamp out of service. The
 * quarantine-griefing campaign must get the stamp quarantined here.
 */
export function regressionQuarantinesStore(store: Store): Store {
  return storeOverriding(store, {
    async commitTap(commit) {
      const late = commit.alert?.kind === "LATE_COUNTER";
      return store.commitTap(late ? { ...commit, quarantine: true } : commit);
    },
  });
}
