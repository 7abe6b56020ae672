/**
 * What the host keeps about the dashboard's people. A person is a credential of role owner,
 * manager or auditor (host/core/access/credentials.ts) that holds no token secret: they prove
 * themselves with passkeys instead, and their session stands for that credential, so every core
 * permission applies to them exactly as to an API token of the same role, and `stamp tokens
 * revoke` ends their access. Codes and session secrets are kept only as SHA-256 hashes.
 */

/** The roles a dashboard person can have: the people of one merchant. */
export const STAFF_ROLES = ["owner", "manager", "auditor"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(value: string): value is StaffRole {
  return STAFF_ROLES.some((role) => role === value);
}

/** A one-time code that lets its bearer add a passkey to a person: the first one, or a new one after a loss. */
export interface DashboardCode {
  codeHash: string;
  /** The person's credential id. */
  personId: string;
  merchantId: string;
  expiresAt: number;
  usedAt: number | undefined;
  /** The credential that made it. */
  createdBy: string;
}

/** A WebAuthn credential of a dashboard person. */
export interface StaffPasskey {
  /** The credential id, base64url as WebAuthn gives it. */
  credentialId: string;
  personId: string;
  /** The COSE public key as the authenticator gave it. */
  publicKey: Uint8Array;
  /** The authenticator's signature counter (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  createdAt: number;
}

export type StaffCeremony = "enrol" | "login";

/** A WebAuthn challenge for the dashboard: used at most once, within its lifetime. */
export interface StaffChallenge {
  challenge: string;
  /** The person enrolling; undefined for a login (the passkey names its person). */
  personId: string | undefined;
  kind: StaffCeremony;
  expiresAt: number;
}

/** A logged-in browser: the SHA-256 of its cookie's secret, whose person, until when. */
export interface StaffSession {
  secretHash: string;
  personId: string;
  createdAt: number;
  expiresAt: number;
}

/** Why a code did not enrol a passkey. */
export type CodeRefusal = "unknown" | "used" | "expired";
