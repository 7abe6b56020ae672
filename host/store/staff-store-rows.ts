/** Rows of the dashboard people's tables as both stores read them, and back to the core's shapes. */
import { DashboardCode, StaffPasskey, StaffSession } from "../core/staff/staff-model";

export interface DashboardCodeRow {
  code_hash: string;
  person_id: string;
  merchant_id: string;
  expires_at: number;
  used_at: number | null;
  created_by: string;
}

export function dashboardCodeFromRow(row: DashboardCodeRow): DashboardCode {
  return { codeHash: row.code_hash, personId: row.person_id, merchantId: row.merchant_id, expiresAt: row.expires_at, usedAt: row.used_at ?? undefined, createdBy: row.created_by };
}

export interface StaffPasskeyRow {
  credential_id: string;
  person_id: string;
  public_key: Buffer;
  counter: number;
  /** Space-separated (WebAuthn's transport names hold no spaces). */
  transports: string;
  created_at: number;
}

export function staffPasskeyFromRow(row: StaffPasskeyRow): StaffPasskey {
  return {
    credentialId: row.credential_id,
    personId: row.person_id,
    publicKey: new Uint8Array(row.public_key),
    counter: row.counter,
    transports: row.transports === "" ? [] : row.transports.split(" "),
    createdAt: row.created_at,
  };
}

export interface StaffSessionRow {
  secret_hash: string;
  person_id: string;
  created_at: number;
  expires_at: number;
}

export function staffSessionFromRow(row: StaffSessionRow): StaffSession {
  return { secretHash: row.secret_hash, personId: row.person_id, createdAt: row.created_at, expiresAt: row.expires_at };
}

/** Why a code cannot be used now, or undefined when it can. */
export function codeRefusal(row: { used_at: number | null; expires_at: number } | undefined, now: number): "unknown" | "used" | "expired" | undefined {
  if (row === undefined) return "unknown";
  if (row.used_at !== null) return "used";
  return now > row.expires_at ? "expired" : undefined;
}
