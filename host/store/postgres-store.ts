import { lastTapFromRow, LastTapRow, lastTapSql, SHOP_COLUMNS, shopFromRow, ShopRow } from "./shop-rows";
import { CustomTypesConfig, DatabaseError, Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow, types } from "pg";
import { Purpose } from "../../shared/protocol-constants";
import { StationRole } from "../core/access/principal";
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
import { CardEvent, LoyaltyProgram, Passkey, WebAuthnCeremony, WebAuthnChallenge, Worker, WorkerInvitation } from "../core/phone/card-model";
import { auditEntryHash } from "../ledger/audit-chain";
import { GENESIS } from "../ledger/chain-hash";
import { ChainName, Checkpoint } from "../ledger/checkpoint";
import { ledgerEventHashV2 } from "../ledger/ledger-event-hash";
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA, POSTGRES_SCHEMA_VERSION } from "./postgres-schema";
import { PostgresAnalytics } from "./analytics-postgres";
import { PostgresStaffStore, STAFF_POSTGRES_SCHEMA } from "./staff-store-postgres";
import { applyCardChangesPostgres, PostgresVoucherStore, VOUCHER_POSTGRES_SCHEMA } from "./voucher-store-postgres";
import { PostgresVerdictChannel } from "./verdict-channel-postgres";
import { BatchTransaction, ErrorVerdict, PostgresWriteBatch } from "./postgres-write-batch";
import {
  DuplicateError,
  EnrolmentOutcome,
  EventFilter,
  HistoryPage,
  IdPage,
  LedgerEntry,
  Store,
  StoreBusyError,
  TapCommit,
  TapCommitOutcome,
} from "./store";
import { InvitationOutcome } from "./card-store";
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

/**
 * pg hands bigint columns over as strings (a JavaScript number holds 53 bits, bigint 63). Every
 * bigint here is a counter, a time in milliseconds, a sequence or a count, far below 2^53: it is
 * converted to a number, and anything outside the exact range is an error, never a rounded value.
 */
function exactInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`the database returned ${text}, outside the range of exact JavaScript integers`);
  return value;
}

/**
 * pg's own parsers, but bigint as exact numbers. Given to this store's pools (and to tools that
 * read its tables), never set globally: other pg users in the process keep pg's defaults.
 */
export const STORE_TYPES: CustomTypesConfig = {
  getTypeParser: (id, format) => (id === types.builtins.INT8 ? exactInteger : types.getTypeParser(id, format)),
};

/** How long a statement may wait for a row lock another transaction holds: then StoreBusyError (HTTP 503), as SQLite's busy deadline. */
const LOCK_TIMEOUT_MS = 2_000;
/** Tries of a transaction that PostgreSQL cancelled to break a deadlock (or a serialization failure): then StoreBusyError. */
const MAX_ATTEMPTS = 5;
/** Key of the transaction-scoped advisory lock under which the first process to open a database makes its tables. */
const SCHEMA_LOCK_KEY = 0x5354414d50;

/** SQLSTATEs: a transaction PostgreSQL rolled back so that others can go on (safe to run again from the start). */
const SERIALIZATION_FAILURE = "40001";
const DEADLOCK_DETECTED = "40P01";
/** lock_timeout expired. */
const LOCK_NOT_AVAILABLE = "55P03";
const UNIQUE_VIOLATION = "23505";

function sqlState(error: unknown): string | undefined {
  return error instanceof DatabaseError ? error.code : undefined;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown inside a transaction to roll it back and report why. */
class Abort {
  constructor(readonly outcome: TapCommitOutcome) {}
}

interface StampRow {
  id: string;
  public_key: Buffer;
  label: string;
  merchant_id: string;
  status: StampStatus;
  last_counter: number;
  registered_at: number;
  firmware_hash: string | null;
  shop_ids: string[];
  verifier_ids: string[];
}

/** A stamp with its shops and verifiers as arrays: one statement, one snapshot. */
const STAMP_COLUMNS = `s.*,
  ARRAY(SELECT shop_id FROM stamp_shops WHERE stamp_id = s.id ORDER BY shop_id) AS shop_ids,
  ARRAY(SELECT verifier_id FROM stamp_verifiers WHERE stamp_id = s.id ORDER BY verifier_id) AS verifier_ids`;

function stampFromRow(row: StampRow): StampRecord {
  return {
    id: row.id,
    publicKey: new Uint8Array(row.public_key),
    label: row.label,
    merchantId: row.merchant_id,
    shopIds: row.shop_ids,
    verifierIds: row.verifier_ids,
    status: row.status,
    lastCounter: row.last_counter,
    registeredAt: row.registered_at,
    firmwareHash: row.firmware_hash ?? undefined,
  };
}

interface VerifierRow {
  id: string;
  shop_id: string;
  label: string;
  require_presence: boolean;
  purpose: Purpose;
  quantity: number;
}

function verifierFromRow(row: VerifierRow): Verifier {
  return { id: row.id, shopId: row.shop_id, label: row.label, requirePresence: row.require_presence, purpose: row.purpose, quantity: row.quantity };
}

type Runner = (config: QueryConfig<unknown[]>) => Promise<QueryResult<QueryResultRow>>;

/** The last entry of a hash chain: what the next append links to. */
interface ChainHead {
  sequence: number;
  hash: string;
}

/**
 * Statements on a pool (each one its own transaction) or on one transaction's connection. Each
 * SQL text is a named prepared statement, parsed and planned once per connection.
 */
class Statements {
  constructor(
    private readonly runner: Runner,
    private readonly names: Map<string, string>,
    /** The chains whose append lock this transaction holds (see PostgresStore.write). */
    readonly appending: ReadonlySet<ChainName>,
    /**
     * In a batch's transaction only (beginBatch): the head of each chain as this transaction's
     * last append left it. That transaction holds the chain's append lock from its first
     * statement to its end, so no other transaction can append meanwhile, and the head after an
     * append here is the entry just inserted: only the first append per chain reads it from the
     * table. Put back as it was at the savepoint when a write is rolled back to it; gone with
     * the transaction.
     */
    readonly heads?: Map<ChainName, ChainHead>,
  ) {}

  private async query(text: string, values: unknown[]): Promise<QueryResult<QueryResultRow>> {
    let name = this.names.get(text);
    if (name === undefined) {
      name = "stamp_" + this.names.size;
      this.names.set(text, name);
    }
    return this.runner({ name: name, text: text, values: values });
  }

  async rows<R>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.query(text, values)).rows as R[];
  }

  async row<R>(text: string, values: unknown[] = []): Promise<R | undefined> {
    return (await this.rows<R>(text, values))[0];
  }

  /** The number of rows the statement inserted, updated or deleted. */
  async run(text: string, values: unknown[] = []): Promise<number> {
    return (await this.query(text, values)).rowCount ?? 0;
  }
}

/**
 * The store on a PostgreSQL database, for several host processes (and machines) sharing it.
 *
 * Transactions run at READ COMMITTED, and each rule rests on something PostgreSQL itself
 * guarantees, never on a lock inside this process:
 * - single use (a challenge, a provisioning challenge, an enrolment code, a request nonce) is a
 *   conditional update (`... WHERE used_at IS NULL`) or a unique key: a second transaction
 *   waits for the first one's row lock, re-reads the committed row and finds it used;
 * - a counter only rises by `UPDATE stamps SET last_counter = $n WHERE last_counter < $n`, re-checked
 *   the same way: of two equal counters exactly one raises it, the other rolls back and
 *   decides again on fresh data (a fork, then proven by the signatures kept);
 * - each hash chain (ledger, audit) has one row in chain_append_locks that every transaction
 *   appending to it locks first: appends queue up, and since READ COMMITTED reads each
 *   statement's data fresh, each append reads the head its predecessor committed, so the chain
 *   has no gap and no fork, byte for byte the chain SQLite keeps. Every registry change appends
 *   an audit entry, so registry changes are serialized just as SQLite's single writer does, and
 *   their read-then-write steps (the operator bootstrap, a status change) see every change
 *   committed before them;
 * - locks are taken in one order (ledger, audit, then rows), so transactions do not deadlock;
 *   if PostgreSQL still cancels one (deadlock, serialization failure) it runs again from the
 *   start, a few times, then StoreBusyError; a lock held past LOCK_TIMEOUT_MS is StoreBusyError.
 * Reads outside a transaction are single statements, each on the latest committed data: a
 * revocation committed by any process is seen by the next tap everywhere.
 */
export class PostgresStore implements Store {
  private readonly names = new Map<string, string>();
  private readonly autocommit: Statements;
  private readonly nonceStatements: Statements;
  readonly staff: PostgresStaffStore;
  readonly vouchers: PostgresVoucherStore;
  readonly verdictChannel: PostgresVerdictChannel;
  readonly analytics: PostgresAnalytics;
  /** Taps and challenges written at the same time share one transaction (see PostgresWriteBatch). */
  private readonly batched: PostgresWriteBatch<Statements>;

  private constructor(
    private readonly pool: Pool,
    /** For request nonces only (see useRequestNonce). */
    private readonly noncePool: Pool,
    url: string,
  ) {
    this.verdictChannel = new PostgresVerdictChannel(pool, url);
    this.autocommit = new Statements((config) => pool.query(config), this.names, new Set());
    this.nonceStatements = new Statements((config) => noncePool.query(config), new Map(), new Set());
    this.analytics = new PostgresAnalytics(pool);
    this.batched = new PostgresWriteBatch((chains, savepoint) => this.beginBatch(chains, savepoint), judgeBatchedError);
    this.vouchers = new PostgresVoucherStore(this.autocommit, (work, audit) =>
      this.write(audit === undefined ? [] : ["audit"], async (sql) => {
        const result = await work(sql);
        if (audit !== undefined) await this.appendAudit(sql, audit);
        return result;
      }),
    );
    this.staff = new PostgresStaffStore(this.autocommit, (work, audit) =>
      this.write(audit === undefined ? [] : ["audit"], async (sql) => {
        const result = await work(sql);
        if (audit !== undefined) await this.appendAudit(sql, audit);
        return result;
      }),
    );
  }

  /** Connects to the database at `url` (postgres://…) and makes its tables if it has none. */
  static async open(url: string): Promise<PostgresStore> {
    const pool = new Pool({ connectionString: url, types: STORE_TYPES, lock_timeout: LOCK_TIMEOUT_MS, application_name: "stamp" });
    // Sessions of this pool commit without waiting for the disk (see useRequestNonce).
    const noncePool = new Pool({ connectionString: url, types: STORE_TYPES, lock_timeout: LOCK_TIMEOUT_MS, application_name: "stamp-nonces", options: "-c synchronous_commit=off", max: 2 });
    // An idle connection that breaks (the server restarted) is dropped by the pool, which opens a
    // new one on demand; without a listener the error would end the process.
    for (const each of [pool, noncePool]) each.on("error", () => undefined);
    const store = new PostgresStore(pool, noncePool, url);
    try {
      await store.makeSchema();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private async makeSchema(): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      // Several processes opening a new database at once: the first makes the tables, the
      // others wait here (the lock ends with the transaction) and then find them made.
      await client.query("SET LOCAL lock_timeout = '60s'");
      await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK_KEY]);
      const made = await client.query<{ made: boolean }>("SELECT to_regclass('store_schema') IS NOT NULL AS made");
      if (!made.rows[0].made) await client.query(POSTGRES_SCHEMA);
      const version = (await client.query<{ version: number }>("SELECT version FROM store_schema")).rows[0]?.version;
      if (version === undefined || version < 1 || version > POSTGRES_SCHEMA_VERSION) {
        throw new Error(`the database's store schema is version ${version}; this program knows versions 1 to ${POSTGRES_SCHEMA_VERSION}`);
      }
      // One transaction: a migration that fails leaves the database at its old version, whole.
      for (let from = version; from < POSTGRES_SCHEMA_VERSION; from++) await client.query(POSTGRES_MIGRATIONS[from - 1]);
      if (version !== POSTGRES_SCHEMA_VERSION) await client.query("UPDATE store_schema SET version = $1", [POSTGRES_SCHEMA_VERSION]);
      await client.query(STAFF_POSTGRES_SCHEMA);
      await client.query(VOUCHER_POSTGRES_SCHEMA);
      await client.query("COMMIT");
    } catch (error) {
      broken = await rollBack(client);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Runs `work` in one READ COMMITTED transaction on one connection, after locking the append
   * lock of each chain in `appending` (always ledger before audit: one order, no deadlock).
   */
  private async write<T>(appending: ChainName[], work: (sql: Statements) => Promise<T>): Promise<T> {
    const chains = (["ledger", "audit"] as const).filter((chain) => appending.includes(chain));
    return withRetries(async () => {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const sql = new Statements((config) => client.query(config), this.names, new Set(chains));
        for (const chain of chains) await sql.run("SELECT chain FROM chain_append_locks WHERE chain = $1 FOR UPDATE", [chain]);
        const result = await work(sql);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        broken = await rollBack(client);
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }

  /**
   * A transaction for a batch of writes, holding the append locks of `chains` (ledger before
   * audit), with a savepoint for its first write open when `savepoint` is true.
   */
  private async beginBatch(chains: ChainName[], savepoint: boolean): Promise<BatchTransaction<Statements>> {
    const client = await this.pool.connect();
    const query = async (text: string): Promise<void> => {
      await client.query(text);
    };
    const heads = new Map<ChainName, ChainHead>();
    /** The chain heads as they were when the open savepoint was taken. */
    let headsAtSavepoint = new Map(heads);
    try {
      // One round trip: BEGIN, the chains' locks in the usual order (one statement each, run in
      // the order written, as the separate queries were; the names are the constants "ledger"
      // and "audit", never input), the first savepoint. A simple query of several statements
      // stops at the first error, and a failed lock leaves the transaction aborted: rolled back below.
      const opening = ["BEGIN", ...chains.map((chain) => `SELECT chain FROM chain_append_locks WHERE chain = '${chain}' FOR UPDATE`), ...(savepoint ? ["SAVEPOINT one_tap"] : [])];
      await query(opening.join("; "));
      const sql = new Statements((config) => client.query(config), this.names, new Set(chains), heads);
      return {
        sql: sql,
        nextSavepoint: async () => {
          // Parameterless statements: a simple query of several is allowed, and runs them in order.
          await query("RELEASE one_tap; SAVEPOINT one_tap");
          headsAtSavepoint = new Map(heads);
        },
        rollbackToSavepoint: async () => {
          await query("ROLLBACK TO one_tap");
          // The appends after the savepoint are undone: so is what they did to the heads.
          heads.clear();
          for (const [chain, head] of headsAtSavepoint) heads.set(chain, head);
        },
        commit: async () => {
          await query("COMMIT");
          client.release();
        },
        // Also after a failed COMMIT (which ended the transaction: the ROLLBACK then only warns).
        abandon: async () => client.release(await rollBack(client)),
      };
    } catch (error) {
      client.release(await rollBack(client));
      throw error;
    }
  }

  /** As write, with a unique key violated reported as DuplicateError. */
  private async insertUnique(appending: ChainName[], what: string, insert: (sql: Statements) => Promise<void>): Promise<void> {
    await this.write(appending, async (sql) => {
      try {
        await insert(sql);
      } catch (error) {
        if (sqlState(error) === UNIQUE_VIOLATION) throw new DuplicateError(what + " is already registered");
        throw error;
      }
    });
  }

  /** Appends to the audit chain; `sql` must hold the chain's append lock (write(["audit"], …)). */
  private async appendAudit(sql: Statements, entry: NewAuditEntry): Promise<void> {
    if (!sql.appending.has("audit")) throw new Error("appending to the audit chain without its append lock");
    const last = await chainHead(sql, "audit");
    const unhashed = { ...entry, sequence: last ? last.sequence + 1 : 1, previousHash: last ? last.hash : GENESIS };
    const e: AuditEntry = { ...unhashed, hash: auditEntryHash(unhashed) };
    await sql.run(
      "INSERT INTO audit (sequence, at, actor, merchant_id, action, subject, detail, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      [e.sequence, e.at, e.actor, e.merchantId, e.action, e.subject, e.detail, e.previousHash, e.hash],
    );
    sql.heads?.set("audit", { sequence: e.sequence, hash: e.hash });
  }

  /** Appends to the ledger; `sql` must hold the chain's append lock (write(["ledger"], …)). */
  private async appendLedger(sql: Statements, entry: LedgerEntry): Promise<void> {
    if (!sql.appending.has("ledger")) throw new Error("appending to the ledger without its append lock");
    const last = await chainHead(sql, "ledger");
    const unhashed = { ...entry, sequence: last ? last.sequence + 1 : 1, previousHash: last ? last.hash : GENESIS };
    const e: LedgerEvent = { ...unhashed, hash: ledgerEventHashV2(unhashed) };
    await sql.run(
      `INSERT INTO ledger (sequence, stamp_id, counter, verifier_id, shop_id, merchant_id, purpose, quantity, nonce, challenge_issued_at,
         accepted_at, response, transport, origin, card_id, order_ref, amount, currency, previous_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        e.sequence,
        e.stampId,
        e.counter,
        e.verifierId,
        e.shopId,
        e.merchantId,
        e.purpose,
        e.quantity,
        e.nonce,
        e.challengeIssuedAt,
        e.acceptedAt,
        e.response,
        e.transport,
        e.origin,
        e.cardId,
        e.receipt?.orderRef ?? null,
        e.receipt?.amount ?? null,
        e.receipt?.currency ?? null,
        e.previousHash,
        e.hash,
      ],
    );
    sql.heads?.set("ledger", { sequence: e.sequence, hash: e.hash });
  }

  async addMerchant(merchant: Merchant, audit: NewAuditEntry): Promise<void> {
    await this.insertUnique(["audit"], "merchant " + merchant.id, async (sql) => {
      await sql.run("INSERT INTO merchants (id, name) VALUES ($1, $2)", [merchant.id, merchant.name]);
      await this.appendAudit(sql, audit);
    });
  }

  async addShop(shop: Shop, audit: NewAuditEntry): Promise<void> {
    await this.insertUnique(["audit"], "shop " + shop.id, async (sql) => {
      await sql.run("INSERT INTO shops (id, merchant_id, name) VALUES ($1, $2, $3)", [shop.id, shop.merchantId, shop.name]);
      await this.appendAudit(sql, audit);
    });
  }

  async addVerifier(verifier: Verifier, audit: NewAuditEntry): Promise<void> {
    await this.insertUnique(["audit"], "verifier " + verifier.id, async (sql) => {
      await sql.run("INSERT INTO verifiers (id, shop_id, label, require_presence, purpose, quantity) VALUES ($1, $2, $3, $4, $5, $6)", [
        verifier.id,
        verifier.shopId,
        verifier.label,
        verifier.requirePresence,
        verifier.purpose,
        verifier.quantity,
      ]);
      await this.appendAudit(sql, audit);
    });
  }

  async updateVerifier(verifier: Verifier, audit: NewAuditEntry): Promise<boolean> {
    return this.write(["audit"], async (sql) => {
      const changes = await sql.run("UPDATE verifiers SET label = $1, require_presence = $2, purpose = $3, quantity = $4 WHERE id = $5", [
        verifier.label,
        verifier.requirePresence,
        verifier.purpose,
        verifier.quantity,
        verifier.id,
      ]);
      if (changes === 1) await this.appendAudit(sql, audit);
      return changes === 1;
    });
  }

  async addStamp(stamp: StampRecord, provisioningChallenge: string, audit: NewAuditEntry): Promise<"added" | "challenge-used"> {
    let outcome: "added" | "challenge-used" = "added";
    await this.insertUnique(["audit"], "stamp " + stamp.id + " (or its public key)", async (sql) => {
      // The proof's challenge is spent in the same transaction: one proof, one registration.
      const used = await sql.run("UPDATE provisioning_challenges SET used_at = $1 WHERE challenge = $2 AND used_at IS NULL", [stamp.registeredAt, provisioningChallenge]);
      if (used !== 1) {
        outcome = "challenge-used";
        return;
      }
      // Registrations queue on the audit chain's lock, so this sees every stamp added before;
      // the unique index stamps_live_label_by_merchant stands behind it.
      const sameLabel = await sql.row<{ id: string }>("SELECT id FROM stamps WHERE merchant_id = $1 AND label = $2 AND status <> 'revoked'", [stamp.merchantId, stamp.label]);
      if (sameLabel !== undefined) throw new DuplicateError(`the label "${stamp.label}" is already used by stamp ${sameLabel.id} of this merchant: give each stamp its own label`);
      await sql.run(
        "INSERT INTO stamps (id, public_key, label, merchant_id, status, last_counter, registered_at, firmware_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [stamp.id, Buffer.from(stamp.publicKey), stamp.label, stamp.merchantId, stamp.status, stamp.lastCounter, stamp.registeredAt, stamp.firmwareHash ?? null],
      );
      for (const shopId of stamp.shopIds) await sql.run("INSERT INTO stamp_shops (stamp_id, shop_id) VALUES ($1, $2)", [stamp.id, shopId]);
      for (const verifierId of stamp.verifierIds) await sql.run("INSERT INTO stamp_verifiers (stamp_id, verifier_id) VALUES ($1, $2)", [stamp.id, verifierId]);
      await this.appendAudit(sql, audit);
    });
    return outcome;
  }

  async getMerchant(id: string): Promise<Merchant | undefined> {
    return this.autocommit.row<Merchant>("SELECT id, name FROM merchants WHERE id = $1", [id]);
  }

  async getShop(id: string): Promise<Shop | undefined> {
    const row = await this.autocommit.row<ShopRow>(`SELECT ${SHOP_COLUMNS} FROM shops WHERE id = $1`, [id]);
    return row && shopFromRow(row);
  }

  async lastAcceptedTap(stampId: string): Promise<LastAcceptedTap | undefined> {
    const row = await this.autocommit.row<LastTapRow>(lastTapSql("$1"), [stampId]);
    return row && lastTapFromRow(row);
  }

  async setShopLocation(shopId: string, location: GeoPoint | undefined, audit: NewAuditEntry): Promise<boolean> {
    return this.write(["audit"], async (sql) => {
      const changes = await sql.run("UPDATE shops SET latitude = $1, longitude = $2 WHERE id = $3", [location?.latitude ?? null, location?.longitude ?? null, shopId]);
      if (changes === 1) await this.appendAudit(sql, audit);
      return changes === 1;
    });
  }

  async getVerifier(id: string): Promise<Verifier | undefined> {
    const row = await this.autocommit.row<VerifierRow>("SELECT * FROM verifiers WHERE id = $1", [id]);
    return row && verifierFromRow(row);
  }

  async listMerchants(only: string | undefined, page: IdPage): Promise<Merchant[]> {
    return this.autocommit.rows<Merchant>("SELECT id, name FROM merchants WHERE ($1::text IS NULL OR id = $1) AND id > $2 ORDER BY id LIMIT $3", [
      only ?? null,
      page.after ?? "",
      page.limit,
    ]);
  }

  async listShops(merchantId: string, page: IdPage): Promise<Shop[]> {
    const rows = await this.autocommit.rows<ShopRow>(`SELECT ${SHOP_COLUMNS} FROM shops WHERE merchant_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [
      merchantId,
      page.after ?? "",
      page.limit,
    ]);
    return rows.map(shopFromRow);
  }

  async listVerifiers(merchantId: string, page: IdPage): Promise<Verifier[]> {
    const rows = await this.autocommit.rows<VerifierRow>(
      "SELECT v.* FROM verifiers v JOIN shops s ON s.id = v.shop_id WHERE s.merchant_id = $1 AND v.id > $2 ORDER BY v.id LIMIT $3",
      [merchantId, page.after ?? "", page.limit],
    );
    return rows.map(verifierFromRow);
  }

  async getStamp(id: string): Promise<StampRecord | undefined> {
    const row = await this.autocommit.row<StampRow>(`SELECT ${STAMP_COLUMNS} FROM stamps s WHERE s.id = $1`, [id]);
    return row && stampFromRow(row);
  }

  async listStamps(merchantId: string, page: IdPage & { label?: string }): Promise<StampRecord[]> {
    const rows = await this.autocommit.rows<StampRow>(
      `SELECT ${STAMP_COLUMNS} FROM stamps s WHERE s.merchant_id = $1 AND ($2::text IS NULL OR s.label = $2) AND s.id > $3 ORDER BY s.id LIMIT $4`,
      [merchantId, page.label ?? null, page.after ?? "", page.limit],
    );
    return rows.map(stampFromRow);
  }

  async setStampStatus(id: string, from: StampStatus[], to: StampStatus, audit: NewAuditEntry): Promise<boolean> {
    return this.write(["audit"], async (sql) => {
      // Locked: a tap committing meanwhile (a quarantine, a counter) waits, and so does any other status change.
      const row = await sql.row<{ status: StampStatus }>("SELECT status FROM stamps WHERE id = $1 FOR UPDATE", [id]);
      if (row === undefined || !from.includes(row.status)) return false;
      await sql.run("UPDATE stamps SET status = $1 WHERE id = $2", [to, id]);
      await this.appendAudit(sql, audit);
      return true;
    });
  }

  async addCredential(credential: CredentialRecord, audit: NewAuditEntry, onlyIfNoOperator = false): Promise<boolean> {
    let added = false;
    await this.insertUnique(["audit"], "credential " + credential.id, async (sql) => {
      // Two `stamp init` racing: both queue on the audit chain's lock, so the second sees the first's operator.
      if (onlyIfNoOperator && (await sql.row("SELECT 1 FROM credentials WHERE role = 'operator' LIMIT 1")) !== undefined) return;
      await this.insertCredential(sql, credential);
      await this.appendAudit(sql, audit);
      added = true;
    });
    return added;
  }

  private async insertCredential(sql: Statements, c: CredentialRecord): Promise<void> {
    await sql.run(
      `INSERT INTO credentials (id, role, merchant_id, verifier_id, label, secret_hash, public_key, created_at, expires_at, revoked_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
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
      ],
    );
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    const row = await this.autocommit.row<CredentialRow>("SELECT * FROM credentials WHERE id = $1", [id]);
    return row && credentialFromRow(row);
  }

  async findTokenCredential(secretHash: string): Promise<CredentialRecord | undefined> {
    const row = await this.autocommit.row<CredentialRow>("SELECT * FROM credentials WHERE secret_hash = $1", [secretHash]);
    return row && credentialFromRow(row);
  }

  async listCredentials(merchantId: string | undefined, page: IdPage): Promise<CredentialRecord[]> {
    const rows = await this.autocommit.rows<CredentialRow>(
      "SELECT * FROM credentials WHERE ($1::text IS NULL OR merchant_id = $1) AND id > $2 ORDER BY id LIMIT $3",
      [merchantId ?? null, page.after ?? "", page.limit],
    );
    return rows.map(credentialFromRow);
  }

  async revokeCredential(id: string, at: number, audit: NewAuditEntry): Promise<boolean> {
    return this.write(["audit"], async (sql) => {
      const changes = await sql.run("UPDATE credentials SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", [at, id]);
      if (changes === 1) await this.appendAudit(sql, audit);
      return changes === 1;
    });
  }

  async addEnrolmentCode(code: EnrolmentCode, audit: NewAuditEntry): Promise<void> {
    await this.write(["audit"], async (sql) => {
      await sql.run("INSERT INTO enrolment_codes (code_hash, role, merchant_id, verifier_id, expires_at, used_at, created_by) VALUES ($1, $2, $3, $4, $5, NULL, $6)", [
        code.codeHash,
        code.role,
        code.merchantId,
        code.verifierId ?? null,
        code.expiresAt,
        code.createdBy,
      ]);
      await this.appendAudit(sql, audit);
    });
  }

  async redeemEnrolmentCode(
    codeHash: string,
    now: number,
    credentialFor: (code: EnrolmentCode) => CredentialRecord,
    auditFor: (credential: CredentialRecord) => NewAuditEntry,
  ): Promise<EnrolmentOutcome> {
    let outcome: EnrolmentOutcome = { ok: false, why: "unknown" };
    await this.insertUnique(["audit"], "station key", async (sql) => {
      // Locked: of two stations redeeming one code at once, the second waits and finds it used.
      const row = await sql.row<{ role: StationRole; merchant_id: string; verifier_id: string | null; expires_at: number; used_at: number | null; created_by: string }>(
        "SELECT * FROM enrolment_codes WHERE code_hash = $1 FOR UPDATE",
        [codeHash],
      );
      if (row === undefined) return;
      if (row.used_at !== null) {
        outcome = { ok: false, why: "used" };
        return;
      }
      if (now > row.expires_at) {
        outcome = { ok: false, why: "expired" };
        return;
      }
      await sql.run("UPDATE enrolment_codes SET used_at = $1 WHERE code_hash = $2", [now, codeHash]);
      const credential = credentialFor({
        codeHash: codeHash,
        role: row.role,
        merchantId: row.merchant_id,
        verifierId: row.verifier_id ?? undefined,
        expiresAt: row.expires_at,
        createdBy: row.created_by,
      });
      await this.insertCredential(sql, credential);
      await this.appendAudit(sql, auditFor(credential));
      outcome = { ok: true, credential: credential };
    });
    return outcome;
  }

  /**
   * One statement on a pool whose sessions commit asynchronously (synchronous_commit = off), as
   * SQLite's second connection does with synchronous = NORMAL: single use holds across
   * processes (the primary key: a second insert waits for the first and then inserts
   * nothing), but the nonce is not flushed to disk before the answer. A crash of the database
   * server can forget the last moments of nonces, so a request captured just before it could be
   * replayed within its 60 s window: a replayed challenge request gets a fresh challenge, a
   * replayed tap meets its spent challenge (that commit is flushed), a replayed change is the
   * same change again. That buys one disk flush less per request.
   */
  async useRequestNonce(credentialId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    return withRetries(async () => {
      const inserted = await this.nonceStatements.run(
        `WITH purged AS (DELETE FROM request_nonces WHERE expires_at < $4)
         INSERT INTO request_nonces (credential_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [credentialId, nonce, expiresAt, now],
      );
      return inserted === 1;
    });
  }

  async approveFirmware(firmware: ApprovedFirmware, audit: NewAuditEntry): Promise<void> {
    await this.insertUnique(["audit"], "firmware " + firmware.hash, async (sql) => {
      await sql.run("INSERT INTO firmware (hash, label, approved_at) VALUES ($1, $2, $3)", [firmware.hash, firmware.label, firmware.approvedAt]);
      await this.appendAudit(sql, audit);
    });
  }

  async isFirmwareApproved(hash: string): Promise<boolean> {
    return (await this.autocommit.row("SELECT 1 FROM firmware WHERE hash = $1", [hash])) !== undefined;
  }

  async listFirmware(): Promise<ApprovedFirmware[]> {
    const rows = await this.autocommit.rows<{ hash: string; label: string; approved_at: number }>("SELECT hash, label, approved_at FROM firmware ORDER BY approved_at, hash");
    return rows.map((row) => ({ hash: row.hash, label: row.label, approvedAt: row.approved_at }));
  }

  async saveProvisioningChallenge(challenge: string, credentialId: string, expiresAt: number): Promise<void> {
    await withRetries(() =>
      this.autocommit.run(
        `WITH purged AS (DELETE FROM provisioning_challenges WHERE expires_at < $4)
         INSERT INTO provisioning_challenges (challenge, credential_id, expires_at, used_at) VALUES ($1, $2, $3, NULL)`,
        [challenge, credentialId, expiresAt, expiresAt - 24 * 3600_000],
      ),
    );
  }

  async getProvisioningChallenge(challenge: string): Promise<{ credentialId: string; expiresAt: number; used: boolean } | undefined> {
    const row = await this.autocommit.row<{ credential_id: string; expires_at: number; used_at: number | null }>(
      "SELECT credential_id, expires_at, used_at FROM provisioning_challenges WHERE challenge = $1",
      [challenge],
    );
    return row && { credentialId: row.credential_id, expiresAt: row.expires_at, used: row.used_at !== null };
  }

  async saveChallenge(challenge: IssuedChallenge, maxOpen: number, now: number): Promise<"saved" | "oldest-retired"> {
    // Batched with the taps: issuing a challenge is half of every tap's durable writes. Within a
    // batch the saves run one after another in one transaction, each seeing the ones before it.
    return this.batched.run([], async (sql) => {
      // Retiring and inserting are two steps: the verifier's row, locked, makes one process at a
      // time do them for this verifier, so the cap holds across processes. (NO KEY UPDATE: it
      // does not hold up inserts that merely reference the verifier.)
      await sql.run("SELECT 1 FROM verifiers WHERE id = $1 FOR NO KEY UPDATE", [challenge.verifierId]);
      // Expired challenges can never be accepted again: deleting them keeps the table bounded by
      // the open-challenge cap. (A replay of a purged one is refused as UNKNOWN_CHALLENGE.)
      // Counted per station: one station flooding its verifier fills only its own share, never the
      // other stations' (docs/security.md, "Open challenges"). At its share, the station's oldest
      // unused challenges make room: the newest is the one a genuine press at that counter answers,
      // and a reply to a deleted one is refused as UNKNOWN_CHALLENGE. A tap spending one of them
      // meanwhile (it takes no verifier lock) keeps it: the outer "used_at IS NULL" is checked
      // again on the row the tap committed, and a used challenge is never retired.
      //
      // One statement, where there were three (expired deleted, oldest retired, new one inserted),
      // deleting and inserting the same rows:
      // - Deleted: the verifier's expired challenges (used or not, as before), and the station's
      //   unused ones past its share. The share's ranking (newest expiry first) now also sees the
      //   expired ones, which the first DELETE used to remove before it; but an expired row
      //   (expires_at < now) sorts after every live one (expires_at >= now), so the live rows past
      //   the offset are exactly those the ranking without the expired rows put there, and the
      //   expired rows past it are deleted anyway. The verifier's row lock, held since the
      //   statement above, keeps other processes' saves out, as before; a tap updating a row
      //   meanwhile makes PostgreSQL re-check this WHERE on the row it committed, as before:
      //   expires_at is never changed, and a row found used is not retired.
      // - "oldest-retired" exactly when a live row was deleted: RETURNING tells each deleted row's
      //   expiry, and only live ones are counted (the retire DELETE alone deleted only live rows).
      // - The new challenge is inserted in the same statement: one snapshot for both, in which
      //   the DELETE cannot see the row being inserted (as it ran before the INSERT, it never saw
      //   it either). Its nonce is fresh (128 random bits), so it cannot be one of the rows deleted.
      const inserted = await sql.row<{ retired: number }>(
        `WITH gone AS (
           DELETE FROM challenges WHERE verifier_id = $2 AND (expires_at < $13 OR (used_at IS NULL AND nonce IN (
             SELECT nonce FROM challenges WHERE verifier_id = $2 AND station_id = $12 AND used_at IS NULL
             ORDER BY expires_at DESC, nonce DESC OFFSET $14)))
           RETURNING expires_at < $13 AS expired)
         INSERT INTO challenges (nonce, verifier_id, issued_at, expires_at, purpose, quantity, card_id, voucher_id, order_ref, amount, currency, station_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         RETURNING (SELECT COUNT(*) FROM gone WHERE NOT expired) AS retired`,
        [...challengeInsertValues(challenge), now, Math.max(maxOpen - 1, 0)],
      );
      const retired = inserted?.retired ?? 0;
      return retired > 0 ? "oldest-retired" : "saved";
    });
  }

  async getChallenge(nonce: string): Promise<IssuedChallenge | undefined> {
    const row = await this.autocommit.row<ChallengeRow>("SELECT * FROM challenges WHERE nonce = $1", [nonce]);
    return row && challengeFromRow(row);
  }

  async findSignedCounters(stampId: string, counter: number): Promise<SignedCounter[]> {
    const rows = await this.autocommit.rows<{
      stamp_id: string;
      counter: number;
      nonce: string;
      verifier_id: string;
      challenge_issued_at: number;
      purpose: Purpose;
      quantity: number;
      response: string;
      at: number;
    }>("SELECT * FROM signed_counters WHERE stamp_id = $1 AND counter = $2 ORDER BY at, nonce", [stampId, counter]);
    return rows.map((row) => ({
      stampId: row.stamp_id,
      counter: row.counter,
      nonce: row.nonce,
      verifierId: row.verifier_id,
      challengeIssuedAt: row.challenge_issued_at,
      purpose: row.purpose,
      quantity: row.quantity,
      response: row.response,
      at: row.at,
    }));
  }

  async commitTap(commit: TapCommit): Promise<TapCommitOutcome> {
    const appending: ChainName[] = [...(commit.ledger === undefined ? [] : ["ledger" as const]), ...(commit.audit.length === 0 ? [] : ["audit" as const])];
    try {
      return await this.batched.run(appending, async (sql): Promise<TapCommitOutcome> => {
        const challenge = commit.challenge;
        if (challenge !== undefined) {
          // The challenge is spent only here, by a validly signed response: junk that merely names
          // a nonce someone overheard cannot burn it. Of two processes spending it, the second
          // waits for the first's row lock, then finds used_at set and changes nothing.
          const used = await sql.run("UPDATE challenges SET used_at = $1 WHERE nonce = $2 AND verifier_id = $3 AND used_at IS NULL", [commit.now, challenge.nonce, challenge.verifierId]);
          if (used !== 1) throw new Abort("challenge-used");
        }
        const s = commit.signed;
        const kept = await sql.run(
          `INSERT INTO signed_counters (stamp_id, counter, nonce, verifier_id, challenge_issued_at, purpose, quantity, response, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
          [s.stampId, s.counter, s.nonce, s.verifierId, s.challengeIssuedAt, s.purpose, s.quantity, s.response, s.at],
        );
        // A phone URL is used once: its evidence id is the key's last part, so of two openings the
        // second waits for the first's insert, then inserts nothing and decides again.
        if (challenge === undefined && kept !== 1) throw new Abort("evidence-kept");
        if (commit.raiseCounterTo !== undefined) {
          // Re-checked on the committed row after waiting for its lock: of two equal counters one raises it.
          const raised = await sql.run("UPDATE stamps SET last_counter = $1 WHERE id = $2 AND last_counter < $1", [commit.raiseCounterTo, s.stampId]);
          if (raised !== 1) throw new Abort("counter-moved");
        }
        if (commit.lateCounter !== undefined) {
          // The stamp's row lock orders this against any tap or upload of the same stamp; the count
          // that follows is a new statement, so it sees what the one before committed.
          await sql.run("UPDATE stamps SET last_counter = GREATEST(last_counter, $1) WHERE id = $2", [commit.lateCounter, s.stampId]);
          const kept = await sql.row<{ n: string }>("SELECT COUNT(*) AS n FROM signed_counters WHERE stamp_id = $1 AND counter = $2", [s.stampId, commit.lateCounter]);
          if (Number(kept?.n) !== 1) throw new Abort("counter-moved");
        }
        if (commit.clock !== undefined) {
          // Compare and set on the worker's row: two presses that both read "clocked out" cannot both clock in.
          const c = commit.clock;
          const moved = await sql.run("UPDATE workers SET clocked_in_since = $1 WHERE id = $2 AND clocked_in_since IS NOT DISTINCT FROM $3", [c.to ?? null, c.workerId, c.from ?? null]);
          if (moved !== 1) throw new Abort("clock-moved");
        }
        if (commit.card !== undefined && !(await applyCardChangesPostgres(sql, commit.card))) throw new Abort("voucher-used");
        if (commit.quarantine) await sql.run("UPDATE stamps SET status = 'quarantined' WHERE id = $1 AND status = 'active'", [s.stampId]);
        if (commit.ledger !== undefined) await this.appendLedger(sql, commit.ledger);
        if (commit.alert !== undefined) await insertAlert(sql, commit.alert);
        for (const entry of commit.audit) await this.appendAudit(sql, entry);
        return "committed";
      });
    } catch (error) {
      if (error instanceof Abort) return error.outcome;
      throw error;
    }
  }

  async addAlert(alert: NewAlert, audit: NewAuditEntry): Promise<void> {
    await this.write(["audit"], async (sql) => {
      await insertAlert(sql, alert);
      await this.appendAudit(sql, audit);
    });
  }

  async addStationAlert(alert: NewAlert, audit: NewAuditEntry, since: number): Promise<"added" | "already-raised"> {
    return this.write(["audit"], async (sql) => {
      // The station's credential row, locked, makes one process at a time check and insert for
      // this station (the audit chain's append lock, taken first, would too; this does not rely on it).
      await sql.run("SELECT 1 FROM credentials WHERE id = $1 FOR NO KEY UPDATE", [alert.stationId]);
      const raised = await sql.row<{ one: number }>("SELECT 1 AS one FROM alerts WHERE station_id = $1 AND kind = $2 AND at > $3 LIMIT 1", [alert.stationId, alert.kind, since]);
      if (raised !== undefined) return "already-raised";
      await insertAlert(sql, alert);
      await this.appendAudit(sql, audit);
      return "added";
    });
  }

  /** One page of a merchant's events with the names joined in, as SqliteStore.listEvents. */
  async listEvents(filter: EventFilter): Promise<NamedEvent[]> {
    const rows = await this.autocommit.rows<LedgerRow & NameColumns>(
      `SELECT l.*, st.label AS stamp_label, sh.name AS shop_name, v.label AS verifier_label FROM ledger l
         LEFT JOIN stamps st ON st.id = l.stamp_id AND st.merchant_id = l.merchant_id
         LEFT JOIN shops sh ON sh.id = l.shop_id AND sh.merchant_id = l.merchant_id
         LEFT JOIN verifiers v ON v.id = l.verifier_id AND v.shop_id = sh.id
       WHERE l.merchant_id = $1 AND ($2::text IS NULL OR l.stamp_id = $2)
         AND ($3::text IS NULL OR l.shop_id = $3) AND ($4::bigint IS NULL OR l.sequence < $4)
       ORDER BY l.sequence DESC LIMIT $5`,
      [filter.merchantId, filter.stampId ?? null, filter.shopId ?? null, filter.before ?? null, filter.limit],
    );
    return rows.map((row) => ({ ...eventFromRow(row), ...namesFromRow(row) }));
  }

  /** One page of a merchant's alerts, with names joined in as for listEvents. */
  async listAlerts(merchantId: string, page: HistoryPage): Promise<NamedAlert[]> {
    const rows = await this.autocommit.rows<AlertRow & NameColumns & StationLabelColumn>(
      `SELECT a.*, st.label AS stamp_label, sh.name AS shop_name, v.label AS verifier_label, c.label AS station_label FROM alerts a
         LEFT JOIN stamps st ON st.id = a.stamp_id AND st.merchant_id = a.merchant_id
         LEFT JOIN shops sh ON sh.id = a.shop_id AND sh.merchant_id = a.merchant_id
         LEFT JOIN verifiers v ON v.id = a.verifier_id AND v.shop_id = sh.id
         LEFT JOIN credentials c ON c.id = a.station_id AND c.merchant_id = a.merchant_id
       WHERE a.merchant_id = $1 AND ($2::bigint IS NULL OR a.id < $2) ORDER BY a.id DESC LIMIT $3`,
      [merchantId, page.before ?? null, page.limit],
    );
    return rows.map((row) => ({ ...alertFromRow(row), ...namesFromRow(row), stationLabel: row.station_label }));
  }

  async listAudit(merchantId: string | undefined, page: HistoryPage): Promise<AuditEntry[]> {
    const rows = await this.autocommit.rows<AuditRow>(
      "SELECT * FROM audit WHERE ($1::text IS NULL OR merchant_id = $1) AND ($2::bigint IS NULL OR sequence < $2) ORDER BY sequence DESC LIMIT $3",
      [merchantId ?? null, page.before ?? null, page.limit],
    );
    return rows.map(auditFromRow);
  }

  async readLedger(fromSequence: number, limit: number): Promise<LedgerEvent[]> {
    const rows = await this.autocommit.rows<LedgerRow>("SELECT * FROM ledger WHERE sequence >= $1 ORDER BY sequence LIMIT $2", [fromSequence, limit]);
    return rows.map(eventFromRow);
  }

  async readAudit(fromSequence: number, limit: number): Promise<AuditEntry[]> {
    const rows = await this.autocommit.rows<AuditRow>("SELECT * FROM audit WHERE sequence >= $1 ORDER BY sequence LIMIT $2", [fromSequence, limit]);
    return rows.map(auditFromRow);
  }

  async readStamps(page: IdPage): Promise<StampRecord[]> {
    const rows = await this.autocommit.rows<StampRow>(`SELECT ${STAMP_COLUMNS} FROM stamps s WHERE s.id > $1 ORDER BY s.id LIMIT $2`, [page.after ?? "", page.limit]);
    return rows.map(stampFromRow);
  }

  async chainHeads(): Promise<{ ledger: { count: number; headHash: string }; audit: { count: number; headHash: string } }> {
    const head = async (chain: ChainName) => {
      const row = await this.autocommit.row<{ sequence: number; hash: string }>(`SELECT sequence, hash FROM ${chain} ORDER BY sequence DESC LIMIT 1`);
      return row === undefined ? { count: 0, headHash: GENESIS } : { count: row.sequence, headHash: row.hash };
    };
    return { ledger: await head("ledger"), audit: await head("audit") };
  }

  async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    await withRetries(() =>
      this.autocommit.run("INSERT INTO checkpoints (chain, count, head_hash, at, host_key_id, signature) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", [
        checkpoint.chain,
        checkpoint.count,
        checkpoint.headHash,
        checkpoint.at,
        checkpoint.hostKeyId,
        checkpoint.signature,
      ]),
    );
  }

  async listCheckpoints(): Promise<Checkpoint[]> {
    const rows = await this.autocommit.rows<{ chain: ChainName; count: number; head_hash: string; at: number; host_key_id: string; signature: string }>(
      "SELECT * FROM checkpoints ORDER BY at, chain",
    );
    return rows.map((row) => ({ chain: row.chain, count: row.count, headHash: row.head_hash, at: row.at, hostKeyId: row.host_key_id, signature: row.signature }));
  }

  // -------------------------------------------------------------------------------------------
  // Phones: holders, workers, passkeys, loyalty programs, cards (CardStore)

  async addHolder(holderId: string, secretHash: string, now: number): Promise<void> {
    await this.write([], async (sql) => {
      await sql.run("INSERT INTO holders (id, created_at) VALUES ($1, $2)", [holderId, now]);
      await sql.run("INSERT INTO holder_secrets (secret_hash, holder_id, created_at) VALUES ($1, $2, $3)", [secretHash, holderId, now]);
    });
  }

  async addHolderSecret(holderId: string, secretHash: string, now: number): Promise<boolean> {
    const added = await withRetries(() =>
      this.autocommit.run("INSERT INTO holder_secrets (secret_hash, holder_id, created_at) SELECT $1, id, $3 FROM holders WHERE id = $2", [secretHash, holderId, now]),
    );
    return added === 1;
  }

  async findHolder(secretHash: string): Promise<string | undefined> {
    return (await this.autocommit.row<{ holder_id: string }>("SELECT holder_id FROM holder_secrets WHERE secret_hash = $1", [secretHash]))?.holder_id;
  }

  async addWorker(worker: Worker, audit: NewAuditEntry): Promise<void> {
    await this.insertUnique(["audit"], "worker " + worker.id, async (sql) => {
      await sql.run("INSERT INTO workers (id, merchant_id, name, created_at, clocked_in_since) VALUES ($1, $2, $3, $4, $5)", [
        worker.id,
        worker.merchantId,
        worker.name,
        worker.createdAt,
        worker.clockedInSince ?? null,
      ]);
      await this.appendAudit(sql, audit);
    });
  }

  async getWorker(id: string): Promise<Worker | undefined> {
    const row = await this.autocommit.row<WorkerRow>("SELECT * FROM workers WHERE id = $1", [id]);
    return row && workerFromRow(row);
  }

  async listWorkers(merchantId: string, page: IdPage): Promise<Worker[]> {
    const rows = await this.autocommit.rows<WorkerRow>("SELECT * FROM workers WHERE merchant_id = $1 AND id > $2 ORDER BY id LIMIT $3", [merchantId, page.after ?? "", page.limit]);
    return rows.map(workerFromRow);
  }

  async addWorkerInvitation(invitation: WorkerInvitation, audit: NewAuditEntry): Promise<void> {
    await this.write(["audit"], async (sql) => {
      await sql.run("INSERT INTO worker_invitations (code_hash, worker_id, merchant_id, expires_at, used_at, created_by) VALUES ($1, $2, $3, $4, NULL, $5)", [
        invitation.codeHash,
        invitation.workerId,
        invitation.merchantId,
        invitation.expiresAt,
        invitation.createdBy,
      ]);
      await this.appendAudit(sql, audit);
    });
  }

  async getWorkerInvitation(codeHash: string): Promise<WorkerInvitation | undefined> {
    const row = await this.autocommit.row<WorkerInvitationRow>("SELECT * FROM worker_invitations WHERE code_hash = $1", [codeHash]);
    return row && workerInvitationFromRow(row);
  }

  async acceptWorkerInvitation(codeHash: string, holderId: string, now: number, auditFor: (worker: Worker) => NewAuditEntry): Promise<InvitationOutcome> {
    return this.write(["audit"], async (sql): Promise<InvitationOutcome> => {
      // Locked: of two phones accepting one invitation at once, the second waits and finds it used.
      const invitation = await sql.row<{ worker_id: string; merchant_id: string; expires_at: number; used_at: number | null }>(
        "SELECT worker_id, merchant_id, expires_at, used_at FROM worker_invitations WHERE code_hash = $1 FOR UPDATE",
        [codeHash],
      );
      if (invitation === undefined) return { ok: false, why: "unknown" };
      if (invitation.used_at !== null) return { ok: false, why: "used" };
      if (now > invitation.expires_at) return { ok: false, why: "expired" };
      // The primary key (holder, merchant) stands behind this: one worker per phone and merchant.
      const linked = await sql.run(
        "INSERT INTO worker_phones (holder_id, merchant_id, worker_id, linked_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        [holderId, invitation.merchant_id, invitation.worker_id, now],
      );
      if (linked !== 1) return { ok: false, why: "linked" };
      await sql.run("UPDATE worker_invitations SET used_at = $1 WHERE code_hash = $2", [now, codeHash]);
      const row = await sql.row<WorkerRow>("SELECT * FROM workers WHERE id = $1", [invitation.worker_id]);
      if (row === undefined) throw new Error(`invitation for worker ${invitation.worker_id}, who does not exist`);
      const worker = workerFromRow(row);
      await this.appendAudit(sql, auditFor(worker));
      return { ok: true, worker: worker };
    });
  }

  async findLinkedWorker(holderId: string, merchantId: string): Promise<Worker | undefined> {
    const row = await this.autocommit.row<WorkerRow>(
      "SELECT w.* FROM worker_phones p JOIN workers w ON w.id = p.worker_id WHERE p.holder_id = $1 AND p.merchant_id = $2",
      [holderId, merchantId],
    );
    return row && workerFromRow(row);
  }

  async getLoyaltyProgram(merchantId: string): Promise<LoyaltyProgram | undefined> {
    const row = await this.autocommit.row<{ merchant_id: string; stamps_per_reward: number; stamps_per_press: number; reward_label: string; reward_valid_days: number | null }>(
      "SELECT * FROM loyalty_programs WHERE merchant_id = $1",
      [merchantId],
    );
    return (
      row && { merchantId: row.merchant_id, stampsPerReward: row.stamps_per_reward, stampsPerPress: row.stamps_per_press, rewardLabel: row.reward_label, rewardValidDays: row.reward_valid_days }
    );
  }

  async setLoyaltyProgram(program: LoyaltyProgram, audit: NewAuditEntry): Promise<void> {
    await this.write(["audit"], async (sql) => {
      await sql.run(
        `INSERT INTO loyalty_programs (merchant_id, stamps_per_reward, stamps_per_press, reward_label, reward_valid_days) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (merchant_id) DO UPDATE SET stamps_per_reward = $2, stamps_per_press = $3, reward_label = $4, reward_valid_days = $5`,
        [program.merchantId, program.stampsPerReward, program.stampsPerPress, program.rewardLabel, program.rewardValidDays],
      );
      await this.appendAudit(sql, audit);
    });
  }

  async saveWebAuthnChallenge(challenge: WebAuthnChallenge, now: number): Promise<void> {
    await withRetries(() =>
      this.autocommit.run(
        `WITH purged AS (DELETE FROM webauthn_challenges WHERE expires_at < $5)
         INSERT INTO webauthn_challenges (challenge, holder_id, kind, expires_at) VALUES ($1, $2, $3, $4)`,
        [challenge.challenge, challenge.holderId ?? null, challenge.kind, challenge.expiresAt, now],
      ),
    );
  }

  async takeWebAuthnChallenge(challenge: string, kind: WebAuthnCeremony, holderId: string | undefined, now: number): Promise<boolean> {
    // One DELETE: of two statements taking the same row, the second waits and then deletes nothing.
    const taken = await withRetries(() =>
      this.autocommit.rows<{ kind: string; holder_id: string | null; expires_at: number }>("DELETE FROM webauthn_challenges WHERE challenge = $1 RETURNING kind, holder_id, expires_at", [challenge]),
    );
    const row = taken[0];
    return row !== undefined && row.kind === kind && row.holder_id === (holderId ?? null) && now <= row.expires_at;
  }

  async addPasskey(passkey: Passkey): Promise<void> {
    await this.insertUnique([], "passkey " + passkey.credentialId, async (sql) => {
      await sql.run("INSERT INTO passkeys (credential_id, holder_id, public_key, counter, transports, created_at) VALUES ($1, $2, $3, $4, $5, $6)", [
        passkey.credentialId,
        passkey.holderId,
        Buffer.from(passkey.publicKey),
        passkey.counter,
        passkeyTransportsText(passkey),
        passkey.createdAt,
      ]);
    });
  }

  async getPasskey(credentialId: string): Promise<Passkey | undefined> {
    const row = await this.autocommit.row<PasskeyRow>("SELECT * FROM passkeys WHERE credential_id = $1", [credentialId]);
    return row && passkeyFromRow(row);
  }

  async listPasskeys(holderId: string): Promise<Passkey[]> {
    const rows = await this.autocommit.rows<PasskeyRow>("SELECT * FROM passkeys WHERE holder_id = $1 ORDER BY created_at, credential_id", [holderId]);
    return rows.map(passkeyFromRow);
  }

  async raisePasskeyCounter(credentialId: string, to: number): Promise<boolean> {
    return (await withRetries(() => this.autocommit.run("UPDATE passkeys SET counter = $1 WHERE credential_id = $2 AND counter < $1", [to, credentialId]))) === 1;
  }

  async listCardEvents(holderId: string, merchantId: string, limit: number): Promise<CardEvent[]> {
    const rows = await this.autocommit.rows<CardEventRow>(
      `SELECT l.accepted_at, l.purpose, l.quantity, sh.name AS shop_name FROM ledger l
         LEFT JOIN shops sh ON sh.id = l.shop_id AND sh.merchant_id = l.merchant_id
       WHERE l.card_id = $1 AND l.merchant_id = $2 ORDER BY l.sequence DESC LIMIT $3`,
      [holderId, merchantId, limit],
    );
    return rows.map(cardEventFromRow);
  }

  async cardTotal(holderId: string, merchantId: string, purpose: Purpose): Promise<number> {
    const row = await this.autocommit.row<{ total: number }>(
      "SELECT COALESCE(SUM(quantity), 0)::bigint AS total FROM ledger WHERE card_id = $1 AND merchant_id = $2 AND purpose = $3",
      [holderId, merchantId, purpose],
    );
    return row?.total ?? 0;
  }

  async listAttendance(workerId: string, since: number): Promise<CardEvent[]> {
    const rows = await this.autocommit.rows<CardEventRow>(
      `SELECT l.accepted_at, l.purpose, l.quantity, sh.name AS shop_name FROM worker_phones p
         JOIN ledger l ON l.card_id = p.holder_id AND l.merchant_id = p.merchant_id
         LEFT JOIN shops sh ON sh.id = l.shop_id AND sh.merchant_id = l.merchant_id
       WHERE p.worker_id = $1 AND l.transport = 'phone' AND l.purpose IN (${Purpose.CLOCK_IN}, ${Purpose.CLOCK_OUT}) AND l.accepted_at >= $2
       ORDER BY l.sequence`,
      [workerId, since],
    );
    return rows.map(cardEventFromRow);
  }

  async listHolderMerchants(holderId: string): Promise<Merchant[]> {
    return this.autocommit.rows<Merchant>(
      `SELECT m.id, m.name FROM merchants m WHERE m.id IN (
         SELECT merchant_id FROM ledger WHERE card_id = $1 UNION SELECT merchant_id FROM worker_phones WHERE holder_id = $1)
       ORDER BY m.id`,
      [holderId],
    );
  }

  async close(): Promise<void> {
    await this.batched.idle();
    await this.noncePool.end();
    await this.pool.end();
  }
}

/**
 * Runs a transaction again from the start when PostgreSQL cancelled it for a deadlock or a
 * serialization failure, at most MAX_ATTEMPTS times; then, or when a lock stayed held past
 * LOCK_TIMEOUT_MS, StoreBusyError (HTTP 503 with Retry-After).
 */
async function withRetries<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      const state = sqlState(error);
      const cancelled = state === SERIALIZATION_FAILURE || state === DEADLOCK_DETECTED;
      if (cancelled && attempt < MAX_ATTEMPTS) {
        await pause(attempt * (5 + Math.random() * 20));
        continue;
      }
      if (cancelled || state === LOCK_NOT_AVAILABLE) throw new StoreBusyError("the database is busy (other transactions hold the rows this one needs)");
      throw error;
    }
  }
}

async function insertAlert(sql: Statements, alert: NewAlert): Promise<void> {
  await sql.run("INSERT INTO alerts (at, kind, merchant_id, stamp_id, verifier_id, shop_id, reason, detail, station_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", [
    alert.at,
    alert.kind,
    alert.merchantId,
    alert.stampId,
    alert.verifierId,
    alert.shopId,
    alert.reason,
    alert.detail,
    alert.stationId,
  ]);
}

/** A write that failed inside its batch: its own outcome (Abort) or error, or run again like a cancelled transaction (withRetries). */
function judgeBatchedError(error: unknown, attempts: number): ErrorVerdict {
  if (error instanceof Abort) return { retry: false, error: error };
  const state = sqlState(error);
  const cancelled = state === SERIALIZATION_FAILURE || state === DEADLOCK_DETECTED;
  if (cancelled && attempts < MAX_ATTEMPTS) return { retry: true };
  if (cancelled || state === LOCK_NOT_AVAILABLE) return { retry: false, error: new StoreBusyError("the database is busy (other transactions hold the rows this one needs)") };
  return { retry: false, error: error };
}

/**
 * The last entry of a chain, undefined for an empty one; `sql` holds the chain's append lock. In
 * a batch, the head its last append left (Statements.heads), else read from the table.
 */
async function chainHead(sql: Statements, chain: ChainName): Promise<ChainHead | undefined> {
  const known = sql.heads?.get(chain);
  if (known !== undefined) return known;
  return sql.row<ChainHead>(`SELECT sequence, hash FROM ${chain} ORDER BY sequence DESC LIMIT 1`);
}

/** Rolls back after an error; the error of a rollback that failed (the connection is then discarded). */
async function rollBack(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query("ROLLBACK");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
