import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/**
 * A store whose token lookup puts every person of any merchant into `merchantId`'s: the host
 * then scopes each request to that merchant whoever sends it. That is a host which takes the
 * merchant from the wrong place (a shared session, a default, a header), with its merchant check
 * in effect dropped: the access-control campaign must see another merchant's owner reach the
 * rig's objects here. The operator's token is left alone, so the rig can still make the second
 * merchant.
 */
export function merchantBlindStore(merchantId: string): (store: Store) => Store {
  return (store) =>
    storeOverriding(store, {
      async findTokenCredential(secretHash) {
        const credential = await store.findTokenCredential(secretHash);
        return credential === undefined || credential.role === "operator" ? credential : { ...credential, merchantId: merchantId };
      },
    });
}
