/**
 * Rewards and coupons on PostgreSQL (VoucherStore). PostgresStore owns the pool and its
 * transactions and hands this adapter both; applyCardChanges runs inside commitTap's transaction.
 * VOUCHER_POSTGRES_SCHEMA is idempotent and runs in the same transaction as the store's migrations.
 */
import { NewAuditEntry } from "../core/model";
import { CounterCode, RedemptionRequest, Voucher } from "../core/phone/voucher-model";
import { PostgresStatements, PostgresWrite } from "./staff-store-postgres";
import { CardChanges, CouponOutcome, VoucherStore } from "./voucher-store";
import { redemptionRequestFromRow, RedemptionRequestRow, voucherFromRow, voucherInsertValues, VoucherRow } from "./voucher-store-rows";

export const VOUCHER_POSTGRES_SCHEMA = `
ALTER TABLE loyalty_programs ADD COLUMN IF NOT EXISTS reward_valid_days INTEGER;
CREATE TABLE IF NOT EXISTS vouchers (
  id TEXT COLLATE "C" PRIMARY KEY, merchant_id TEXT COLLATE "C" NOT NULL REFERENCES merchants(id),
  holder_id TEXT COLLATE "C" NOT NULL REFERENCES holders(id), kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('reward', 'coupon')),
  ordinal INTEGER, label TEXT COLLATE "C" NOT NULL, issued_at BIGINT NOT NULL, expires_at BIGINT, used_at BIGINT, used_by TEXT COLLATE "C",
  issued_by TEXT COLLATE "C" NOT NULL, UNIQUE (merchant_id, holder_id, ordinal));
CREATE INDEX IF NOT EXISTS vouchers_by_card ON vouchers (holder_id, merchant_id, issued_at);
CREATE INDEX IF NOT EXISTS vouchers_by_merchant ON vouchers (merchant_id, issued_at);
CREATE TABLE IF NOT EXISTS redemption_requests (
  holder_id TEXT COLLATE "C" NOT NULL REFERENCES holders(id), merchant_id TEXT COLLATE "C" NOT NULL REFERENCES merchants(id),
  voucher_id TEXT COLLATE "C" NOT NULL REFERENCES vouchers(id), expires_at BIGINT NOT NULL, PRIMARY KEY (holder_id, merchant_id));
CREATE TABLE IF NOT EXISTS counter_codes (
  code_hash TEXT COLLATE "C" PRIMARY KEY, holder_id TEXT COLLATE "C" NOT NULL REFERENCES holders(id),
  merchant_id TEXT COLLATE "C" NOT NULL REFERENCES merchants(id), expires_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS counter_codes_by_expiry ON counter_codes (expires_at);
`;

const INSERT_VOUCHER = "INSERT INTO vouchers (id, merchant_id, holder_id, kind, ordinal, label, issued_at, expires_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/**
 * A press's changes to the card, inside commitTap's transaction: false (the caller aborts the
 * whole tap) when the voucher to redeem is no longer unused and unexpired. Of two presses
 * redeeming one voucher, the second waits for the first's row lock, then finds used_at set.
 */
export async function applyCardChangesPostgres(sql: PostgresStatements, changes: CardChanges): Promise<boolean> {
  const use = changes.useVoucher;
  if (use !== undefined) {
    const used = await sql.run("UPDATE vouchers SET used_at = $1, used_by = $2 WHERE id = $3 AND holder_id = $4 AND used_at IS NULL AND (expires_at IS NULL OR expires_at > $1)", [
      use.at,
      use.evidence,
      use.voucherId,
      use.holderId,
    ]);
    if (used !== 1) return false;
  }
  // DO NOTHING: the reward's number was issued by a press that raced this one; it stays issued once.
  for (const reward of changes.issueRewards) await sql.run(INSERT_VOUCHER + " ON CONFLICT DO NOTHING", voucherInsertValues(reward));
  const end = changes.endRequest;
  if (end !== undefined) await sql.run("DELETE FROM redemption_requests WHERE holder_id = $1 AND merchant_id = $2", [end.holderId, end.merchantId]);
  return true;
}

export class PostgresVoucherStore implements VoucherStore {
  constructor(
    private readonly autocommit: PostgresStatements,
    private readonly write: PostgresWrite,
  ) {}

  async getVoucher(id: string): Promise<Voucher | undefined> {
    const row = await this.autocommit.row<VoucherRow>("SELECT * FROM vouchers WHERE id = $1", [id]);
    return row && voucherFromRow(row);
  }

  async listCardVouchers(holderId: string, merchantId: string, limit: number): Promise<Voucher[]> {
    const rows = await this.autocommit.rows<VoucherRow>("SELECT * FROM vouchers WHERE holder_id = $1 AND merchant_id = $2 ORDER BY issued_at DESC, id LIMIT $3", [holderId, merchantId, limit]);
    return rows.map(voucherFromRow);
  }

  async listMerchantVouchers(merchantId: string, limit: number): Promise<Voucher[]> {
    const rows = await this.autocommit.rows<VoucherRow>("SELECT * FROM vouchers WHERE merchant_id = $1 ORDER BY issued_at DESC, id LIMIT $2", [merchantId, limit]);
    return rows.map(voucherFromRow);
  }

  async rewardsIssued(holderId: string, merchantId: string): Promise<number> {
    const row = await this.autocommit.row<{ most: number }>("SELECT COALESCE(MAX(ordinal), 0)::int AS most FROM vouchers WHERE holder_id = $1 AND merchant_id = $2 AND kind = 'reward'", [
      holderId,
      merchantId,
    ]);
    return row?.most ?? 0;
  }

  async addCoupons(coupons: Voucher[], audit: NewAuditEntry): Promise<CouponOutcome> {
    // Checked before the transaction: a card stays a customer for good (the ledger is append-only).
    const customers = await this.autocommit.rows<{ card_id: string }>("SELECT DISTINCT card_id FROM ledger WHERE merchant_id = $1 AND card_id = ANY($2::text[])", [
      coupons[0]?.merchantId ?? "",
      coupons.map((coupon) => coupon.holderId),
    ]);
    const known = new Set(customers.map((row) => row.card_id));
    const notCustomers = coupons.filter((coupon) => !known.has(coupon.holderId)).map((coupon) => coupon.holderId);
    if (notCustomers.length > 0) return { ok: false, notCustomers: notCustomers };
    await this.write(async (sql) => {
      for (const coupon of coupons) await sql.run(INSERT_VOUCHER, voucherInsertValues(coupon));
    }, audit);
    return { ok: true };
  }

  async requestRedemption(request: RedemptionRequest): Promise<void> {
    await this.write(async (sql) => {
      await sql.run(
        `INSERT INTO redemption_requests (holder_id, merchant_id, voucher_id, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (holder_id, merchant_id) DO UPDATE SET voucher_id = excluded.voucher_id, expires_at = excluded.expires_at`,
        [request.holderId, request.merchantId, request.voucherId, request.expiresAt],
      );
    });
  }

  async findRedemptionRequest(holderId: string, merchantId: string, now: number): Promise<RedemptionRequest | undefined> {
    const row = await this.autocommit.row<RedemptionRequestRow>("SELECT * FROM redemption_requests WHERE holder_id = $1 AND merchant_id = $2 AND expires_at > $3", [holderId, merchantId, now]);
    return row && redemptionRequestFromRow(row);
  }

  async cancelRedemptionRequest(holderId: string, merchantId: string): Promise<void> {
    await this.write(async (sql) => {
      await sql.run("DELETE FROM redemption_requests WHERE holder_id = $1 AND merchant_id = $2", [holderId, merchantId]);
    });
  }

  async addCounterCode(code: CounterCode, now: number): Promise<void> {
    await this.write(async (sql) => {
      await sql.run("DELETE FROM counter_codes WHERE expires_at <= $1", [now]);
      await sql.run("INSERT INTO counter_codes (code_hash, holder_id, merchant_id, expires_at) VALUES ($1, $2, $3, $4)", [code.codeHash, code.holderId, code.merchantId, code.expiresAt]);
    });
  }

  async findCounterCode(codeHash: string, now: number): Promise<CounterCode | undefined> {
    const row = await this.autocommit.row<{ holder_id: string; merchant_id: string; expires_at: number }>(
      "SELECT holder_id, merchant_id, expires_at FROM counter_codes WHERE code_hash = $1 AND expires_at > $2",
      [codeHash, now],
    );
    return row && { codeHash: codeHash, holderId: row.holder_id, merchantId: row.merchant_id, expiresAt: row.expires_at };
  }
}
