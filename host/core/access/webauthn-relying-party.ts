/**
 * What the cards' passkeys (host/core/phone/passkeys.ts) and the dashboard's
 * (host/core/staff/staff-passkeys.ts) share about WebAuthn through @simplewebauthn/server: the
 * relying party is this host (its ID the public URL's host name, the only origin accepted that
 * URL's origin), a challenge lives 2 minutes and is taken from the store, once, as the response
 * naming it is checked, and a refused proof is one error.
 */
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
