import Database from "better-sqlite3";
import { Purpose } from "../../shared/protocol-constants";
import { ReasonName } from "../../shared/reason-codes";
import { GENESIS_HASH, ledgerEventHash } from "../core/ledger-hash";
import { Alert, AlertKind, IssuedChallenge, LedgerEvent, Merchant, NewAlert, Shop, StampRecord, StampStatus, Verifier } from "../core/model";
import { ConsumeResult, CounterOutcome, DuplicateError, EventFilter, LedgerCheck, LedgerEntry, Store } from "./store";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS merchants (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shops (
  id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL REFERENCES merchants(id), name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS verifiers (
  id TEXT PRIMARY KEY, shop_id TEXT NOT NULL REFERENCES shops(id), label TEXT NOT NULL,
  require_presence INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stamps (
  id TEXT PRIMARY KEY, public_key BLOB NOT NULL UNIQUE, label TEXT NOT NULL,
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  status TEXT NOT NULL CHECK (status IN ('active', 'quarantined', 'revoked')),
  last_counter INTEGER NOT NULL, registered_at INTEGER NOT NULL, firmware_hash TEXT);
CREATE TABLE IF NOT EXISTS stamp_shops (
  stamp_id TEXT NOT NULL REFERENCES stamps(id), shop_id TEXT NOT NULL REFERENCES shops(id),
  PRIMARY KEY (stamp_id, shop_id));
CREATE TABLE IF NOT EXISTS stamp_verifiers (
  stamp_id TEXT NOT NULL REFERENCES stamps(id), verifier_id TEXT NOT NULL REFERENCES verifiers(id),
  PRIMARY KEY (stamp_id, verifier_id));
CREATE TABLE IF NOT EXISTS challenges (
  nonce TEXT PRIMARY KEY, verifier_id TEXT NOT NULL, issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, purpose INTEGER NOT NULL, quantity INTEGER NOT NULL, used_at INTEGER);
CREATE TABLE IF NOT EXISTS ledger (
  sequence INTEGER PRIMARY KEY, stamp_id TEXT NOT NULL, counter INTEGER NOT NULL,
  verifier_id TEXT NOT NULL, shop_id TEXT NOT NULL, merchant_id TEXT NOT NULL,
  purpose INTEGER NOT NULL, quantity INTEGER NOT NULL, nonce TEXT NOT NULL UNIQUE,
  accepted_at INTEGER NOT NULL, response TEXT NOT NULL, previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL, UNIQUE (stamp_id, counter));
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL,
  stamp_id TEXT NOT NULL, verifier_id TEXT NOT NULL, shop_id TEXT NOT NULL,
  reason TEXT NOT NULL, detail TEXT NOT NULL);
`;

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

interface LedgerRow {
  sequence: number;
  stamp_id: string;
  counter: number;
  verifier_id: string;
  shop_id: string;
  merchant_id: string;
  purpose: Purpose;
  quantity: number;
  nonce: string;
  accepted_at: number;
  response: string;
  previous_hash: string;
  hash: string;
}

interface AlertRow {
  id: number;
  at: number;
  kind: AlertKind;
  stamp_id: string;
  verifier_id: string;
  shop_id: string;
  reason: ReasonName;
  detail: string;
}

function eventFromRow(row: LedgerRow): LedgerEvent {
  return {
    sequence: row.sequence,
    stampId: row.stamp_id,
    counter: row.counter,
    verifierId: row.verifier_id,
    shopId: row.shop_id,
    merchantId: row.merchant_id,
    purpose: row.purpose,
    quantity: row.quantity,
    nonce: row.nonce,
    acceptedAt: row.accepted_at,
    response: row.response,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

function alertFromRow(row: AlertRow): Alert {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind,
    stampId: row.stamp_id,
    verifierId: row.verifier_id,
    shopId: row.shop_id,
    reason: row.reason,
    detail: row.detail,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && "code" in error && String(error.code).startsWith("SQLITE_CONSTRAINT");
}

/**
 * The store on an SQLite file in WAL mode. Every write runs in a BEGIN IMMEDIATE transaction,
 * which takes the database's write lock up front: two processes sharing the file serialize, so
 * a challenge is consumed once and a counter only ever rises, whichever process gets there.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    this.db.pragma("synchronous = FULL");
    this.db.exec(SCHEMA);
    this.addMissingColumns();
  }

  /** Databases made before a column existed get it (nullable, so old rows stay valid). */
  private addMissingColumns(): void {
    const columns = this.db.prepare("SELECT name FROM pragma_table_info('stamps')").pluck().all() as string[];
    if (!columns.includes("firmware_hash")) this.db.exec("ALTER TABLE stamps ADD COLUMN firmware_hash TEXT");
  }

  private write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  async addMerchant(merchant: Merchant): Promise<void> {
    this.insertUnique("merchant " + merchant.id, () => {
      this.db.prepare("INSERT INTO merchants (id, name) VALUES (?, ?)").run(merchant.id, merchant.name);
    });
  }

  async addShop(shop: Shop): Promise<void> {
    this.insertUnique("shop " + shop.id, () => {
      this.db.prepare("INSERT INTO shops (id, merchant_id, name) VALUES (?, ?, ?)").run(shop.id, shop.merchantId, shop.name);
    });
  }

  async addVerifier(verifier: Verifier): Promise<void> {
    this.insertUnique("verifier " + verifier.id, () => {
      this.db
        .prepare("INSERT INTO verifiers (id, shop_id, label, require_presence) VALUES (?, ?, ?, ?)")
        .run(verifier.id, verifier.shopId, verifier.label, verifier.requirePresence ? 1 : 0);
    });
  }

  async addStamp(stamp: StampRecord): Promise<void> {
    this.insertUnique("stamp " + stamp.id + " (or its public key)", () => {
      this.db
        .prepare(
          "INSERT INTO stamps (id, public_key, label, merchant_id, status, last_counter, registered_at, firmware_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(stamp.id, Buffer.from(stamp.publicKey), stamp.label, stamp.merchantId, stamp.status, stamp.lastCounter, stamp.registeredAt, stamp.firmwareHash ?? null);
      const bindShop = this.db.prepare("INSERT INTO stamp_shops (stamp_id, shop_id) VALUES (?, ?)");
      for (const shopId of stamp.shopIds) bindShop.run(stamp.id, shopId);
      const bindVerifier = this.db.prepare("INSERT INTO stamp_verifiers (stamp_id, verifier_id) VALUES (?, ?)");
      for (const verifierId of stamp.verifierIds) bindVerifier.run(stamp.id, verifierId);
    });
  }

  private insertUnique(what: string, insert: () => void): void {
    const row = () => {
      try {
        insert();
      } catch (error) {
        if (isUniqueViolation(error) && String((error as Error).message).includes("UNIQUE")) {
          throw new DuplicateError(what + " is already registered");
        }
        throw error;
      }
    };
    this.write(row);
  }

  async getMerchant(id: string): Promise<Merchant | undefined> {
    return this.db.prepare("SELECT id, name FROM merchants WHERE id = ?").get(id) as Merchant | undefined;
  }

  async getShop(id: string): Promise<Shop | undefined> {
    return this.db.prepare("SELECT id, merchant_id AS merchantId, name FROM shops WHERE id = ?").get(id) as Shop | undefined;
  }

  async getVerifier(id: string): Promise<Verifier | undefined> {
    const row = this.db.prepare("SELECT id, shop_id, label, require_presence FROM verifiers WHERE id = ?").get(id) as
      | { id: string; shop_id: string; label: string; require_presence: number }
      | undefined;
    return row && { id: row.id, shopId: row.shop_id, label: row.label, requirePresence: row.require_presence === 1 };
  }

  async listMerchants(): Promise<Merchant[]> {
    return this.db.prepare("SELECT id, name FROM merchants ORDER BY id").all() as Merchant[];
  }

  async listShops(): Promise<Shop[]> {
    return this.db.prepare("SELECT id, merchant_id AS merchantId, name FROM shops ORDER BY id").all() as Shop[];
  }

  async listVerifiers(): Promise<Verifier[]> {
    const ids = this.db.prepare("SELECT id FROM verifiers ORDER BY shop_id, id").pluck().all() as string[];
    const verifiers: Verifier[] = [];
    for (const id of ids) {
      const verifier = await this.getVerifier(id);
      if (verifier) verifiers.push(verifier);
    }
    return verifiers;
  }

  private stampFromRow(row: StampRow): StampRecord {
    return {
      id: row.id,
      publicKey: new Uint8Array(row.public_key),
      label: row.label,
      merchantId: row.merchant_id,
      shopIds: this.db.prepare("SELECT shop_id FROM stamp_shops WHERE stamp_id = ? ORDER BY shop_id").pluck().all(row.id) as string[],
      verifierIds: this.db
        .prepare("SELECT verifier_id FROM stamp_verifiers WHERE stamp_id = ? ORDER BY verifier_id")
        .pluck()
        .all(row.id) as string[],
      status: row.status,
      lastCounter: row.last_counter,
      registeredAt: row.registered_at,
      firmwareHash: row.firmware_hash ?? undefined,
    };
  }

  async getStamp(id: string): Promise<StampRecord | undefined> {
    const row = this.db.prepare("SELECT * FROM stamps WHERE id = ?").get(id) as StampRow | undefined;
    return row && this.stampFromRow(row);
  }

  async listStamps(): Promise<StampRecord[]> {
    const rows = this.db.prepare("SELECT * FROM stamps ORDER BY registered_at, id").all() as StampRow[];
    return rows.map((row) => this.stampFromRow(row));
  }

  async setStampStatus(id: string, status: StampStatus): Promise<boolean> {
    return this.write(() => this.db.prepare("UPDATE stamps SET status = ? WHERE id = ?").run(status, id).changes === 1);
  }

  async saveChallenge(challenge: IssuedChallenge): Promise<void> {
    this.write(() => {
      this.db
        .prepare("INSERT INTO challenges (nonce, verifier_id, issued_at, expires_at, purpose, quantity, used_at) VALUES (?, ?, ?, ?, ?, ?, NULL)")
        .run(challenge.nonce, challenge.verifierId, challenge.issuedAt, challenge.expiresAt, challenge.purpose, challenge.quantity);
    });
  }

  async consumeChallenge(nonce: string, verifierId: string, now: number): Promise<ConsumeResult> {
    return this.write((): ConsumeResult => {
      const row = this.db.prepare("SELECT * FROM challenges WHERE nonce = ?").get(nonce) as
        | { nonce: string; verifier_id: string; issued_at: number; expires_at: number; purpose: Purpose; quantity: number; used_at: number | null }
        | undefined;
      if (row === undefined) return { found: false };
      const firstUse = row.used_at === null;
      if (firstUse && row.verifier_id === verifierId) this.db.prepare("UPDATE challenges SET used_at = ? WHERE nonce = ?").run(now, nonce);
      return {
        found: true,
        firstUse: firstUse,
        challenge: {
          nonce: row.nonce,
          verifierId: row.verifier_id,
          issuedAt: row.issued_at,
          expiresAt: row.expires_at,
          purpose: row.purpose,
          quantity: row.quantity,
          usedAt: firstUse ? now : (row.used_at ?? undefined),
        },
      };
    });
  }

  private raiseCounter(stampId: string, counter: number): CounterOutcome {
    const changes = this.db.prepare("UPDATE stamps SET last_counter = ? WHERE id = ? AND last_counter < ?").run(counter, stampId, counter).changes;
    return changes === 1 ? "advanced" : "not-higher";
  }

  async advanceCounter(stampId: string, counter: number): Promise<CounterOutcome> {
    return this.write(() => this.raiseCounter(stampId, counter));
  }

  async recordAcceptedTap(entry: LedgerEntry): Promise<CounterOutcome> {
    return this.write((): CounterOutcome => {
      if (this.raiseCounter(entry.stampId, entry.counter) === "not-higher") return "not-higher";
      const last = this.db.prepare("SELECT sequence, hash FROM ledger ORDER BY sequence DESC LIMIT 1").get() as
        | { sequence: number; hash: string }
        | undefined;
      const unhashed = { ...entry, sequence: last ? last.sequence + 1 : 1, previousHash: last ? last.hash : GENESIS_HASH };
      const event: LedgerEvent = { ...unhashed, hash: ledgerEventHash(unhashed) };
      this.db
        .prepare(
          `INSERT INTO ledger (sequence, stamp_id, counter, verifier_id, shop_id, merchant_id, purpose, quantity, nonce,
             accepted_at, response, previous_hash, hash) VALUES (@sequence, @stampId, @counter, @verifierId, @shopId,
             @merchantId, @purpose, @quantity, @nonce, @acceptedAt, @response, @previousHash, @hash)`,
        )
        .run(event);
      return "advanced";
    });
  }

  private insertAlert(alert: NewAlert): void {
    this.db
      .prepare("INSERT INTO alerts (at, kind, stamp_id, verifier_id, shop_id, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(alert.at, alert.kind, alert.stampId, alert.verifierId, alert.shopId, alert.reason, alert.detail);
  }

  async quarantine(stampId: string, alert: NewAlert): Promise<void> {
    this.write(() => {
      this.db.prepare("UPDATE stamps SET status = 'quarantined' WHERE id = ? AND status = 'active'").run(stampId);
      this.insertAlert(alert);
    });
  }

  async addAlert(alert: NewAlert): Promise<void> {
    this.write(() => this.insertAlert(alert));
  }

  async listEvents(filter: EventFilter): Promise<LedgerEvent[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM ledger WHERE (@stampId IS NULL OR stamp_id = @stampId) AND (@shopId IS NULL OR shop_id = @shopId)
         ORDER BY sequence LIMIT @limit`,
      )
      .all({ stampId: filter.stampId ?? null, shopId: filter.shopId ?? null, limit: filter.limit ?? -1 }) as LedgerRow[];
    return rows.map(eventFromRow);
  }

  async listAlerts(limit: number): Promise<Alert[]> {
    const rows = this.db.prepare("SELECT * FROM alerts ORDER BY id LIMIT ?").all(limit) as AlertRow[];
    return rows.map(alertFromRow);
  }

  async checkLedger(): Promise<LedgerCheck> {
    let previousHash = GENESIS_HASH;
    let count = 0;
    for (const row of this.db.prepare("SELECT * FROM ledger ORDER BY sequence").iterate() as IterableIterator<LedgerRow>) {
      const event = eventFromRow(row);
      count++;
      if (event.sequence !== count) return { intact: false, sequence: event.sequence, problem: "a sequence number is missing" };
      if (event.previousHash !== previousHash) return { intact: false, sequence: event.sequence, problem: "the chain is broken" };
      if (ledgerEventHash(event) !== event.hash) return { intact: false, sequence: event.sequence, problem: "the event was altered" };
      previousHash = event.hash;
    }
    return { intact: true, events: count };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
