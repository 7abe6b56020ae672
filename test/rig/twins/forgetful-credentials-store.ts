import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/**
 * A store that forgets what ended a credential: every token and station key reads as never
 * revoked and never expiring, and every signed request's nonce as unused. That is a host whose
 * credential checks lean on a cache filled before the revocation, or on a nonce table that a
 * restart emptied: the access-control campaign must see revoked, expired and replayed
 * credentials accepted here.
 */
export function forgetfulCredentialsStore(store: Store): Store {
  return storeOverriding(store, {
    async getCredential(id) {
      const credential = await store.getCredential(id);
      return credential === undefined ? undefined : { ...credential, revokedAt: undefined, expiresAt: undefined };
    },
    async findTokenCredential(secretHash) {
      const credential = await store.findTokenCredential(secretHash);
      return credential === undefined ? undefined : { ...credential, revokedAt: undefined, expiresAt: undefined };
    },
    async useRequestNonce() {
      return true;
    },
  });
}
