/**
 * Rewards and coupons on SQLite (VoucherStore). SqliteStore owns the connection and its write
 * transactions and hands this adapter both; applyCardChanges runs inside commitTap's transaction.
 */
import Database from "better-sqlite3";
import { SqliteStatements } from "./sqlite-statements";
import { NewAuditEntry } from "../core/model";
import { CounterCode, RedemptionRequest, Voucher } from "../core/phone/voucher-model";
import { SqliteWrite } from "./staff-store-sqlite";
import { CardChanges, CouponOutcome, VoucherStore } from "./voucher-store";
import { redemptionRequestFromRow, RedemptionRequestRow, voucherFromRow, voucherInsertValues, VoucherRow } from "./voucher-store-rows";

/** Idempotent, like SQLITE_SCHEMA. A reward's number is unique per card (coupons have none: NULLs are distinct). */
export const VOUCHER_SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS vouchers (
  id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL REFERENCES merchants(id), holder_id TEXT NOT NULL REFERENCES holders(id),
  kind TEXT NOT NULL CHECK (kind IN ('reward', 'coupon')), ordinal INTEGER, label TEXT NOT NULL, issued_at INTEGER NOT NULL,
  expires_at INTEGER, used_at INTEGER, used_by TEXT, issued_by TEXT NOT NULL,
  UNIQUE (merchant_id, holder_id, ordinal));
CREATE INDEX IF NOT EXISTS vouchers_by_card ON vouchers (holder_id, merchant_id, issued_at);
CREATE INDEX IF NOT EXISTS vouchers_by_merchant ON vouchers (merchant_id, issued_at);
CREATE TABLE IF NOT EXISTS redemption_requests (
  holder_id TEXT NOT NULL REFERENCES holders(id), merchant_id TEXT NOT NULL REFERENCES merchants(id),
  voucher_id TEXT NOT NULL REFERENCES vouchers(id), expires_at INTEGER NOT NULL, PRIMARY KEY (holder_id, merchant_id));
CREATE TABLE IF NOT EXISTS counter_codes (
  code_hash TEXT PRIMARY KEY, holder_id TEXT NOT NULL REFERENCES holders(id), merchant_id TEXT NOT NULL REFERENCES merchants(id),
  expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS counter_codes_by_expiry ON counter_codes (expires_at);
`;

const INSERT_VOUCHER = "INSERT INTO vouchers (id, merchant_id, holder_id, kind, ordinal, label, issued_at, expires_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

export class SqliteVoucherStore implements VoucherStore {
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

  /**
   * A press's changes to the card, inside commitTap's transaction: false (the caller aborts the
   * whole tap) when the voucher to redeem is no longer unused and unexpired.
   */
  applyCardChanges(changes: CardChanges): boolean {
    const use = changes.useVoucher;
    if (use !== undefined) {
      const used = this.sql("UPDATE vouchers SET used_at = ?, used_by = ? WHERE id = ? AND holder_id = ? AND used_at IS NULL AND (expires_at IS NULL OR expires_at > ?)").run(
        use.at,
        use.evidence,
        use.voucherId,
        use.holderId,
        use.at,
      );
      if (used.changes !== 1) return false;
    }
    // OR IGNORE: the reward's number was issued by a press that raced this one; it stays issued once.
    for (const reward of changes.issueRewards) this.sql(INSERT_VOUCHER.replace("INSERT", "INSERT OR IGNORE")).run(...voucherInsertValues(reward));
    const end = changes.endRequest;
    if (end !== undefined) this.sql("DELETE FROM redemption_requests WHERE holder_id = ? AND merchant_id = ?").run(end.holderId, end.merchantId);
    return true;
  }

  async getVoucher(id: string): Promise<Voucher | undefined> {
    const row = this.sql("SELECT * FROM vouchers WHERE id = ?").get(id) as VoucherRow | undefined;
    return row && voucherFromRow(row);
  }

  async listCardVouchers(holderId: string, merchantId: string, limit: number): Promise<Voucher[]> {
    const rows = this.sql("SELECT * FROM vouchers WHERE holder_id = ? AND merchant_id = ? ORDER BY issued_at DESC, id LIMIT ?").all(holderId, merchantId, limit) as VoucherRow[];
    return rows.map(voucherFromRow);
  }

  async listMerchantVouchers(merchantId: string, limit: number): Promise<Voucher[]> {
    const rows = this.sql("SELECT * FROM vouchers WHERE merchant_id = ? ORDER BY issued_at DESC, id LIMIT ?").all(merchantId, limit) as VoucherRow[];
    return rows.map(voucherFromRow);
  }

  async rewardsIssued(holderId: string, merchantId: string): Promise<number> {
    return this.sql("SELECT COALESCE(MAX(ordinal), 0) FROM vouchers WHERE holder_id = ? AND merchant_id = ? AND kind = 'reward'").pluck().get(holderId, merchantId) as number;
  }

  async addCoupons(coupons: Voucher[], audit: NewAuditEntry): Promise<CouponOutcome> {
    // Checked before the transaction: a card stays a customer for good (the ledger is append-only).
    const isCustomer = this.sql("SELECT EXISTS (SELECT 1 FROM ledger WHERE card_id = ? AND merchant_id = ?)").pluck();
    const notCustomers = coupons.filter((coupon) => isCustomer.get(coupon.holderId, coupon.merchantId) !== 1).map((coupon) => coupon.holderId);
    if (notCustomers.length > 0) return { ok: false, notCustomers: notCustomers };
    await this.write(() => {
      for (const coupon of coupons) this.sql(INSERT_VOUCHER).run(...voucherInsertValues(coupon));
    }, audit);
    return { ok: true };
  }

  async requestRedemption(request: RedemptionRequest): Promise<void> {
    await this.write(() => {
      this.sql(
        `INSERT INTO redemption_requests (holder_id, merchant_id, voucher_id, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (holder_id, merchant_id) DO UPDATE SET voucher_id = excluded.voucher_id, expires_at = excluded.expires_at`,
      ).run(request.holderId, request.merchantId, request.voucherId, request.expiresAt);
    });
  }

  async findRedemptionRequest(holderId: string, merchantId: string, now: number): Promise<RedemptionRequest | undefined> {
    const row = this.sql("SELECT * FROM redemption_requests WHERE holder_id = ? AND merchant_id = ? AND expires_at > ?").get(holderId, merchantId, now) as RedemptionRequestRow | undefined;
    return row && redemptionRequestFromRow(row);
  }

  async cancelRedemptionRequest(holderId: string, merchantId: string): Promise<void> {
    await this.write(() => {
      this.sql("DELETE FROM redemption_requests WHERE holder_id = ? AND merchant_id = ?").run(holderId, merchantId);
    });
  }

  async addCounterCode(code: CounterCode, now: number): Promise<void> {
    await this.write(() => {
      this.sql("DELETE FROM counter_codes WHERE expires_at <= ?").run(now);
      this.sql("INSERT INTO counter_codes (code_hash, holder_id, merchant_id, expires_at) VALUES (?, ?, ?, ?)").run(code.codeHash, code.holderId, code.merchantId, code.expiresAt);
    });
  }

  async findCounterCode(codeHash: string, now: number): Promise<CounterCode | undefined> {
    const row = this.sql("SELECT holder_id, merchant_id, expires_at FROM counter_codes WHERE code_hash = ? AND expires_at > ?").get(codeHash, now) as
      | { holder_id: string; merchant_id: string; expires_at: number }
      | undefined;
    return row && { codeHash: codeHash, holderId: row.holder_id, merchantId: row.merchant_id, expiresAt: row.expires_at };
  }
}
