/** Rows of the voucher tables as both stores return them, and their conversion. */
import { RedemptionRequest, Voucher, VoucherKind } from "../core/phone/voucher-model";

export interface VoucherRow {
  id: string;
  merchant_id: string;
  holder_id: string;
  kind: VoucherKind;
  ordinal: number | null;
  label: string;
  issued_at: number;
  expires_at: number | null;
  used_at: number | null;
  used_by: string | null;
  issued_by: string;
}

export function voucherFromRow(row: VoucherRow): Voucher {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    holderId: row.holder_id,
    kind: row.kind,
    ordinal: row.ordinal ?? undefined,
    label: row.label,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at ?? undefined,
    usedAt: row.used_at ?? undefined,
    usedBy: row.used_by ?? undefined,
    issuedBy: row.issued_by,
  };
}

/** The values of an INSERT INTO vouchers (id, merchant_id, holder_id, kind, ordinal, label, issued_at, expires_at, issued_by). */
export function voucherInsertValues(voucher: Voucher): (string | number | null)[] {
  return [voucher.id, voucher.merchantId, voucher.holderId, voucher.kind, voucher.ordinal ?? null, voucher.label, voucher.issuedAt, voucher.expiresAt ?? null, voucher.issuedBy];
}

export interface RedemptionRequestRow {
  holder_id: string;
  merchant_id: string;
  voucher_id: string;
  expires_at: number;
}

export function redemptionRequestFromRow(row: RedemptionRequestRow): RedemptionRequest {
  return { holderId: row.holder_id, merchantId: row.merchant_id, voucherId: row.voucher_id, expiresAt: row.expires_at };
}
