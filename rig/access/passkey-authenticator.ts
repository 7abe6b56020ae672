import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

/**
 * A WebAuthn authenticator as a browser hands its answers on (`@simplewebauthn/browser`'s JSON):
 * what the rig needs to make a dashboard person's passkey and log in with it through the host's
 * own ceremony, as a person's browser would. The rig carries none of its own: test code provides
 * one on the Target (`passkeys`), a software authenticator or Chromium's virtual one.
 */
export interface PasskeyAuthenticator {
  /** navigator.credentials.create() on `origin` with the host's registration options. */
  register(options: PublicKeyCredentialCreationOptionsJSON, origin: string): RegistrationResponseJSON;
  /** navigator.credentials.get() on `origin` with the host's login options. */
  login(options: PublicKeyCredentialRequestOptionsJSON, origin: string): AuthenticationResponseJSON;
}
