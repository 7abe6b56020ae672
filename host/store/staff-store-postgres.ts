/**
 * The dashboard people's tables on PostgreSQL (StaffStore). PostgresStore owns the pool and its
 * transactions and hands this adapter both. The tables are made by STAFF_POSTGRES_SCHEMA, run
 * under the store's schema lock each time a database is opened (every statement is idempotent),
 * outside the numbered migrations, which another part of the store grows at the same time.
 * Single use (a code, a challenge) rests on a conditional UPDATE or a DELETE … RETURNING: of two
 * transactions taking the same row, the second waits and then finds nothing to take.
 */
import { NewAuditEntry } from "../core/model";
import { CodeRefusal, DashboardCode, StaffCeremony, StaffChallenge, StaffPasskey, StaffSession } from "../core/staff/staff-model";
import { StaffStore } from "./staff-store";
import { codeRefusal, dashboardCodeFromRow, DashboardCodeRow, staffPasskeyFromRow, StaffPasskeyRow, staffSessionFromRow, StaffSessionRow } from "./staff-store-rows";
import { DuplicateError } from "./store";

export const STAFF_POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS dashboard_codes (
  code_hash TEXT COLLATE "C" PRIMARY KEY, person_id TEXT COLLATE "C" NOT NULL REFERENCES credentials(id),
  merchant_id TEXT COLLATE "C" NOT NULL REFERENCES merchants(id), expires_at BIGINT NOT NULL, used_at BIGINT, created_by TEXT COLLATE "C" NOT NULL);
CREATE TABLE IF NOT EXISTS staff_passkeys (
  credential_id TEXT COLLATE "C" PRIMARY KEY, person_id TEXT COLLATE "C" NOT NULL REFERENCES credentials(id), public_key BYTEA NOT NULL,
  counter BIGINT NOT NULL, transports TEXT COLLATE "C" NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS staff_challenges (
  challenge TEXT COLLATE "C" PRIMARY KEY, person_id TEXT COLLATE "C", kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('enrol', 'login')), expires_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS staff_sessions (
  secret_hash TEXT COLLATE "C" PRIMARY KEY, person_id TEXT COLLATE "C" NOT NULL REFERENCES credentials(id), created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS staff_passkeys_by_person ON staff_passkeys (person_id);
CREATE INDEX IF NOT EXISTS staff_challenges_by_expiry ON staff_challenges (expires_at);
CREATE INDEX IF NOT EXISTS staff_sessions_by_expiry ON staff_sessions (expires_at);
`;

/** The statements PostgresStore runs on a pool or inside one transaction. */
export interface PostgresStatements {
  rows<R>(text: string, values?: unknown[]): Promise<R[]>;
  row<R>(text: string, values?: unknown[]): Promise<R | undefined>;
  run(text: string, values?: unknown[]): Promise<number>;
}

/** PostgresStore's transaction (retried when PostgreSQL cancels it), appending `audit` inside it when given. */
export type PostgresWrite = <T>(work: (sql: PostgresStatements) => Promise<T>, audit?: NewAuditEntry) => Promise<T>;

const UNIQUE_VIOLATION = "23505";

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === UNIQUE_VIOLATION;
}

export class PostgresStaffStore implements StaffStore {
  constructor(
    private readonly autocommit: PostgresStatements,
    private readonly write: PostgresWrite,
  ) {}

  async addDashboardCode(code: DashboardCode, audit: NewAuditEntry): Promise<void> {
    await this.write(async (sql) => {
      await sql.run("INSERT INTO dashboard_codes (code_hash, person_id, merchant_id, expires_at, used_at, created_by) VALUES ($1, $2, $3, $4, NULL, $5)", [
        code.codeHash,
        code.personId,
        code.merchantId,
        code.expiresAt,
        code.createdBy,
      ]);
    }, audit);
  }

  async getDashboardCode(codeHash: string): Promise<DashboardCode | undefined> {
    const row = await this.autocommit.row<DashboardCodeRow>("SELECT * FROM dashboard_codes WHERE code_hash = $1", [codeHash]);
    return row && dashboardCodeFromRow(row);
  }

  async enrolStaffPasskey(codeHash: string, passkey: StaffPasskey, now: number): Promise<{ ok: true } | { ok: false; why: CodeRefusal }> {
    try {
      return await this.write(async (sql): Promise<{ ok: true } | { ok: false; why: CodeRefusal }> => {
        // FOR UPDATE: a second enrolment with the same code waits here, then reads it used.
        const row = await sql.row<DashboardCodeRow>("SELECT * FROM dashboard_codes WHERE code_hash = $1 FOR UPDATE", [codeHash]);
        const refusal = codeRefusal(row, now);
        if (refusal !== undefined || row === undefined || row.person_id !== passkey.personId) return { ok: false, why: refusal ?? "unknown" };
        await sql.run("UPDATE dashboard_codes SET used_at = $1 WHERE code_hash = $2", [now, codeHash]);
        await sql.run("INSERT INTO staff_passkeys (credential_id, person_id, public_key, counter, transports, created_at) VALUES ($1, $2, $3, $4, $5, $6)", [
          passkey.credentialId,
          passkey.personId,
          Buffer.from(passkey.publicKey),
          passkey.counter,
          passkey.transports.join(" "),
          passkey.createdAt,
        ]);
        return { ok: true };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError(`passkey ${passkey.credentialId} is already registered`);
      throw error;
    }
  }

  async saveStaffChallenge(challenge: StaffChallenge, now: number): Promise<void> {
    await this.write(async (sql) => {
      await sql.run("DELETE FROM staff_challenges WHERE expires_at < $1", [now]);
      await sql.run("INSERT INTO staff_challenges (challenge, person_id, kind, expires_at) VALUES ($1, $2, $3, $4)", [challenge.challenge, challenge.personId ?? null, challenge.kind, challenge.expiresAt]);
    });
  }

  async takeStaffChallenge(challenge: string, kind: StaffCeremony, personId: string | undefined, now: number): Promise<boolean> {
    const row = await this.write((sql) =>
      sql.row<{ kind: string; person_id: string | null; expires_at: number }>("DELETE FROM staff_challenges WHERE challenge = $1 RETURNING kind, person_id, expires_at", [challenge]),
    );
    return row !== undefined && row.kind === kind && row.person_id === (personId ?? null) && now <= row.expires_at;
  }

  async getStaffPasskey(credentialId: string): Promise<StaffPasskey | undefined> {
    const row = await this.autocommit.row<StaffPasskeyRow>("SELECT * FROM staff_passkeys WHERE credential_id = $1", [credentialId]);
    return row && staffPasskeyFromRow(row);
  }

  async listStaffPasskeys(personId: string): Promise<StaffPasskey[]> {
    const rows = await this.autocommit.rows<StaffPasskeyRow>("SELECT * FROM staff_passkeys WHERE person_id = $1 ORDER BY created_at, credential_id", [personId]);
    return rows.map(staffPasskeyFromRow);
  }

  async raiseStaffPasskeyCounter(credentialId: string, to: number): Promise<boolean> {
    return (await this.write((sql) => sql.run("UPDATE staff_passkeys SET counter = $1 WHERE credential_id = $2 AND counter < $1", [to, credentialId]))) === 1;
  }

  async addStaffSession(session: StaffSession, now: number): Promise<void> {
    await this.write(async (sql) => {
      await sql.run("DELETE FROM staff_sessions WHERE expires_at < $1", [now]);
      await sql.run("INSERT INTO staff_sessions (secret_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)", [session.secretHash, session.personId, session.createdAt, session.expiresAt]);
    });
  }

  async findStaffSession(secretHash: string, now: number): Promise<StaffSession | undefined> {
    const row = await this.autocommit.row<StaffSessionRow>("SELECT * FROM staff_sessions WHERE secret_hash = $1 AND expires_at > $2", [secretHash, now]);
    return row && staffSessionFromRow(row);
  }

  async deleteStaffSession(secretHash: string): Promise<void> {
    await this.write((sql) => sql.run("DELETE FROM staff_sessions WHERE secret_hash = $1", [secretHash]));
  }
}
