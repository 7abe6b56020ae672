/**
 * What the cards' passkeys (host/core/phone/passkeys.ts) and the dashboard's
 * (host/core/staff/staff-passkeys.ts) share about WebAuthn through @simplewebauthn/server: the
 * relying party is this host (its ID the public URL's host name, the only origin accepted that
 * URL's origin), a challenge lives 2 minutes and is taken from the store, once, as the response
 * naming it is checked, and a refused proof is one error.
 */
import { AuthenticationResponseJSON, verifyAuthenticationResponse } from "@simplewebauthn/server";
import { ok, Result } from "../../../shared/result";
import { CoreError, failure } from "../core-error";

export const WEBAUTHN_CHALLENGE_TTL_MS = 2 * 60_000;

export function relyingParty(baseUrl: string): { rpID: string; origin: string } {
  const url = new URL(baseUrl);
  return { rpID: url.hostname, origin: url.origin };
}

/**
 * The library's expectedChallenge check, backed by `take` (the store's single-use take). A store
 * failure is kept and thrown after the library returns (`rethrow`), so that it is not mistaken
 * for a refused proof.
 */
export function challengeTaker(take: (challenge: string) => Promise<boolean>): { check: (challenge: string) => Promise<boolean>; rethrow: () => void } {
  let failed: { error: unknown } | undefined;
  return {
    check: async (challenge) => {
      try {
        return await take(challenge);
      } catch (error) {
        failed = { error: error };
        return false;
      }
    },
    rethrow: () => {
      if (failed !== undefined) throw failed.error;
    },
  };
}

export function refusedProof(error: unknown): { ok: false; error: CoreError } {
  return failure("PROOF_INVALID", `the passkey's answer was refused: ${error instanceof Error ? error.message : String(error)}`);
}

/** A registered passkey as both kinds keep it: what checking a login needs. */
export interface StoredPasskey {
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
}

/**
 * Checks a login's answer against the passkey it names: the challenge taken once from the store
 * (`takeChallenge`), this host's origin and ID, the signature; then the signature counter.
 * Authenticators that keep no counter always say 0; one that keeps a counter must go above the
 * last one seen (`raiseCounter`, a conditional update), or the answer is a replay or a clone's.
 */
export async function verifyPasskeyAssertion(input: {
  baseUrl: string;
  response: AuthenticationResponseJSON;
  passkey: StoredPasskey;
  takeChallenge: (challenge: string) => Promise<boolean>;
  raiseCounter: (to: number) => Promise<boolean>;
}): Promise<Result<void, CoreError>> {
  const { rpID, origin } = relyingParty(input.baseUrl);
  const passkey = input.passkey;
  const taker = challengeTaker(input.takeChallenge);
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: taker.check,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: passkey.counter, transports: passkey.transports },
      requireUserVerification: false,
    });
  } catch (error) {
    taker.rethrow();
    return refusedProof(error);
  }
  taker.rethrow();
  if (!verified.verified) return refusedProof("not verified");
  const counter = verified.authenticationInfo.newCounter;
  if ((counter > 0 || passkey.counter > 0) && !(await input.raiseCounter(counter))) {
    return failure("PROOF_INVALID", "the passkey's counter did not rise: a replayed or cloned authenticator");
  }
  return ok(undefined);
}
