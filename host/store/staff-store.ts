import { NewAuditEntry } from "../core/model";
import { CodeRefusal, DashboardCode, StaffCeremony, StaffChallenge, StaffPasskey, StaffSession } from "../core/staff/staff-model";

/**
 * The part of the Store port about the dashboard's people (host/core/staff): one-time codes,
 * passkeys, WebAuthn challenges and sessions. Each method is one atomic step, as every Store
 * method; the people themselves are credentials (Store.addCredential).
 */
export interface StaffStore {
  /** Keeps a new code, with its audit entry, in one step. */
  addDashboardCode(code: DashboardCode, audit: NewAuditEntry): Promise<void>;
  getDashboardCode(codeHash: string): Promise<DashboardCode | undefined>;
  /**
   * Uses the code once and adds the passkey to the code's person, atomically: of two uses of one
   * code only the first adds anything. DuplicateError when the passkey is already registered.
   */
  enrolStaffPasskey(codeHash: string, passkey: StaffPasskey, now: number): Promise<{ ok: true } | { ok: false; why: CodeRefusal }>;

  /** Keeps a challenge; expired ones are deleted first. */
  saveStaffChallenge(challenge: StaffChallenge, now: number): Promise<void>;
  /** Deletes the challenge and says whether it was there, of this kind and person, unexpired: only the first use gets true. */
  takeStaffChallenge(challenge: string, kind: StaffCeremony, personId: string | undefined, now: number): Promise<boolean>;
  getStaffPasskey(credentialId: string): Promise<StaffPasskey | undefined>;
  listStaffPasskeys(personId: string): Promise<StaffPasskey[]>;
  /** Sets the signature counter only if it is below `to`; false (nothing written) otherwise. */
  raiseStaffPasskeyCounter(credentialId: string, to: number): Promise<boolean>;

  /** Keeps a session; expired sessions are deleted first. */
  addStaffSession(session: StaffSession, now: number): Promise<void>;
  /** The unexpired session with this secret hash. */
  findStaffSession(secretHash: string, now: number): Promise<StaffSession | undefined>;
  deleteStaffSession(secretHash: string): Promise<void>;
}
