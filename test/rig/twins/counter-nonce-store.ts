import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/** How many nonces each verifier gets before they repeat: more than its 16 open challenges, so the database never sees two open at once. */
export const NONCE_CYCLE = 32;

/**
 * A store that replaces each new challenge's nonce, before it is saved and sent, with the
 * verifier's id and a small wrapping counter: the nonce of a host with no CSPRNG behind it.
 * It edits the challenge object it is given, which is the one the host then encodes for the
 * station; that reliance on the caller is acceptable only in a twin. The nonce-quality
 * campaign must see repeated nonces here.
 */
export function counterNonceStore(store: Store): Store {
  const issued = new Map<string, number>();
  return storeOverriding(store, {
    async saveChallenge(challenge, maxOpen, now) {
      const sequence = issued.get(challenge.verifierId) ?? 0;
      issued.set(challenge.verifierId, sequence + 1);
      challenge.nonce = challenge.verifierId + (sequence % NONCE_CYCLE).toString(16).padStart(16, "0");
      return store.saveChallenge(challenge, maxOpen, now);
    },
  });
}
