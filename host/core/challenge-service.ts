import { encodeChallenge } from "../../shared/challenge";
import { err, ok, Result } from "../../shared/result";
import { Store } from "../store/store";
import { ChallengeRequest, newChallenge, wireChallenge } from "./challenge-issuer";
import { IssuedChallenge } from "./model";

export interface IssuedForWire {
  issued: IssuedChallenge;
  /** The 32 bytes sent to the stamp. */
  bytes: Uint8Array;
}

/** Issues and stores a challenge for a registered verifier. */
export async function issueChallenge(store: Store, request: ChallengeRequest, now: number): Promise<Result<IssuedForWire, string>> {
  if ((await store.getVerifier(request.verifierId)) === undefined) return err(`verifier ${request.verifierId} is not registered`);
  if (!Number.isInteger(request.quantity) || request.quantity < 1 || request.quantity > 0xffff) {
    return err("quantity must be a whole number from 1 to 65535");
  }
  const issued = newChallenge(request, now);
  await store.saveChallenge(issued);
  return ok({ issued: issued, bytes: encodeChallenge(wireChallenge(issued)) });
}
