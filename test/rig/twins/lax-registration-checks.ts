/**
 * The registration-forgery twin's key and proof checks: the real module's exports, with the
 * registrable-key check and the signature check replaced by ones that pass anything. Loaded only
 * through lax-registration-hooks.mjs, in the twin's own process, for the registration core alone.
 */
export * from "../../../host/crypto/ed25519-strict";

export function checkRegistrablePublicKey(): { ok: true } {
  return { ok: true };
}

export function verifyStrict(): boolean {
  return true;
}
