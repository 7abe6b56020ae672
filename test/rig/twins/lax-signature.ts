/**
 * The forgery twin's signature check: the real module's exports, with verifyStrict replaced by
 * one that accepts any signature. Loaded only through lax-tap-signature-hooks.mjs, in the twin's
 * own process.
 */
export * from "../../../host/crypto/ed25519-strict";

export function verifyStrict(): boolean {
  return true;
}
