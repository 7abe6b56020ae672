/**
 * Credentials: API tokens for people, enrolment codes and enrolled keys for stations.
 *
 * A token is 256 random bits shown once; the store keeps only its SHA-256, so a copy of the
 * database lets no one act as anybody. Looking a token up by its hash compares hashes of
 * attacker input, not the secret itself, so the lookup leaks nothing useful through timing.
 * Enrolment codes are one-time, short-lived and stored as hashes too.
 */
import { createHash, randomBytes } from "node:crypto";
import { toHex } from "../../../shared/hex";
import { ok, Result } from "../../../shared/result";
import { checkRegistrablePublicKey } from "../../crypto/ed25519-strict";
import { DuplicateError, EnrolmentOutcome, Store } from "../../store/store";
import { auditEntry } from "../audit-entry";
import { CoreError, failure, forbidden } from "../core-error";
import { isSlug } from "../identifiers";
import { CredentialRecord, EnrolmentCode } from "../model";
import { displayText, LABEL_MAX_LENGTH, visibleMerchant, visibleVerifier } from "../registry";
import { can } from "./permissions";
import { canSee, merchantOf, PersonRole, Principal, StationRole } from "./principal";

export const TOKEN_PREFIX = "stamp_";
export const DEFAULT_TOKEN_TTL_MS = 90 * 24 * 3600_000;
export const MAX_TOKEN_TTL_MS = 366 * 24 * 3600_000;
export const ENROLMENT_CODE_TTL_MS = 60 * 60_000;

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed is unambiguous. */
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function newCredentialId(): string {
  return toHex(randomBytes(8));
}

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export function tokenHash(token: string): string {
  return sha256Hex(token);
}

/** 80 random bits as 16 characters in four groups, e.g. "7K3M-Q9TR-2XWH-D4NB". */
export function newEnrolmentCode(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let code = "";
  for (let i = 0; i < 16; i++) code += CODE_ALPHABET[Number((bits >> BigInt(75 - 5 * i)) & 31n)];
  return code.match(/.{4}/g)?.join("-") ?? code;
}

/** The code as stored: upper case, without separators, so "7k3m q9tr…" matches too. */
export function enrolmentCodeHash(code: string): string {
  return sha256Hex("stamp-enrolment/v1:" + code.toUpperCase().replace(/[\s-]/g, ""));
}

/** The principal a live credential stands for. */
export function principalOf(credential: CredentialRecord): Principal | undefined {
  const base = { credentialId: credential.id };
  switch (credential.role) {
    case "operator":
      return { role: "operator", ...base };
    case "owner":
    case "manager":
    case "auditor":
      return credential.merchantId === undefined ? undefined : { role: credential.role, merchantId: credential.merchantId, ...base };
    case "counter-station":
      return credential.merchantId === undefined || credential.verifierId === undefined
        ? undefined
        : { role: "counter-station", merchantId: credential.merchantId, verifierId: credential.verifierId, ...base };
    case "flashing-station":
      return credential.merchantId === undefined ? undefined : { role: "flashing-station", merchantId: credential.merchantId, ...base };
  }
}

/** Why a credential is not (or no longer) valid, in words; undefined when it is. */
export function credentialProblem(credential: CredentialRecord, now: number): string | undefined {
  if (credential.revokedAt !== undefined) return "the credential was revoked";
  if (credential.expiresAt !== undefined && now >= credential.expiresAt) return "the credential expired";
  return undefined;
}

export type Authentication = Result<Principal, string>;

export async function authenticateToken(store: Store, token: string, now: number): Promise<Authentication> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return { ok: false, error: "not a stamp API token" };
  const credential = await store.findTokenCredential(tokenHash(token));
  if (credential === undefined) return { ok: false, error: "unknown token" };
  const problem = credentialProblem(credential, now);
  const principal = principalOf(credential);
  if (problem !== undefined) return { ok: false, error: problem };
  return principal === undefined ? { ok: false, error: "the credential is damaged" } : ok(principal);
}

/** A station's enrolled key, if it is live: the HTTP layer verifies the request's signature with it. */
export async function stationKey(store: Store, keyId: string, now: number): Promise<Result<{ principal: Principal; publicKey: Uint8Array }, string>> {
  const credential = await store.getCredential(keyId);
  if (credential === undefined || credential.publicKey === undefined) return { ok: false, error: "unknown station key" };
  const problem = credentialProblem(credential, now);
  if (problem !== undefined) return { ok: false, error: problem };
  const principal = principalOf(credential);
  return principal === undefined ? { ok: false, error: "the credential is damaged" } : ok({ principal: principal, publicKey: credential.publicKey });
}

export interface NewToken {
  role: PersonRole;
  /** Required for owner, manager and auditor. */
  merchantId?: string;
  label: string;
  ttlMs?: number;
}

function tokenRecord(input: NewToken, label: string, secretHash: string, now: number, createdBy: string): CredentialRecord {
  return {
    id: newCredentialId(),
    role: input.role,
    merchantId: input.role === "operator" ? undefined : input.merchantId,
    verifierId: undefined,
    label: label,
    secretHash: secretHash,
    publicKey: undefined,
    createdAt: now,
    expiresAt: now + (input.ttlMs ?? DEFAULT_TOKEN_TTL_MS),
    revokedAt: undefined,
    createdBy: createdBy,
  };
}

function checkTokenInput(input: NewToken): Result<string, CoreError> {
  const label = displayText(input.label, "token label", LABEL_MAX_LENGTH);
  if (!label.ok) return label;
  if (input.ttlMs !== undefined && (!Number.isInteger(input.ttlMs) || input.ttlMs < 60_000 || input.ttlMs > MAX_TOKEN_TTL_MS)) {
    return failure("INVALID_INPUT", "a token lives from 1 minute to 366 days");
  }
  if (input.role !== "operator" && (input.merchantId === undefined || !isSlug(input.merchantId))) return failure("INVALID_INPUT", `a ${input.role} token needs a merchant`);
  return label;
}

/**
 * Issues a token, shown once. The operator issues operator and owner tokens; an owner issues
 * owner, manager and auditor tokens for their own merchant only.
 */
export async function issueToken(store: Store, principal: Principal, input: NewToken, now: number): Promise<Result<{ credential: CredentialRecord; token: string }, CoreError>> {
  if (!can(principal, "token.issue")) return forbidden("issue tokens");
  const label = checkTokenInput(input);
  if (!label.ok) return label;
  const allowed = principal.role === "operator" ? input.role === "operator" || input.role === "owner" : input.role !== "operator";
  if (!allowed) return forbidden(`issue ${input.role} tokens`);
  if (input.merchantId !== undefined && input.role !== "operator") {
    const merchant = await visibleMerchant(store, principal, input.merchantId);
    if (!merchant.ok) return merchant;
  }
  const token = newToken();
  const credential = tokenRecord(input, label.value, tokenHash(token), now, principal.credentialId);
  const audit = auditEntry(principal, now, credential.merchantId ?? null, "credential.create", credential.id, { role: credential.role, label: credential.label, expiresAt: credential.expiresAt });
  await store.addCredential(credential, audit);
  return ok({ credential: credential, token: token });
}

/** `stamp init`: the first operator token, only while there is none (so it cannot be repeated to take over). */
export async function bootstrapOperator(store: Store, label: string, now: number): Promise<Result<{ credential: CredentialRecord; token: string }, CoreError>> {
  const input: NewToken = { role: "operator", label: label, ttlMs: MAX_TOKEN_TTL_MS };
  const checked = checkTokenInput(input);
  if (!checked.ok) return checked;
  const token = newToken();
  const credential = tokenRecord(input, checked.value, tokenHash(token), now, "init");
  const audit = auditEntry("system", now, null, "credential.bootstrap", credential.id, { role: "operator", label: credential.label });
  if (!(await store.addCredential(credential, audit, true))) return failure("CONFLICT", "this database already has an operator: `stamp init` runs once");
  return ok({ credential: credential, token: token });
}

export async function revokeCredential(store: Store, principal: Principal, id: string, now: number): Promise<Result<CredentialRecord, CoreError>> {
  if (!can(principal, "credential.revoke")) return forbidden("revoke credentials");
  const credential = await store.getCredential(id);
  const visible = credential !== undefined && (principal.role === "operator" || (credential.merchantId !== undefined && canSee(principal, credential.merchantId)));
  if (credential === undefined || !visible) return failure("NOT_FOUND", `credential ${id} does not exist`);
  const audit = auditEntry(principal, now, credential.merchantId ?? null, "credential.revoke", id, { role: credential.role, label: credential.label });
  await store.revokeCredential(id, now, audit);
  return ok((await store.getCredential(id)) ?? credential);
}

export interface NewEnrolmentCode {
  role: StationRole;
  /** For a counter station: the verifier it will be. */
  verifierId?: string;
  /** For a flashing station: the merchant it registers stamps for (the principal's own). */
  merchantId?: string;
}

/** A one-time code for installing a station: shown once, valid for an hour, stored as a hash. */
export async function issueEnrolmentCode(store: Store, principal: Principal, input: NewEnrolmentCode, now: number): Promise<Result<{ code: string; expiresAt: number; merchantId: string }, CoreError>> {
  if (!can(principal, "enrolment-code.issue")) return forbidden("issue enrolment codes");
  let merchantId: string;
  let verifierId: string | undefined;
  if (input.role === "counter-station") {
    if (input.verifierId === undefined) return failure("INVALID_INPUT", "a counter station's code names its verifier");
    const found = await visibleVerifier(store, principal, input.verifierId);
    if (!found.ok) return found;
    merchantId = found.value.shop.merchantId;
    verifierId = input.verifierId;
  } else {
    const merchant = await visibleMerchant(store, principal, input.merchantId ?? merchantOf(principal) ?? "");
    if (!merchant.ok) return merchant;
    merchantId = merchant.value.id;
  }
  const code = newEnrolmentCode();
  const record: EnrolmentCode = { codeHash: enrolmentCodeHash(code), role: input.role, merchantId: merchantId, verifierId: verifierId, expiresAt: now + ENROLMENT_CODE_TTL_MS, createdBy: principal.credentialId };
  await store.addEnrolmentCode(record, auditEntry(principal, now, merchantId, "enrolment-code.create", verifierId ?? merchantId, { role: input.role, expiresAt: record.expiresAt }));
  return ok({ code: code, expiresAt: record.expiresAt, merchantId: merchantId });
}

/**
 * A station enrols its own public key with a code (the HTTP layer has already checked that the
 * request is signed by that key, so the station holds it). The private key never leaves it.
 */
export async function enrolStation(store: Store, input: { code: string; publicKey: Uint8Array; label: string }, now: number): Promise<Result<CredentialRecord, CoreError>> {
  const label = displayText(input.label, "station label", LABEL_MAX_LENGTH);
  if (!label.ok) return label;
  const keyCheck = checkRegistrablePublicKey(input.publicKey);
  if (!keyCheck.ok) return failure("WEAK_KEY", `station key refused: ${keyCheck.reason}`);
  let redeemed: EnrolmentOutcome;
  try {
    redeemed = await redeemCode(store, input, label.value, now);
  } catch (error) {
    if (error instanceof DuplicateError) return failure("DUPLICATE", "this station key is already enrolled");
    throw error;
  }
  if (!redeemed.ok) {
    const why = { unknown: "the enrolment code is not valid", used: "the enrolment code was already used", expired: "the enrolment code expired: ask for a new one" }[redeemed.why];
    return failure("FORBIDDEN", why);
  }
  return ok(redeemed.credential);
}

function redeemCode(store: Store, input: { code: string; publicKey: Uint8Array }, label: string, now: number): Promise<EnrolmentOutcome> {
  return store.redeemEnrolmentCode(
    enrolmentCodeHash(input.code),
    now,
    (code) => ({
      id: newCredentialId(),
      role: code.role,
      merchantId: code.merchantId,
      verifierId: code.verifierId,
      label: label,
      secretHash: undefined,
      publicKey: input.publicKey,
      createdAt: now,
      expiresAt: undefined,
      revokedAt: undefined,
      createdBy: code.createdBy,
    }),
    (credential) => auditEntry("system", now, credential.merchantId ?? null, "credential.enrol", credential.id, { role: credential.role, verifierId: credential.verifierId, label: credential.label }),
  );
}
