import { lastTapFromRow, LastTapRow, lastTapSql, SHOP_COLUMNS, shopFromRow, ShopRow } from "./shop-rows";
import Database from "better-sqlite3";
import { setImmediate } from "node:timers";
import { Purpose } from "../../shared/protocol-constants";
import { CardEvent, LoyaltyProgram, Passkey, WebAuthnCeremony, WebAuthnChallenge, Worker, WorkerInvitation } from "../core/phone/card-model";
import { InvitationOutcome } from "./card-store";
import { auditEntryHash } from "../ledger/audit-chain";
import { Checkpoint } from "../ledger/checkpoint";
import { GENESIS } from "../ledger/chain-hash";
import { ledgerEventHashV2 } from "../ledger/ledger-event-hash";
import {
  ApprovedFirmware,
  AuditEntry,
  CredentialRecord,
  EnrolmentCode,
  IssuedChallenge,
  LedgerEvent,
  Merchant,
  NamedAlert,
  NamedEvent,
  NewAlert,
  NewAuditEntry,
  Shop,
  GeoPoint,
  LastAcceptedTap,
  SignedCounter,
  StampRecord,
  StampStatus,
  Verifier,
} from "../core/model";
import { StationRole } from "../core/access/principal";
import { ADDED_COLUMNS, SQLITE_INDEXES, SQLITE_SCHEMA, STAMP_LABEL_INDEX } from "./sqlite-schema";
import { SqliteAnalytics } from "./analytics-sqlite";
import { SqliteStaffStore, STAFF_SQLITE_SCHEMA } from "./staff-store-sqlite";
import { SqliteVoucherStore, VOUCHER_SQLITE_SCHEMA } from "./voucher-store-sqlite";
import {
  alertFromRow,
  AlertRow,
  auditFromRow,
  AuditRow,
  cardEventFromRow,
  CardEventRow,
  challengeFromRow,
  challengeInsertValues,
  ChallengeRow,
  credentialFromRow,
  CredentialRow,
  eventFromRow,
  LedgerRow,
  NameColumns,
  StationLabelColumn,
  namesFromRow,
  passkeyFromRow,
  PasskeyRow,
  passkeyTransportsText,
  workerFromRow,
  workerInvitationFromRow,
  WorkerInvitationRow,
  WorkerRow,
} from "./store-rows";
import {
  DuplicateError,
  EnrolmentOutcome,
  EventFilter,
  HistoryPage,
  IdPage,
  StoreBusyError,
  Store,
  TapCommit,
  TapCommitOutcome,
} from "./store";

interface StampRow {
  id: string;
  public_key: Buffer;
  label: string;
  merchant_id: string;
  status: StampStatus;
  last_counter: number;
  registered_at: number;
  firmware_hash: string | null;
}

interface VerifierRow {
  id: string;
  shop_id: string;
  label: string;
  require_presence: number;
  purpose: Purpose;
  quantity: number;
}

function verifierFromRow(row: VerifierRow): Verifier {
  return { id: row.id, shopId: row.shop_id, label: row.label, requirePresence: row.require_presence === 1, purpose: row.purpose, quantity: row.quantity };
}

function errorCode(error: unknown): string {
  return error instanceof Error && "code" in error ? String(error.code) : "";
}

function isUniqueViolation(error: unknown): boolean {
  return errorCode(error).startsWith("SQLITE_CONSTRAINT") && String((error as Error).message).includes("UNIQUE");
}

function isBusy(error: unknown): boolean {
  return errorCode(error).startsWith("SQLITE_BUSY") || errorCode(error).startsWith("SQLITE_LOCKED");
}

/** Prepared once per SQL text and connection: preparing is a large share of a tap's cost otherwise. */
function prepared(db: Database.Database, cache: Map<string, Database.Statement>, text: string): Database.Statement {
  let statement = cache.get(text);
  if (statement === undefined) {
    statement = db.prepare(text);
    cache.set(text, statement);
  }
  return statement;
}

/** Thrown inside a transaction to roll it back and report why. */
class Abort {
  constructor(readonly outcome: TapCommitOutcome) {}
}


/**
 * How long SQLite itself may block the event loop waiting for another process's write lock.
 * better-sqlite3 is synchronous: a long busy timeout freezes every request of this process, so
 * the wait is short and the store retries asynchronously, yielding to other requests between
 * tries, until BUSY_DEADLINE_MS; then StoreBusyError (HTTP 503 with Retry-After).
 */
const BUSY_TIMEOUT_MS = 10;
const BUSY_DEADLINE_MS = 2_000;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** At most this many writes share one transaction; the rest wait for the next (on the next turn). */
const MAX_BATCH = 256;

interface QueuedWrite {
  work: () => unknown;
  /** When StoreBusyError is due for this write: BUSY_DEADLINE_MS after it was asked for, as before batching. */
  deadline: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit for one connection: the writes asked for while the event loop is busy share one
 * BEGIN IMMEDIATE … COMMIT, and so one disk sync (synchronous = FULL in WAL mode syncs the WAL at
 * each COMMIT), instead of one sync each.
 *
 * Ordering. run() only queues the write; the batch runs on the next turn of the event loop
 * (setImmediate, from node:timers so that tests faking the global timers do not stall it), after
 * the I/O callbacks of this turn, so the requests that arrived together (while the previous sync
 * blocked the loop) are collected. The batch is one synchronous run: BEGIN IMMEDIATE, then each
 * write in queue order inside its own SAVEPOINT, then COMMIT. Nothing else can use the connection
 * in between (better-sqlite3 is synchronous), and each write sees the writes before it in the
 * batch exactly as if they had committed just before it: a challenge spent by the first of two
 * taps is spent for the second, the ledger's hash chain continues from the last appended event.
 * A write that throws (a tap's Abort outcome, a DuplicateError, any error of its own) is rolled
 * back to its savepoint alone; the others go on.
 *
 * Durability. No write's promise settles before the COMMIT has returned: every result (a
 * "committed", a "challenge-used", a DuplicateError …) is handed back only once the state it was
 * computed from is on disk, so an acknowledged tap is as durable as with one transaction per tap,
 * and no caller learns of an outcome that a failed COMMIT then undid. If the transaction fails
 * as a whole (the COMMIT throws, e.g. a deferred constraint or a disk error, or SQLite rolled the
 * transaction back itself after an I/O or full-disk error inside a write), it is rolled back and
 * every write of the batch is rejected with that error: nothing of any of them is written, and
 * the callers' own error paths apply (HTTP 500 / retry), as for a failed single transaction.
 *
 * Busy. When another process holds the write lock (BEGIN IMMEDIATE returns SQLITE_BUSY after
 * BUSY_TIMEOUT_MS), the batch waits asynchronously (other requests go on), takes in the writes
 * queued meanwhile and tries again; a write still waiting BUSY_DEADLINE_MS after it was asked for
 * is rejected with StoreBusyError (HTTP 503 with Retry-After), as before batching.
 */
class GroupCommit {
  private queue: QueuedWrite[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.begin = db.prepare("BEGIN IMMEDIATE");
    this.commit = db.prepare("COMMIT");
    this.rollback = db.prepare("ROLLBACK");
    this.savepoint = db.prepare("SAVEPOINT one_write");
    this.release = db.prepare("RELEASE one_write");
    this.rollbackTo = db.prepare("ROLLBACK TO one_write");
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work: work, deadline: Date.now() + BUSY_DEADLINE_MS, resolve: resolve as (value: unknown) => void, reject: reject });
      this.schedule();
    });
  }

  /** Resolves once every write asked for so far has settled (for close()). */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    let batch = this.queue.splice(0, MAX_BATCH);
    for (;;) {
      let outcome: Settled[] | "busy";
      try {
        outcome = this.attempt(batch);
      } catch (error) {
        for (const entry of batch) entry.reject(error);
        break;
      }
      if (outcome !== "busy") {
        // Only now, the COMMIT having returned (the WAL synced), does any caller hear its result.
        outcome.forEach((settled, i) => (settled.ok ? batch[i].resolve(settled.value) : batch[i].reject(settled.error)));
        break;
      }
      const now = Date.now();
      for (const entry of batch) if (now >= entry.deadline) entry.reject(new StoreBusyError("the database is busy (locked by another writer)"));
      batch = batch.filter((entry) => now < entry.deadline);
      await pause(5 + Math.random() * 20);
      batch.push(...this.queue.splice(0, MAX_BATCH - batch.length));
      if (batch.length === 0) break;
    }
    this.running = false;
    if (this.queue.length > 0) this.schedule();
    else for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** One transaction for the batch: each write's result, or "busy" (nothing written: try again later); throws when the transaction failed as a whole (nothing written). */
  private attempt(batch: QueuedWrite[]): Settled[] | "busy" {
    try {
      this.begin.run();
    } catch (error) {
      if (isBusy(error)) return "busy";
      throw error;
    }
    try {
      const results: Settled[] = [];
      for (const entry of batch) {
        this.savepoint.run();
        try {
          const value = entry.work();
          this.release.run();
          results.push({ ok: true, value: value });
        } catch (error) {
          // SQLite ends the whole transaction itself after some errors (disk full, I/O, out of
          // memory): then the writes before this one are gone too, and the batch fails as a whole.
          if (!this.db.inTransaction || isBusy(error)) throw error;
          this.rollbackTo.run();
          this.release.run();
          results.push({ ok: false, error: error });
        }
      }
      this.commit.run();
      return results;
    } catch (error) {
      // A failed COMMIT (a deferred constraint, a disk error) leaves the transaction open: undo it.
      if (this.db.inTransaction) this.rollback.run();
      if (isBusy(error)) return "busy";
      throw error;
    }
  }
}

/**
 * The store on an SQLite file in WAL mode. Every write runs in a BEGIN IMMEDIATE transaction,
 * which takes the database's write lock up front: two processes sharing the file serialize, so
 * a challenge is consumed once and a counter only ever rises, whichever process gets there.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** A second connection for request nonces only (see useRequestNonce). */
  private readonly nonceDb: Database.Database;
  private readonly nonceStatements = new Map<string, Database.Statement>();
  /** Every write of each connection goes through its group commit (see GroupCommit). */
  private readonly writes: GroupCommit;
  private readonly nonceWrites: GroupCommit;
  readonly staff: SqliteStaffStore;
  readonly vouchers: SqliteVoucherStore;
  /** An embedded file has no channel between processes: each streams the verdicts it decides. */
  readonly verdictChannel = undefined;
  readonly analytics: SqliteAnalytics;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma("synchronous = FULL");
    this.runWhenFree(() => {
      this.db.exec(SQLITE_SCHEMA);
      this.addMissingColumns();
      this.db.exec(SQLITE_INDEXES);
      this.addLabelIndex();
      this.db.exec(STAFF_SQLITE_SCHEMA);
      this.db.exec(VOUCHER_SQLITE_SCHEMA);
    });
    this.vouchers = new SqliteVoucherStore(this.db, (work, audit) =>
      this.write(() => {
        const result = work();
        if (audit !== undefined) this.appendAudit(audit);
        return result;
      }),
    );
    this.staff = new SqliteStaffStore(this.db, (work, audit) =>
      this.write(() => {
        const result = work();
        if (audit !== undefined) this.appendAudit(audit);
        return result;
      }),
    );
    this.analytics = new SqliteAnalytics(this.db);
    this.writes = new GroupCommit(this.db);
    this.nonceDb = new Database(path);
    this.nonceDb.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.nonceDb.pragma("synchronous = NORMAL");
    this.nonceWrites = new GroupCommit(this.nonceDb);
  }

  /** Opening waits for a lock held by another process (schema statements need it), blocking once at start-up only. */
  private runWhenFree(work: () => void): void {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        return work();
      } catch (error) {
        if (!isBusy(error) || Date.now() > deadline) throw error;
      }
    }
  }

  /**
   * Stamp labels are unique within a merchant (among stamps not revoked). A database made before that rule may already hold
   * two stamps of one merchant with one label: it still opens (addStamp refuses new clashes
   * itself), and those stamps are named by id until one is relabelled.
   */
  private addLabelIndex(): void {
    try {
      this.db.exec(STAMP_LABEL_INDEX);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  /** Databases made before a column existed get it (with a default, so old rows stay valid). */
  private addMissingColumns(): void {
    for (const [table, column, definition] of ADDED_COLUMNS) {
      const columns = this.db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
      if (!columns.includes(column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    }
  }

  private sql(text: string): Database.Statement {
    return prepared(this.db, this.statements, text);
  }

  private nonceSql(text: string): Database.Statement {
    return prepared(this.nonceDb, this.nonceStatements, text);
  }

  /**
   * Runs `work` in a write transaction, shared with the other writes asked for in the same turn
   * of the event loop (GroupCommit): resolves with its result once that transaction has
   * committed; rejects with what `work` threw (nothing of it written), with the transaction's own
   * error (nothing of the batch written) or with StoreBusyError.
   */
  private write<T>(work: () => T, writes: GroupCommit = this.writes): Promise<T> {
    return writes.run(work);
  }

  private async insertUnique(what: string, insert: () => void): Promise<void> {
    await this.write(() => {
      try {
        insert();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateError(what + " is already registered");
        throw error;
      }
    });
  }

  /** Appends to the audit chain; must run inside a write transaction. */
  private appendAudit(entry: NewAuditEntry): void {
    const last = this.sql("SELECT sequence, hash FROM audit ORDER BY sequence DESC LIMIT 1").get() as { sequence: number; hash: string } | undefined;
    const unhashed = { ...entry, sequence: last ? last.sequence + 1 : 1, previousHash: last ? last.hash : GENESIS };
    const hashed: AuditEntry = { ...unhashed, hash: auditEntryHash(unhashed) };
    this.sql(
      `INSERT INTO audit (sequence, at, actor, merchant_id, action, subject, detail, previous_hash, hash)
       VALUES (@sequence, @at, @actor, @merchantId, @action, @subject, @detail, @previousHash, @hash)`,
    ).run(hashed);
  }

  async addMerchant(merchant: Merchant, audit: NewAuditEntry): Promise<void> {
    await this.insertUnique("merchant " + merchant.id, () => {
      this.sql("INSERT INTO merchants (id, name) VALUES (?, ?)").run(merchant.id, merchant.name);
      this.appendAudit(audit);
    });
  }

  async addShop(shop: Shop, audit: NewAuditEntry): Promise<void> {
    await this.insertUnique("shop " + shop.id, () => {
      this.sql("INSERT INTO shops (id, merchant_id, name) VALUES (?, ?, ?)").run(shop.id, shop.merchantId, shop.name);
      this.appendAudit(audit);
    });
  }

  async addVerifier(verifier: Verifier, audit: NewAuditEntry): Promise<void> {
    await this.insertUnique("verifier " + verifier.id, () => {
      this.sql("INSERT INTO verifiers (id, shop_id, label, require_presence, purpose, quantity) VALUES (?, ?, ?, ?, ?, ?)").run(
        verifier.id,
        verifier.shopId,
        verifier.label,
        verifier.requirePresence ? 1 : 0,
        verifier.purpose,
        verifier.quantity,
      );
      this.appendAudit(audit);
    });
  }

  async updateVerifier(verifier: Verifier, audit: NewAuditEntry): Promise<boolean> {
    return this.write(() => {
      const changes = this.sql("UPDATE verifiers SET label = ?, require_presence = ?, purpose = ?, quantity = ? WHERE id = ?").run(
        verifier.label,
        verifier.requirePresence ? 1 : 0,
        verifier.purpose,
        verifier.quantity,
        verifier.id,
      ).changes;
      if (changes === 1) this.appendAudit(audit);
      return changes === 1;
    });
  }

  async addStamp(stamp: StampRecord, provisioningChallenge: string, audit: NewAuditEntry): Promise<"added" | "challenge-used"> {
    let outcome: "added" | "challenge-used" = "added";
    await this.insertUnique("stamp " + stamp.id + " (or its public key)", () => {
      // The proof's challenge is spent in the same transaction: one proof, one registration.
      const used = this.sql("UPDATE provisioning_challenges SET used_at = ? WHERE challenge = ? AND used_at IS NULL").run(stamp.registeredAt, provisioningChallenge);
      if (used.changes !== 1) {
        outcome = "challenge-used";
        return;
      }
      // Labels are unique within a merchant among stamps in service: people name stamps by label (`stamp stamps show s1`).
      const sameLabel = this.sql("SELECT id FROM stamps WHERE merchant_id = ? AND label = ? AND status <> 'revoked'").pluck().get(stamp.merchantId, stamp.label) as string | undefined;
      if (sameLabel !== undefined) throw new DuplicateError(`the label "${stamp.label}" is already used by stamp ${sameLabel} of this merchant: give each stamp its own label`);
      this.sql(
        "INSERT INTO stamps (id, public_key, label, merchant_id, status, last_counter, registered_at, firmware_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ).run(stamp.id, Buffer.from(stamp.publicKey), stamp.label, stamp.merchantId, stamp.status, stamp.lastCounter, stamp.registeredAt, stamp.firmwareHash ?? null);
      const bindShop = this.sql("INSERT INTO stamp_shops (stamp_id, shop_id) VALUES (?, ?)");
      for (const shopId of stamp.shopIds) bindShop.run(stamp.id, shopId);
      const bindVerifier = this.sql("INSERT INTO stamp_verifiers (stamp_id, verifier_id) VALUES (?, ?)");
      for (const verifierId of stamp.verifierIds) bindVerifier.run(stamp.id, verifierId);
      this.appendAudit(audit);
    });
    return outcome;
  }

  async getMerchant(id: string): Promise<Merchant | undefined> {
    return this.sql("SELECT id, name FROM merchants WHERE id = ?").get(id) as Merchant | undefined;
  }

  async getShop(id: string): Promise<Shop | undefined> {
    const row = this.sql(`SELECT ${SHOP_COLUMNS} FROM shops WHERE id = ?`).get(id) as ShopRow | undefined;
    return row && shopFromRow(row);
  }

  async lastAcceptedTap(stampId: string): Promise<LastAcceptedTap | undefined> {
    const row = this.sql(lastTapSql("?")).get(stampId) as LastTapRow | undefined;
    return row && lastTapFromRow(row);
  }

  async setShopLocation(shopId: string, location: GeoPoint | undefined, audit: NewAuditEntry): Promise<boolean> {
    return this.write(() => {
      const changes = this.sql("UPDATE shops SET latitude = ?, longitude = ? WHERE id = ?").run(location?.latitude ?? null, location?.longitude ?? null, shopId).changes;
      if (changes === 1) this.appendAudit(audit);
      return changes === 1;
    });
  }

  async getVerifier(id: string): Promise<Verifier | undefined> {
    const row = this.sql("SELECT * FROM verifiers WHERE id = ?").get(id) as VerifierRow | undefined;
    return row && verifierFromRow(row);
  }

  async listMerchants(only: string | undefined, page: IdPage): Promise<Merchant[]> {
    return this.sql("SELECT id, name FROM merchants WHERE (@only IS NULL OR id = @only) AND id > @after ORDER BY id LIMIT @limit").all({
      only: only ?? null,
      after: page.after ?? "",
      limit: page.limit,
    }) as Merchant[];
  }

  async listShops(merchantId: string, page: IdPage): Promise<Shop[]> {
    const rows = this.sql(`SELECT ${SHOP_COLUMNS} FROM shops WHERE merchant_id = ? AND id > ? ORDER BY id LIMIT ?`).all(merchantId, page.after ?? "", page.limit) as ShopRow[];
    return rows.map(shopFromRow);
  }

  async listVerifiers(merchantId: string, page: IdPage): Promise<Verifier[]> {
    const rows = this.sql(
      "SELECT v.* FROM verifiers v JOIN shops s ON s.id = v.shop_id WHERE s.merchant_id = ? AND v.id > ? ORDER BY v.id LIMIT ?",
    ).all(merchantId, page.after ?? "", page.limit) as VerifierRow[];
    return rows.map(verifierFromRow);
  }

  private stampFromRow(row: StampRow): StampRecord {
    return {
      id: row.id,
      publicKey: new Uint8Array(row.public_key),
      label: row.label,
      merchantId: row.merchant_id,
      shopIds: this.sql("SELECT shop_id FROM stamp_shops WHERE stamp_id = ? ORDER BY shop_id").pluck().all(row.id) as string[],
      verifierIds: this.sql("SELECT verifier_id FROM stamp_verifiers WHERE stamp_id = ? ORDER BY verifier_id").pluck().all(row.id) as string[],
      status: row.status,
      lastCounter: row.last_counter,
      registeredAt: row.registered_at,
      firmwareHash: row.firmware_hash ?? undefined,
    };
  }

  async getStamp(id: string): Promise<StampRecord | undefined> {
    const row = this.sql("SELECT * FROM stamps WHERE id = ?").get(id) as StampRow | undefined;
    return row && this.stampFromRow(row);
  }

  async listStamps(merchantId: string, page: IdPage & { label?: string }): Promise<StampRecord[]> {
    const rows = this.sql("SELECT * FROM stamps WHERE merchant_id = @merchantId AND (@label IS NULL OR label = @label) AND id > @after ORDER BY id LIMIT @limit").all({
      merchantId: merchantId,
      label: page.label ?? null,
      after: page.after ?? "",
      limit: page.limit,
    }) as StampRow[];
    return rows.map((row) => this.stampFromRow(row));
  }

  async setStampStatus(id: string, from: StampStatus[], to: StampStatus, audit: NewAuditEntry): Promise<boolean> {
    return this.write(() => {
      const row = this.sql("SELECT status FROM stamps WHERE id = ?").get(id) as { status: StampStatus } | undefined;
      if (row === undefined || !from.includes(row.status)) return false;
      this.sql("UPDATE stamps SET status = ? WHERE id = ?").run(to, id);
      this.appendAudit(audit);
      return true;
    });
  }

  async addCredential(credential: CredentialRecord, audit: NewAuditEntry, onlyIfNoOperator = false): Promise<boolean> {
    let added = false;
    await this.insertUnique("credential " + credential.id, () => {
      if (onlyIfNoOperator && this.sql("SELECT 1 FROM credentials WHERE role = 'operator' LIMIT 1").get() !== undefined) return;
      this.insertCredential(credential);
      this.appendAudit(audit);
      added = true;
    });
    return added;
  }

  private insertCredential(c: CredentialRecord): void {
    this.sql(
      `INSERT INTO credentials (id, role, merchant_id, verifier_id, label, secret_hash, public_key, created_at, expires_at, revoked_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      c.id,
      c.role,
      c.merchantId ?? null,
      c.verifierId ?? null,
      c.label,
      c.secretHash ?? null,
      c.publicKey === undefined ? null : Buffer.from(c.publicKey),
      c.createdAt,
      c.expiresAt ?? null,
      c.revokedAt ?? null,
      c.createdBy,
    );
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    const row = this.sql("SELECT * FROM credentials WHERE id = ?").get(id) as CredentialRow | undefined;
    return row && credentialFromRow(row);
  }

  async findTokenCredential(secretHash: string): Promise<CredentialRecord | undefined> {
    const row = this.sql("SELECT * FROM credentials WHERE secret_hash = ?").get(secretHash) as CredentialRow | undefined;
    return row && credentialFromRow(row);
  }

  async listCredentials(merchantId: string | undefined, page: IdPage): Promise<CredentialRecord[]> {
    const rows = this.sql("SELECT * FROM credentials WHERE (@merchant IS NULL OR merchant_id = @merchant) AND id > @after ORDER BY id LIMIT @limit").all({
      merchant: merchantId ?? null,
      after: page.after ?? "",
      limit: page.limit,
    }) as CredentialRow[];
    return rows.map(credentialFromRow);
  }

  async revokeCredential(id: string, at: number, audit: NewAuditEntry): Promise<boolean> {
    return this.write(() => {
      const changes = this.sql("UPDATE credentials SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(at, id).changes;
      if (changes === 1) this.appendAudit(audit);
      return changes === 1;
    });
  }

  async addEnrolmentCode(code: EnrolmentCode, audit: NewAuditEntry): Promise<void> {
    await this.write(() => {
      this.sql("INSERT INTO enrolment_codes (code_hash, role, merchant_id, verifier_id, expires_at, used_at, created_by) VALUES (?, ?, ?, ?, ?, NULL, ?)").run(
        code.codeHash,
        code.role,
        code.merchantId,
        code.verifierId ?? null,
        code.expiresAt,
        code.createdBy,
      );
      this.appendAudit(audit);
    });
  }

  async redeemEnrolmentCode(
    codeHash: string,
    now: number,
    credentialFor: (code: EnrolmentCode) => CredentialRecord,
    auditFor: (credential: CredentialRecord) => NewAuditEntry,
  ): Promise<EnrolmentOutcome> {
    let outcome: EnrolmentOutcome = { ok: false, why: "unknown" };
    await this.insertUnique("station key", () => {
      const row = this.sql("SELECT * FROM enrolment_codes WHERE code_hash = ?").get(codeHash) as
        | { role: StationRole; merchant_id: string; verifier_id: string | null; expires_at: number; used_at: number | null; created_by: string }
        | undefined;
      if (row === undefined) return;
      if (row.used_at !== null) {
        outcome = { ok: false, why: "used" };
        return;
      }
      if (now > row.expires_at) {
        outcome = { ok: false, why: "expired" };
        return;
      }
      this.sql("UPDATE enrolment_codes SET used_at = ? WHERE code_hash = ?").run(now, codeHash);
      const credential = credentialFor({
        codeHash: codeHash,
        role: row.role,
        merchantId: row.merchant_id,
        verifierId: row.verifier_id ?? undefined,
        expiresAt: row.expires_at,
        createdBy: row.created_by,
      });
      this.insertCredential(credential);
      this.appendAudit(auditFor(credential));
      outcome = { ok: true, credential: credential };
    });
    return outcome;
  }

  /**
   * On its own connection with synchronous = NORMAL: single use holds across processes (the
   * same table, the same write lock), but the nonce is not synced to disk before the answer. A
   * power cut can forget the last seconds of nonces, so a request captured just before it could
   * be replayed within its 60 s window: a replayed challenge request gets a fresh challenge, a
   * replayed tap meets its spent challenge (that write is synced), a replayed change is the same
   * change again. That buys one disk sync less per request.
   */
  async useRequestNonce(credentialId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    return this.write(() => {
      this.nonceSql("DELETE FROM request_nonces WHERE expires_at < ?").run(now);
      return this.nonceSql("INSERT OR IGNORE INTO request_nonces (credential_id, nonce, expires_at) VALUES (?, ?, ?)").run(credentialId, nonce, expiresAt).changes === 1;
    }, this.nonceWrites);
  }

  async approveFirmware(firmware: ApprovedFirmware, audit: NewAuditEntry): Promise<void> {
    await this.insertUnique("firmware " + firmware.hash, () => {
      this.sql("INSERT INTO firmware (hash, label, approved_at) VALUES (?, ?, ?)").run(firmware.hash, firmware.label, firmware.approvedAt);
      this.appendAudit(audit);
    });
  }

  async isFirmwareApproved(hash: string): Promise<boolean> {
    return this.sql("SELECT 1 FROM firmware WHERE hash = ?").get(hash) !== undefined;
  }

  async listFirmware(): Promise<ApprovedFirmware[]> {
    return this.sql("SELECT hash, label, approved_at AS approvedAt FROM firmware ORDER BY approved_at, hash").all() as ApprovedFirmware[];
  }

  async saveProvisioningChallenge(challenge: string, credentialId: string, expiresAt: number): Promise<void> {
    await this.write(() => {
      this.sql("DELETE FROM provisioning_challenges WHERE expires_at < ?").run(expiresAt - 24 * 3600_000);
      this.sql("INSERT INTO provisioning_challenges (challenge, credential_id, expires_at, used_at) VALUES (?, ?, ?, NULL)").run(challenge, credentialId, expiresAt);
    });
  }

  async getProvisioningChallenge(challenge: string): Promise<{ credentialId: string; expiresAt: number; used: boolean } | undefined> {
    const row = this.sql("SELECT credential_id, expires_at, used_at FROM provisioning_challenges WHERE challenge = ?").get(challenge) as
      | { credential_id: string; expires_at: number; used_at: number | null }
      | undefined;
    return row && { credentialId: row.credential_id, expiresAt: row.expires_at, used: row.used_at !== null };
  }

  async saveChallenge(challenge: IssuedChallenge, maxOpen: number, now: number): Promise<"saved" | "oldest-retired"> {
    return this.write(() => {
      // Expired challenges can never be accepted again: deleting them keeps the table bounded by
      // the open-challenge cap. (A replay of a purged one is refused as UNKNOWN_CHALLENGE.)
      this.sql("DELETE FROM challenges WHERE verifier_id = ? AND expires_at < ?").run(challenge.verifierId, now);
      // Counted per station: one station flooding its verifier fills only its own share, never the
      // other stations' (docs/security.md, "Open challenges"). At its share, the station's oldest
      // unused challenges make room: the newest is the one a genuine press at that counter answers,
      // and a reply to a deleted one is refused as UNKNOWN_CHALLENGE. The write lock makes retiring
      // and inserting one step, so the station never holds more than maxOpen.
      const retired = this.sql(
        `DELETE FROM challenges WHERE used_at IS NULL AND nonce IN (
           SELECT nonce FROM challenges WHERE verifier_id = ? AND station_id = ? AND used_at IS NULL
           ORDER BY expires_at DESC, nonce DESC LIMIT -1 OFFSET ?)`,
      ).run(challenge.verifierId, challenge.stationId, Math.max(maxOpen - 1, 0));
      this.sql(
        `INSERT INTO challenges (nonce, verifier_id, issued_at, expires_at, purpose, quantity, card_id, voucher_id, order_ref, amount, currency, station_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...challengeInsertValues(challenge));
      return retired.changes > 0 ? "oldest-retired" : "saved";
    });
  }

  async getChallenge(nonce: string): Promise<IssuedChallenge | undefined> {
    const row = this.sql("SELECT * FROM challenges WHERE nonce = ?").get(nonce) as ChallengeRow | undefined;
    return row && challengeFromRow(row);
  }

  async findSignedCounters(stampId: string, counter: number): Promise<SignedCounter[]> {
    return this.sql(
      `SELECT stamp_id AS stampId, counter, nonce, verifier_id AS verifierId, challenge_issued_at AS challengeIssuedAt,
         purpose, quantity, response, at FROM signed_counters WHERE stamp_id = ? AND counter = ? ORDER BY at, nonce`,
    ).all(stampId, counter) as SignedCounter[];
  }

  async commitTap(commit: TapCommit): Promise<TapCommitOutcome> {
    try {
      return await this.write((): TapCommitOutcome => {
        const challenge = commit.challenge;
        if (challenge !== undefined) {
          // The challenge is spent only here, by a validly signed response: junk that merely names
          // a nonce someone overheard cannot burn it.
          const used = this.sql("UPDATE challenges SET used_at = ? WHERE nonce = ? AND verifier_id = ? AND used_at IS NULL").run(commit.now, challenge.nonce, challenge.verifierId);
          if (used.changes !== 1) throw new Abort("challenge-used");
        }
        const s = commit.signed;
        const kept = this.sql(
          `INSERT OR IGNORE INTO signed_counters (stamp_id, counter, nonce, verifier_id, challenge_issued_at, purpose, quantity, response, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(s.stampId, s.counter, s.nonce, s.verifierId, s.challengeIssuedAt, s.purpose, s.quantity, s.response, s.at);
        // A phone URL is used once: its evidence id is the primary key's last part.
        if (challenge === undefined && kept.changes !== 1) throw new Abort("evidence-kept");
        if (commit.raiseCounterTo !== undefined) {
          const raised = this.sql("UPDATE stamps SET last_counter = ? WHERE id = ? AND last_counter < ?").run(commit.raiseCounterTo, s.stampId, commit.raiseCounterTo);
          if (raised.changes !== 1) throw new Abort("counter-moved");
        }
        if (commit.lateCounter !== undefined) {
          // A late offline tap never lowers the counter; it holds only as the one signature kept for
          // its counter (writers are serialized, so the count sees every other one).
          this.sql("UPDATE stamps SET last_counter = MAX(last_counter, ?) WHERE id = ?").run(commit.lateCounter, s.stampId);
          const signatures = this.sql("SELECT COUNT(*) FROM signed_counters WHERE stamp_id = ? AND counter = ?").pluck().get(s.stampId, commit.lateCounter) as number;
          if (signatures !== 1) throw new Abort("counter-moved");
        }
        if (commit.clock !== undefined) {
          // Compare and set on the worker's row: two presses that both read "clocked out" cannot both clock in.
          const c = commit.clock;
          const moved = this.sql("UPDATE workers SET clocked_in_since = ? WHERE id = ? AND clocked_in_since IS ?").run(c.to ?? null, c.workerId, c.from ?? null);
          if (moved.changes !== 1) throw new Abort("clock-moved");
        }
        if (commit.card !== undefined && !this.vouchers.applyCardChanges(commit.card)) throw new Abort("voucher-used");
        if (commit.quarantine) this.sql("UPDATE stamps SET status = 'quarantined' WHERE id = ? AND status = 'active'").run(s.stampId);
        if (commit.ledger !== undefined) this.appendLedger(commit.ledger);
        if (commit.alert !== undefined) this.insertAlert(commit.alert);
        for (const entry of commit.audit) this.appendAudit(entry);
        return "committed";
      });
    } catch (error) {
      if (error instanceof Abort) return error.outcome;
      throw error;
    }
  }

  private appendLedger(entry: Omit<LedgerEvent, "sequence" | "previousHash" | "hash">): void {
    const last = this.sql("SELECT sequence, hash FROM ledger ORDER BY sequence DESC LIMIT 1").get() as { sequence: number; hash: string } | undefined;
    const unhashed = { ...entry, sequence: last ? last.sequence + 1 : 1, previousHash: last ? last.hash : GENESIS };
    const event: LedgerEvent = { ...unhashed, hash: ledgerEventHashV2(unhashed) };
    const { receipt, ...columns } = event;
    this.sql(
      `INSERT INTO ledger (sequence, stamp_id, counter, verifier_id, shop_id, merchant_id, purpose, quantity, nonce, challenge_issued_at,
         accepted_at, response, transport, origin, card_id, order_ref, amount, currency, previous_hash, hash) VALUES (@sequence, @stampId, @counter,
         @verifierId, @shopId, @merchantId, @purpose, @quantity, @nonce, @challengeIssuedAt, @acceptedAt, @response, @transport, @origin, @cardId,
         @orderRef, @amount, @currency, @previousHash, @hash)`,
    ).run({ ...columns, orderRef: receipt?.orderRef ?? null, amount: receipt?.amount ?? null, currency: receipt?.currency ?? null });
  }

  private insertAlert(alert: NewAlert): void {
    this.sql("INSERT INTO alerts (at, kind, merchant_id, stamp_id, verifier_id, shop_id, reason, detail, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
      alert.at,
      alert.kind,
      alert.merchantId,
      alert.stampId,
      alert.verifierId,
      alert.shopId,
      alert.reason,
      alert.detail,
      alert.stationId,
    );
  }

  async addAlert(alert: NewAlert, audit: NewAuditEntry): Promise<void> {
    await this.write(() => {
      this.insertAlert(alert);
      this.appendAudit(audit);
    });
  }

  async addStationAlert(alert: NewAlert, audit: NewAuditEntry, since: number): Promise<"added" | "already-raised"> {
    // One write transaction: the check and the insert cannot interleave with another process's.
    return this.write(() => {
      const raised = this.sql("SELECT 1 FROM alerts WHERE station_id = ? AND kind = ? AND at > ? LIMIT 1").get(alert.stationId, alert.kind, since);
      if (raised !== undefined) return "already-raised";
      this.insertAlert(alert);
      this.appendAudit(audit);
      return "added";
    });
  }

  /**
   * One page of a merchant's events with the stamp's label, the shop's name and the verifier's
   * label joined in (primary-key lookups, no query per row). Shops and verifiers are joined only
   * within the merchant, so no other merchant's names can appear.
   */
  async listEvents(filter: EventFilter): Promise<NamedEvent[]> {
    const rows = this.sql(
      `SELECT l.*, st.label AS stamp_label, sh.name AS shop_name, v.label AS verifier_label FROM ledger l
         LEFT JOIN stamps st ON st.id = l.stamp_id AND st.merchant_id = l.merchant_id
         LEFT JOIN shops sh ON sh.id = l.shop_id AND sh.merchant_id = l.merchant_id
         LEFT JOIN verifiers v ON v.id = l.verifier_id AND v.shop_id = sh.id
       WHERE l.merchant_id = @merchantId AND (@stampId IS NULL OR l.stamp_id = @stampId)
         AND (@shopId IS NULL OR l.shop_id = @shopId) AND (@before IS NULL OR l.sequence < @before)
       ORDER BY l.sequence DESC LIMIT @limit`,
    ).all({ merchantId: filter.merchantId, stampId: filter.stampId ?? null, shopId: filter.shopId ?? null, before: filter.before ?? null, limit: filter.limit }) as (LedgerRow & NameColumns)[];
    return rows.map((row) => ({ ...eventFromRow(row), ...namesFromRow(row) }));
  }

  /** One page of a merchant's alerts, with names joined in as for listEvents. */
  async listAlerts(merchantId: string, page: HistoryPage): Promise<NamedAlert[]> {
    const rows = this.sql(
      `SELECT a.*, st.label AS stamp_label, sh.name AS shop_name, v.label AS verifier_label, c.label AS station_label FROM alerts a
         LEFT JOIN stamps st ON st.id = a.stamp_id AND st.merchant_id = a.merchant_id
         LEFT JOIN shops sh ON sh.id = a.shop_id AND sh.merchant_id = a.merchant_id
         LEFT JOIN verifiers v ON v.id = a.verifier_id AND v.shop_id = sh.id
         LEFT JOIN credentials c ON c.id = a.station_id AND c.merchant_id = a.merchant_id
       WHERE a.merchant_id = @merchantId AND (@before IS NULL OR a.id < @before) ORDER BY a.id DESC LIMIT @limit`,
    ).all({ merchantId: merchantId, before: page.before ?? null, limit: page.limit }) as (AlertRow & NameColumns & StationLabelColumn)[];
    return rows.map((row) => ({ ...alertFromRow(row), ...namesFromRow(row), stationLabel: row.station_label }));
  }

  async listAudit(merchantId: string | undefined, page: HistoryPage): Promise<AuditEntry[]> {
    const rows = this.sql(
      "SELECT * FROM audit WHERE (@merchant IS NULL OR merchant_id = @merchant) AND (@before IS NULL OR sequence < @before) ORDER BY sequence DESC LIMIT @limit",
    ).all({ merchant: merchantId ?? null, before: page.before ?? null, limit: page.limit }) as AuditRow[];
    return rows.map(auditFromRow);
  }

  async readLedger(fromSequence: number, limit: number): Promise<LedgerEvent[]> {
    const rows = this.sql("SELECT * FROM ledger WHERE sequence >= ? ORDER BY sequence LIMIT ?").all(fromSequence, limit) as LedgerRow[];
    return rows.map(eventFromRow);
  }

  async readAudit(fromSequence: number, limit: number): Promise<AuditEntry[]> {
    const rows = this.sql("SELECT * FROM audit WHERE sequence >= ? ORDER BY sequence LIMIT ?").all(fromSequence, limit) as AuditRow[];
    return rows.map(auditFromRow);
  }

  async readStamps(page: IdPage): Promise<StampRecord[]> {
    const rows = this.sql("SELECT * FROM stamps WHERE id > ? ORDER BY id LIMIT ?").all(page.after ?? "", page.limit) as StampRow[];
    return rows.map((row) => this.stampFromRow(row));
  }

  async chainHeads(): Promise<{ ledger: { count: number; headHash: string }; audit: { count: number; headHash: string } }> {
    const head = (table: string) => {
      const row = this.sql(`SELECT sequence, hash FROM ${table} ORDER BY sequence DESC LIMIT 1`).get() as { sequence: number; hash: string } | undefined;
      return row === undefined ? { count: 0, headHash: GENESIS } : { count: row.sequence, headHash: row.hash };
    };
    return { ledger: head("ledger"), audit: head("audit") };
  }

  async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    await this.write(() => {
      this.sql("INSERT OR IGNORE INTO checkpoints (chain, count, head_hash, at, host_key_id, signature) VALUES (?, ?, ?, ?, ?, ?)").run(
        checkpoint.chain,
        checkpoint.count,
        checkpoint.headHash,
        checkpoint.at,
        checkpoint.hostKeyId,
        checkpoint.signature,
      );
    });
  }

  async listCheckpoints(): Promise<Checkpoint[]> {
    return this.sql("SELECT chain, count, head_hash AS headHash, at, host_key_id AS hostKeyId, signature FROM checkpoints ORDER BY at, chain").all() as Checkpoint[];
  }

  // -------------------------------------------------------------------------------------------
  // Phones: holders, workers, passkeys, loyalty programs, cards (CardStore)

  async addHolder(holderId: string, secretHash: string, now: number): Promise<void> {
    await this.write(() => {
      this.sql("INSERT INTO holders (id, created_at) VALUES (?, ?)").run(holderId, now);
      this.sql("INSERT INTO holder_secrets (secret_hash, holder_id, created_at) VALUES (?, ?, ?)").run(secretHash, holderId, now);
    });
  }

  async addHolderSecret(holderId: string, secretHash: string, now: number): Promise<boolean> {
    return this.write(() => this.sql("INSERT INTO holder_secrets (secret_hash, holder_id, created_at) SELECT ?, id, ? FROM holders WHERE id = ?").run(secretHash, now, holderId).changes === 1);
  }

  async findHolder(secretHash: string): Promise<string | undefined> {
    return this.sql("SELECT holder_id FROM holder_secrets WHERE secret_hash = ?").pluck().get(secretHash) as string | undefined;
  }

  async addWorker(worker: Worker, audit: NewAuditEntry): Promise<void> {
    await this.insertUnique("worker " + worker.id, () => {
      this.sql("INSERT INTO workers (id, merchant_id, name, created_at, clocked_in_since) VALUES (?, ?, ?, ?, ?)").run(
        worker.id,
        worker.merchantId,
        worker.name,
        worker.createdAt,
        worker.clockedInSince ?? null,
      );
      this.appendAudit(audit);
    });
  }

  async getWorker(id: string): Promise<Worker | undefined> {
    const row = this.sql("SELECT * FROM workers WHERE id = ?").get(id) as WorkerRow | undefined;
    return row && workerFromRow(row);
  }

  async listWorkers(merchantId: string, page: IdPage): Promise<Worker[]> {
    const rows = this.sql("SELECT * FROM workers WHERE merchant_id = ? AND id > ? ORDER BY id LIMIT ?").all(merchantId, page.after ?? "", page.limit) as WorkerRow[];
    return rows.map(workerFromRow);
  }

  async addWorkerInvitation(invitation: WorkerInvitation, audit: NewAuditEntry): Promise<void> {
    await this.write(() => {
      this.sql("INSERT INTO worker_invitations (code_hash, worker_id, merchant_id, expires_at, used_at, created_by) VALUES (?, ?, ?, ?, NULL, ?)").run(
        invitation.codeHash,
        invitation.workerId,
        invitation.merchantId,
        invitation.expiresAt,
        invitation.createdBy,
      );
      this.appendAudit(audit);
    });
  }

  async getWorkerInvitation(codeHash: string): Promise<WorkerInvitation | undefined> {
    const row = this.sql("SELECT * FROM worker_invitations WHERE code_hash = ?").get(codeHash) as WorkerInvitationRow | undefined;
    return row && workerInvitationFromRow(row);
  }

  async acceptWorkerInvitation(codeHash: string, holderId: string, now: number, auditFor: (worker: Worker) => NewAuditEntry): Promise<InvitationOutcome> {
    return this.write((): InvitationOutcome => {
      const invitation = this.sql("SELECT worker_id, merchant_id, expires_at, used_at FROM worker_invitations WHERE code_hash = ?").get(codeHash) as
        | { worker_id: string; merchant_id: string; expires_at: number; used_at: number | null }
        | undefined;
      if (invitation === undefined) return { ok: false, why: "unknown" };
      if (invitation.used_at !== null) return { ok: false, why: "used" };
      if (now > invitation.expires_at) return { ok: false, why: "expired" };
      // The primary key (holder, merchant) stands behind this: one worker per phone and merchant.
      const linked = this.sql("INSERT OR IGNORE INTO worker_phones (holder_id, merchant_id, worker_id, linked_at) VALUES (?, ?, ?, ?)").run(
        holderId,
        invitation.merchant_id,
        invitation.worker_id,
        now,
      );
      if (linked.changes !== 1) return { ok: false, why: "linked" };
      this.sql("UPDATE worker_invitations SET used_at = ? WHERE code_hash = ?").run(now, codeHash);
      const row = this.sql("SELECT * FROM workers WHERE id = ?").get(invitation.worker_id) as WorkerRow | undefined;
      if (row === undefined) throw new Error(`invitation for worker ${invitation.worker_id}, who does not exist`);
      const worker = workerFromRow(row);
      this.appendAudit(auditFor(worker));
      return { ok: true, worker: worker };
    });
  }

  async findLinkedWorker(holderId: string, merchantId: string): Promise<Worker | undefined> {
    const row = this.sql("SELECT w.* FROM worker_phones p JOIN workers w ON w.id = p.worker_id WHERE p.holder_id = ? AND p.merchant_id = ?").get(holderId, merchantId) as
      | WorkerRow
      | undefined;
    return row && workerFromRow(row);
  }

  async getLoyaltyProgram(merchantId: string): Promise<LoyaltyProgram | undefined> {
    return this.sql(
      `SELECT merchant_id AS merchantId, stamps_per_reward AS stampsPerReward, stamps_per_press AS stampsPerPress, reward_label AS rewardLabel,
         reward_valid_days AS rewardValidDays FROM loyalty_programs WHERE merchant_id = ?`,
    ).get(merchantId) as LoyaltyProgram | undefined;
  }

  async setLoyaltyProgram(program: LoyaltyProgram, audit: NewAuditEntry): Promise<void> {
    await this.write(() => {
      this.sql(
        `INSERT INTO loyalty_programs (merchant_id, stamps_per_reward, stamps_per_press, reward_label, reward_valid_days)
           VALUES (@merchantId, @stampsPerReward, @stampsPerPress, @rewardLabel, @rewardValidDays)
         ON CONFLICT (merchant_id) DO UPDATE SET stamps_per_reward = @stampsPerReward, stamps_per_press = @stampsPerPress, reward_label = @rewardLabel,
           reward_valid_days = @rewardValidDays`,
      ).run(program);
      this.appendAudit(audit);
    });
  }

  async saveWebAuthnChallenge(challenge: WebAuthnChallenge, now: number): Promise<void> {
    await this.write(() => {
      this.sql("DELETE FROM webauthn_challenges WHERE expires_at < ?").run(now);
      this.sql("INSERT INTO webauthn_challenges (challenge, holder_id, kind, expires_at) VALUES (?, ?, ?, ?)").run(challenge.challenge, challenge.holderId ?? null, challenge.kind, challenge.expiresAt);
    });
  }

  async takeWebAuthnChallenge(challenge: string, kind: WebAuthnCeremony, holderId: string | undefined, now: number): Promise<boolean> {
    const row = await this.write(
      () => this.sql("DELETE FROM webauthn_challenges WHERE challenge = ? RETURNING kind, holder_id, expires_at").get(challenge) as { kind: string; holder_id: string | null; expires_at: number } | undefined,
    );
    return row !== undefined && row.kind === kind && row.holder_id === (holderId ?? null) && now <= row.expires_at;
  }

  async addPasskey(passkey: Passkey): Promise<void> {
    await this.insertUnique("passkey " + passkey.credentialId, () => {
      this.sql("INSERT INTO passkeys (credential_id, holder_id, public_key, counter, transports, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(
        passkey.credentialId,
        passkey.holderId,
        Buffer.from(passkey.publicKey),
        passkey.counter,
        passkeyTransportsText(passkey),
        passkey.createdAt,
      );
    });
  }

  async getPasskey(credentialId: string): Promise<Passkey | undefined> {
    const row = this.sql("SELECT * FROM passkeys WHERE credential_id = ?").get(credentialId) as PasskeyRow | undefined;
    return row && passkeyFromRow(row);
  }

  async listPasskeys(holderId: string): Promise<Passkey[]> {
    const rows = this.sql("SELECT * FROM passkeys WHERE holder_id = ? ORDER BY created_at, credential_id").all(holderId) as PasskeyRow[];
    return rows.map(passkeyFromRow);
  }

  async raisePasskeyCounter(credentialId: string, to: number): Promise<boolean> {
    return this.write(() => this.sql("UPDATE passkeys SET counter = ? WHERE credential_id = ? AND counter < ?").run(to, credentialId, to).changes === 1);
  }

  async listCardEvents(holderId: string, merchantId: string, limit: number): Promise<CardEvent[]> {
    const rows = this.sql(
      `SELECT l.accepted_at, l.purpose, l.quantity, sh.name AS shop_name FROM ledger l
         LEFT JOIN shops sh ON sh.id = l.shop_id AND sh.merchant_id = l.merchant_id
       WHERE l.card_id = ? AND l.merchant_id = ? ORDER BY l.sequence DESC LIMIT ?`,
    ).all(holderId, merchantId, limit) as CardEventRow[];
    return rows.map(cardEventFromRow);
  }

  async cardTotal(holderId: string, merchantId: string, purpose: Purpose): Promise<number> {
    return this.sql("SELECT COALESCE(SUM(quantity), 0) FROM ledger WHERE card_id = ? AND merchant_id = ? AND purpose = ?")
      .pluck()
      .get(holderId, merchantId, purpose) as number;
  }

  async listAttendance(workerId: string, since: number): Promise<CardEvent[]> {
    const rows = this.sql(
      `SELECT l.accepted_at, l.purpose, l.quantity, sh.name AS shop_name FROM worker_phones p
         JOIN ledger l ON l.card_id = p.holder_id AND l.merchant_id = p.merchant_id
         LEFT JOIN shops sh ON sh.id = l.shop_id AND sh.merchant_id = l.merchant_id
       WHERE p.worker_id = ? AND l.transport = 'phone' AND l.purpose IN (${Purpose.CLOCK_IN}, ${Purpose.CLOCK_OUT}) AND l.accepted_at >= ?
       ORDER BY l.sequence`,
    ).all(workerId, since) as CardEventRow[];
    return rows.map(cardEventFromRow);
  }

  async listHolderMerchants(holderId: string): Promise<Merchant[]> {
    return this.sql(
      `SELECT m.id, m.name FROM merchants m WHERE m.id IN (
         SELECT merchant_id FROM ledger WHERE card_id = @holder UNION SELECT merchant_id FROM worker_phones WHERE holder_id = @holder)
       ORDER BY m.id`,
    ).all({ holder: holderId }) as Merchant[];
  }

  async close(): Promise<void> {
    await Promise.all([this.writes.idle(), this.nonceWrites.idle()]);
    this.nonceDb.close();
    this.db.close();
  }
}
