/**
 * How people reach the dashboard: an owner or manager invites a person by name and role, which
 * makes the person (a credential without a token secret, staff-model.ts) and a one-time code;
 * the link `<public URL>/dashboard/enrol/<code>` lets whoever opens it register a passkey for
 * that person, once. Recovery after a lost phone is the same link made again by an owner for an
 * existing person. A manager invites managers and auditors, never an owner. The code is 256
 * random bits shown once; the store keeps its SHA-256 only.
 */
import { createHash, randomBytes } from "node:crypto";
import { toHex } from "../../../shared/hex";
import { ok, Result } from "../../../shared/result";
import { Store } from "../../store/store";
import { can } from "../access/permissions";
import { canSee, Principal } from "../access/principal";
import { auditEntry } from "../audit-entry";
import { CoreError, failure, forbidden } from "../core-error";
import { CredentialRecord } from "../model";
import { displayText, LABEL_MAX_LENGTH, visibleMerchant } from "../registry";
import { DashboardCode, isStaffRole, StaffRole } from "./staff-model";

export const DASHBOARD_CODE_TTL_MS = 24 * 3600_000;
/** base64url of 32 bytes: anything else is not looked up. */
const DASHBOARD_CODE = /^[A-Za-z0-9_-]{43}$/;

export function dashboardCodeHash(code: string): string {
  return createHash("sha256").update("stamp-dashboard-code/v1:" + code).digest("hex");
}

/** The code's hash when the text has a code's shape. */
export function codeHashOf(code: string): string | undefined {
  return DASHBOARD_CODE.test(code) ? dashboardCodeHash(code) : undefined;
}

export interface IssuedCode {
  personId: string;
  code: string;
  expiresAt: number;
}

async function issueCode(store: Store, principal: Principal, person: CredentialRecord, merchantId: string, action: string, now: number): Promise<IssuedCode> {
  const code = randomBytes(32).toString("base64url");
  const record: DashboardCode = { codeHash: dashboardCodeHash(code), personId: person.id, merchantId: merchantId, expiresAt: now + DASHBOARD_CODE_TTL_MS, usedAt: undefined, createdBy: principal.credentialId };
  await store.staff.addDashboardCode(record, auditEntry(principal, now, merchantId, action, person.id, { role: person.role, expiresAt: record.expiresAt }));
  return { personId: person.id, code: code, expiresAt: record.expiresAt };
}

export async function inviteToDashboard(store: Store, principal: Principal, input: { merchantId: string; role: string; name: string }, now: number): Promise<Result<IssuedCode, CoreError>> {
  if (!can(principal, "dashboard.invite")) return forbidden("invite people to the dashboard");
  if (!isStaffRole(input.role)) return failure("INVALID_INPUT", "a dashboard person is an owner, a manager or an auditor");
  const role: StaffRole = input.role;
  if (principal.role === "manager" && role === "owner") return forbidden("invite an owner (only an owner can)");
  const name = displayText(input.name, "name", LABEL_MAX_LENGTH);
  if (!name.ok) return name;
  const merchant = await visibleMerchant(store, principal, input.merchantId);
  if (!merchant.ok) return merchant;
  const person: CredentialRecord = {
    id: toHex(randomBytes(8)),
    role: role,
    merchantId: merchant.value.id,
    verifierId: undefined,
    label: name.value,
    secretHash: undefined,
    publicKey: undefined,
    createdAt: now,
    expiresAt: undefined,
    revokedAt: undefined,
    createdBy: principal.credentialId,
  };
  await store.addCredential(person, auditEntry(principal, now, person.merchantId ?? null, "credential.create", person.id, { role: role, label: person.label, kind: "dashboard" }));
  return ok(await issueCode(store, principal, person, merchant.value.id, "dashboard-code.create", now));
}

/** A new code for a person who lost their passkeys. Only an owner; a revoked person gets none. */
export async function dashboardRecoveryCode(store: Store, principal: Principal, personId: string, now: number): Promise<Result<IssuedCode, CoreError>> {
  if (!can(principal, "dashboard.recover")) return forbidden("make dashboard recovery codes");
  const person = await store.getCredential(personId);
  const merchantId = person?.merchantId;
  if (person === undefined || merchantId === undefined || !canSee(principal, merchantId) || !isStaffRole(person.role) || person.secretHash !== undefined || person.publicKey !== undefined) {
    return failure("NOT_FOUND", `dashboard person ${personId} does not exist`);
  }
  if (person.revokedAt !== undefined) return failure("CONFLICT", "this person's access was revoked: invite them again instead");
  return ok(await issueCode(store, principal, person, merchantId, "dashboard-code.recover", now));
}

/** Who a code is for, while it can be used: the enrolment page names them before anything happens. */
export async function codePerson(store: Store, code: string, now: number): Promise<{ person: CredentialRecord; code: DashboardCode } | undefined> {
  const hash = codeHashOf(code);
  const record = hash === undefined ? undefined : await store.staff.getDashboardCode(hash);
  if (record === undefined || record.usedAt !== undefined || now > record.expiresAt) return undefined;
  const person = await store.getCredential(record.personId);
  if (person === undefined || person.revokedAt !== undefined) return undefined;
  return { person: person, code: record };
}
