/**
 * Passkeys keep a card across phones, without an account: a holder registers a WebAuthn
 * credential (a discoverable one, so that a new phone can log in without naming anybody), and a
 * login on another browser gives that browser a new secret of the same holder (cards.ts).
 *
 * The relying party is this host: its ID is the base URL's host name and the only origin
 * accepted is the base URL's, so a passkey made here is of no use to any other site, and a
 * response made for another site is refused. Each challenge is 2 minutes long and single use:
 * the store deletes it as the response naming it is checked, whatever the outcome, so a response
 * captured once cannot be replayed. Each passkey's signature counter only rises (a conditional
 * update), so of two logins with the same counter, a cloned authenticator's included, one fails.
 */
import {
  AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { fromHex } from "../../../shared/hex";
import { ok, Result } from "../../../shared/result";
import { DuplicateError, Store } from "../../store/store";
import { challengeTaker, refusedProof, relyingParty, verifyPasskeyAssertion, WEBAUTHN_CHALLENGE_TTL_MS } from "../access/webauthn-relying-party";
import { CoreError, failure } from "../core-error";

const RP_NAME = "Stamp card";

export async function passkeyRegistrationOptions(
  store: Store,
  input: { holderId: string; baseUrl: string; now: number },
): Promise<Result<PublicKeyCredentialCreationOptionsJSON, CoreError>> {
  const userId = fromHex(input.holderId);
  if (!userId.ok) return failure("INVALID_INPUT", "a card holder id is hex");
  const { rpID } = relyingParty(input.baseUrl);
  const existing = await store.listPasskeys(input.holderId);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rpID,
    userName: "card " + input.holderId.slice(0, 8),
    userID: new Uint8Array(userId.value),
    userDisplayName: RP_NAME,
    attestationType: "none",
    excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    timeout: WEBAUTHN_CHALLENGE_TTL_MS,
  });
  await store.saveWebAuthnChallenge({ challenge: options.challenge, holderId: input.holderId, kind: "register", expiresAt: input.now + WEBAUTHN_CHALLENGE_TTL_MS }, input.now);
  return ok(options);
}

export async function verifyPasskeyRegistration(
  store: Store,
  input: { holderId: string; baseUrl: string; response: RegistrationResponseJSON; now: number },
): Promise<Result<{ credentialId: string }, CoreError>> {
  const { rpID, origin } = relyingParty(input.baseUrl);
  const taker = challengeTaker((challenge) => store.takeWebAuthnChallenge(challenge, "register", input.holderId, input.now));
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({ response: input.response, expectedChallenge: taker.check, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: false });
  } catch (error) {
    taker.rethrow();
    return refusedProof(error);
  }
  taker.rethrow();
  if (!verified.verified) return refusedProof("not verified");
  const credential = verified.registrationInfo.credential;
  try {
    await store.addPasskey({
      credentialId: credential.id,
      holderId: input.holderId,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? [],
      createdAt: input.now,
    });
  } catch (error) {
    if (error instanceof DuplicateError) return failure("DUPLICATE", "this passkey is already registered");
    throw error;
  }
  return ok({ credentialId: credential.id });
}

export async function passkeyLoginOptions(store: Store, input: { baseUrl: string; now: number }): Promise<Result<PublicKeyCredentialRequestOptionsJSON, CoreError>> {
  const { rpID } = relyingParty(input.baseUrl);
  // No allowCredentials: the phone offers the discoverable passkeys it holds for this host.
  const options = await generateAuthenticationOptions({ rpID: rpID, userVerification: "preferred", timeout: WEBAUTHN_CHALLENGE_TTL_MS });
  await store.saveWebAuthnChallenge({ challenge: options.challenge, holderId: undefined, kind: "login", expiresAt: input.now + WEBAUTHN_CHALLENGE_TTL_MS }, input.now);
  return ok(options);
}

/** The holder whose passkey answered; the route then gives this browser a secret of that holder. */
export async function verifyPasskeyLogin(store: Store, input: { baseUrl: string; response: AuthenticationResponseJSON; now: number }): Promise<Result<{ holderId: string }, CoreError>> {
  const passkey = await store.getPasskey(input.response.id);
  if (passkey === undefined) return failure("PROOF_INVALID", "this passkey is not registered here");
  const checked = await verifyPasskeyAssertion({
    baseUrl: input.baseUrl,
    response: input.response,
    passkey: passkey,
    takeChallenge: (challenge) => store.takeWebAuthnChallenge(challenge, "login", undefined, input.now),
    raiseCounter: (to) => store.raisePasskeyCounter(passkey.credentialId, to),
  });
  if (!checked.ok) return checked;
  return ok({ holderId: passkey.holderId });
}
