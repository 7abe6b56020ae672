import { encodeChallenge } from "../../shared/challenge";
import { ok, Result } from "../../shared/result";
import { Store } from "../store/store";
import { can } from "./access/permissions";
import { Principal } from "./access/principal";
import { MAX_CHALLENGE_TTL_MS, newChallenge, wireChallenge } from "./challenge-issuer";
import { CoreError, failure, forbidden } from "./core-error";
import { IssuedChallenge } from "./model";
import { visibleVerifier } from "./registry";

/**
 * How many unexpired, unused challenges one verifier may hold. A counter station needs one per
 * tap in flight; a station flooding requests gets TOO_MANY_OPEN_CHALLENGES instead of filling
 * the database, and expired ones are deleted as new ones are issued.
 */
export const MAX_OPEN_CHALLENGES = 16;

export interface IssuedForWire {
  issued: IssuedChallenge;
  /** The 32 bytes sent to the stamp. */
  bytes: Uint8Array;
}

/**
 * Issues and stores a challenge for the counter station asking, for its own verifier only. What
 * the tap is worth (purpose, quantity) is the verifier's configuration, set by the merchant.
 */
export async function issueChallenge(store: Store, principal: Principal, now: number): Promise<Result<IssuedForWire, CoreError>> {
  if (!can(principal, "challenge.issue") || principal.role !== "counter-station") return forbidden("ask for challenges");
  const found = await visibleVerifier(store, principal, principal.verifierId);
  if (!found.ok) return found;
  const verifier = found.value.verifier;
  const issued = newChallenge({ verifierId: verifier.id, purpose: verifier.purpose, quantity: verifier.quantity, ttlMs: MAX_CHALLENGE_TTL_MS }, now);
  if ((await store.saveChallenge(issued, MAX_OPEN_CHALLENGES, now)) === "too-many") {
    return failure("TOO_MANY_OPEN_CHALLENGES", `verifier ${verifier.id} already has ${MAX_OPEN_CHALLENGES} open challenges: use them or let them expire (30 s)`);
  }
  return ok({ issued: issued, bytes: encodeChallenge(wireChallenge(issued)) });
}
