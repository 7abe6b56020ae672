/**
 * The dashboard people's tables on SQLite (StaffStore). SqliteStore owns the connection and its
 * write transactions and hands this adapter both; the tables are made with the store's own.
 */
import Database from "better-sqlite3";
import { SqliteStatements } from "./sqlite-statements";
import { NewAuditEntry } from "../core/model";
import { CodeRefusal, DashboardCode, StaffCeremony, StaffChallenge, StaffPasskey, StaffSession } from "../core/staff/staff-model";
import { StaffStore } from "./staff-store";
import { codeRefusal, dashboardCodeFromRow, DashboardCodeRow, staffPasskeyFromRow, StaffPasskeyRow, staffSessionFromRow, StaffSessionRow } from "./staff-store-rows";
import { DuplicateError } from "./store";

/** Idempotent, like SQLITE_SCHEMA: opening a database makes what is missing. */
export const STAFF_SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS dashboard_codes (
  code_hash TEXT PRIMARY KEY, person_id TEXT NOT NULL REFERENCES credentials(id),
  merchant_id TEXT NOT NULL REFERENCES merchants(id), expires_at INTEGER NOT NULL, used_at INTEGER, created_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staff_passkeys (
  credential_id TEXT PRIMARY KEY, person_id TEXT NOT NULL REFERENCES credentials(id), public_key BLOB NOT NULL,
  counter INTEGER NOT NULL, transports TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS staff_challenges (
  challenge TEXT PRIMARY KEY, person_id TEXT, kind TEXT NOT NULL CHECK (kind IN ('enrol', 'login')), expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS staff_sessions (
  secret_hash TEXT PRIMARY KEY, person_id TEXT NOT NULL REFERENCES credentials(id), created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS staff_passkeys_by_person ON staff_passkeys (person_id);
CREATE INDEX IF NOT EXISTS staff_challenges_by_expiry ON staff_challenges (expires_at);
CREATE INDEX IF NOT EXISTS staff_sessions_by_expiry ON staff_sessions (expires_at);
`;

/** SqliteStore's write transaction (BEGIN IMMEDIATE, retried while busy), appending `audit` inside it when given. */
export type SqliteWrite = <T>(work: () => T, audit?: NewAuditEntry) => Promise<T>;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && "code" in error && String(error.code).startsWith("SQLITE_CONSTRAINT") && /UNIQUE|PRIMARY KEY/.test(error.message);
}

export class SqliteStaffStore implements StaffStore {
  private readonly statements: SqliteStatements;

  constructor(
    db: Database.Database,
    private readonly write: SqliteWrite,
  ) {
    this.statements = new SqliteStatements(db);
  }

  private sql(text: string): Database.Statement {
    return this.statements.get(text);
  }

  async addDashboardCode(code: DashboardCode, audit: NewAuditEntry): Promise<void> {
    await this.write(() => {
      this.sql("INSERT INTO dashboard_codes (code_hash, person_id, merchant_id, expires_at, used_at, created_by) VALUES (?, ?, ?, ?, NULL, ?)").run(
        code.codeHash,
        code.personId,
        code.merchantId,
        code.expiresAt,
        code.createdBy,
      );
    }, audit);
  }

  async getDashboardCode(codeHash: string): Promise<DashboardCode | undefined> {
    const row = this.sql("SELECT * FROM dashboard_codes WHERE code_hash = ?").get(codeHash) as DashboardCodeRow | undefined;
    return row && dashboardCodeFromRow(row);
  }

  async enrolStaffPasskey(codeHash: string, passkey: StaffPasskey, now: number): Promise<{ ok: true } | { ok: false; why: CodeRefusal }> {
    try {
      return await this.write((): { ok: true } | { ok: false; why: CodeRefusal } => {
        const row = this.sql("SELECT * FROM dashboard_codes WHERE code_hash = ?").get(codeHash) as DashboardCodeRow | undefined;
        const refusal = codeRefusal(row, now);
        if (refusal !== undefined || row === undefined || row.person_id !== passkey.personId) return { ok: false, why: refusal ?? "unknown" };
        this.sql("UPDATE dashboard_codes SET used_at = ? WHERE code_hash = ?").run(now, codeHash);
        this.sql("INSERT INTO staff_passkeys (credential_id, person_id, public_key, counter, transports, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(
          passkey.credentialId,
          passkey.personId,
          Buffer.from(passkey.publicKey),
          passkey.counter,
          passkey.transports.join(" "),
          passkey.createdAt,
        );
        return { ok: true };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError(`passkey ${passkey.credentialId} is already registered`);
      throw error;
    }
  }

  async saveStaffChallenge(challenge: StaffChallenge, now: number): Promise<void> {
    await this.write(() => {
      this.sql("DELETE FROM staff_challenges WHERE expires_at < ?").run(now);
      this.sql("INSERT INTO staff_challenges (challenge, person_id, kind, expires_at) VALUES (?, ?, ?, ?)").run(challenge.challenge, challenge.personId ?? null, challenge.kind, challenge.expiresAt);
    });
  }

  async takeStaffChallenge(challenge: string, kind: StaffCeremony, personId: string | undefined, now: number): Promise<boolean> {
    const row = await this.write(
      () => this.sql("DELETE FROM staff_challenges WHERE challenge = ? RETURNING kind, person_id, expires_at").get(challenge) as { kind: string; person_id: string | null; expires_at: number } | undefined,
    );
    return row !== undefined && row.kind === kind && row.person_id === (personId ?? null) && now <= row.expires_at;
  }

  async getStaffPasskey(credentialId: string): Promise<StaffPasskey | undefined> {
    const row = this.sql("SELECT * FROM staff_passkeys WHERE credential_id = ?").get(credentialId) as StaffPasskeyRow | undefined;
    return row && staffPasskeyFromRow(row);
  }

  async listStaffPasskeys(personId: string): Promise<StaffPasskey[]> {
    const rows = this.sql("SELECT * FROM staff_passkeys WHERE person_id = ? ORDER BY created_at, credential_id").all(personId) as StaffPasskeyRow[];
    return rows.map(staffPasskeyFromRow);
  }

  async raiseStaffPasskeyCounter(credentialId: string, to: number): Promise<boolean> {
    return this.write(() => this.sql("UPDATE staff_passkeys SET counter = ? WHERE credential_id = ? AND counter < ?").run(to, credentialId, to).changes === 1);
  }

  async addStaffSession(session: StaffSession, now: number): Promise<void> {
    await this.write(() => {
      this.sql("DELETE FROM staff_sessions WHERE expires_at < ?").run(now);
      this.sql("INSERT INTO staff_sessions (secret_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)").run(session.secretHash, session.personId, session.createdAt, session.expiresAt);
    });
  }

  async findStaffSession(secretHash: string, now: number): Promise<StaffSession | undefined> {
    const row = this.sql("SELECT * FROM staff_sessions WHERE secret_hash = ? AND expires_at > ?").get(secretHash, now) as StaffSessionRow | undefined;
    return row && staffSessionFromRow(row);
  }

  async deleteStaffSession(secretHash: string): Promise<void> {
    await this.write(() => {
      this.sql("DELETE FROM staff_sessions WHERE secret_hash = ?").run(secretHash);
    });
  }
}
