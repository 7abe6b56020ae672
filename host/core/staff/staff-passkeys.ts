/**
 * Passkeys of the dashboard's people, through @simplewebauthn/server as the cards' passkeys
 * (host/core/phone/passkeys.ts): the relying party is this host (ID its public URL's host name,
 * the only origin accepted its origin), challenges last 2 minutes and are taken from the store
 * as a response naming them is checked, and a passkey's counter only rises. Enrolment needs a
 * one-time code (dashboard-codes.ts), used in the same step as the passkey is added; a login
 * names nobody (discoverable credentials) and answers with the passkey's person.
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
import { credentialProblem } from "../access/credentials";
import { challengeTaker, refusedProof, relyingParty, verifyPasskeyAssertion, WEBAUTHN_CHALLENGE_TTL_MS } from "../access/webauthn-relying-party";
import { CoreError, failure } from "../core-error";
import { codeHashOf, codePerson } from "./dashboard-codes";

const RP_NAME = "Stamp dashboard";

const CODE_UNUSABLE = "this link is not valid any more (used, expired or unknown): ask an owner for a new one";

export async function enrolmentOptions(store: Store, input: { code: string; baseUrl: string; now: number }): Promise<Result<PublicKeyCredentialCreationOptionsJSON, CoreError>> {
  const found = await codePerson(store, input.code, input.now);
  if (found === undefined) return failure("NOT_FOUND", CODE_UNUSABLE);
  const userId = fromHex(found.person.id);
  if (!userId.ok) throw new Error(`credential id ${found.person.id} is not hex`);
  const existing = await store.staff.listStaffPasskeys(found.person.id);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: relyingParty(input.baseUrl).rpID,
    userName: found.person.label,
    userID: new Uint8Array(userId.value),
    userDisplayName: found.person.label,
    attestationType: "none",
    excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    timeout: WEBAUTHN_CHALLENGE_TTL_MS,
  });
  await store.staff.saveStaffChallenge({ challenge: options.challenge, personId: found.person.id, kind: "enrol", expiresAt: input.now + WEBAUTHN_CHALLENGE_TTL_MS }, input.now);
  return ok(options);
}

/** Registers the passkey and uses the code, in one step; answers the person, who is then logged in. */
export async function verifyEnrolment(store: Store, input: { code: string; baseUrl: string; response: RegistrationResponseJSON; now: number }): Promise<Result<{ personId: string }, CoreError>> {
  const found = await codePerson(store, input.code, input.now);
  const codeHash = codeHashOf(input.code);
  if (found === undefined || codeHash === undefined) return failure("NOT_FOUND", CODE_UNUSABLE);
  const { rpID, origin } = relyingParty(input.baseUrl);
  const taker = challengeTaker((challenge) => store.staff.takeStaffChallenge(challenge, "enrol", found.person.id, input.now));
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
  const passkey = { credentialId: credential.id, personId: found.person.id, publicKey: credential.publicKey, counter: credential.counter, transports: credential.transports ?? [], createdAt: input.now };
  try {
    const enrolled = await store.staff.enrolStaffPasskey(codeHash, passkey, input.now);
    if (!enrolled.ok) return failure("NOT_FOUND", CODE_UNUSABLE);
  } catch (error) {
    if (error instanceof DuplicateError) return failure("DUPLICATE", "this passkey is already registered");
    throw error;
  }
  return ok({ personId: found.person.id });
}

export async function staffLoginOptions(store: Store, input: { baseUrl: string; now: number }): Promise<Result<PublicKeyCredentialRequestOptionsJSON, CoreError>> {
  const options = await generateAuthenticationOptions({ rpID: relyingParty(input.baseUrl).rpID, userVerification: "preferred", timeout: WEBAUTHN_CHALLENGE_TTL_MS });
  await store.staff.saveStaffChallenge({ challenge: options.challenge, personId: undefined, kind: "login", expiresAt: input.now + WEBAUTHN_CHALLENGE_TTL_MS }, input.now);
  return ok(options);
}

/** The person whose passkey answered, if their access still stands (not revoked). */
export async function verifyStaffLogin(store: Store, input: { baseUrl: string; response: AuthenticationResponseJSON; now: number }): Promise<Result<{ personId: string }, CoreError>> {
  const passkey = await store.staff.getStaffPasskey(input.response.id);
  if (passkey === undefined) return failure("PROOF_INVALID", "this passkey is not registered for the dashboard");
  const checked = await verifyPasskeyAssertion({
    baseUrl: input.baseUrl,
    response: input.response,
    passkey: passkey,
    takeChallenge: (challenge) => store.staff.takeStaffChallenge(challenge, "login", undefined, input.now),
    raiseCounter: (to) => store.staff.raiseStaffPasskeyCounter(passkey.credentialId, to),
  });
  if (!checked.ok) return checked;
  const person = await store.getCredential(passkey.personId);
  const problem = person === undefined ? "the person no longer exists" : credentialProblem(person, input.now);
  if (problem !== undefined) return failure("FORBIDDEN", `this person may not use the dashboard: ${problem}`);
  return ok({ personId: passkey.personId });
}
