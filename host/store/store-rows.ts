/**
 * Rows as both adapters read them (snake_case columns, numbers for integers) and the model
 * objects made from them: the SQLite and PostgreSQL stores return the very same objects.
 */
import { Purpose } from "../../shared/protocol-constants";
import { ReasonName } from "../../shared/reason-codes";
import { Role } from "../core/access/principal";
import { Alert, AlertKind, AuditEntry, CredentialRecord, DisplayNames, IssuedChallenge, LedgerEvent, Receipt, Transport } from "../core/model";
import { CardEvent, Passkey, Worker, WorkerInvitation } from "../core/phone/card-model";

export interface LedgerRow {
  sequence: number;
  stamp_id: string;
  counter: number;
  verifier_id: string;
  shop_id: string;
  merchant_id: string;
  purpose: Purpose;
  quantity: number;
  nonce: string;
  challenge_issued_at: number;
  accepted_at: number;
  response: string;
  transport: Transport;
  origin: string;
  card_id: string;
  order_ref: string | null;
  amount: number | null;
  currency: string | null;
  previous_hash: string;
  hash: string;
}

/** The receipt of a row's order_ref, amount, currency (all three or none are set). */
export function receiptFromRow(row: { order_ref: string | null; amount: number | null; currency: string | null }): Receipt | undefined {
  return row.order_ref === null || row.amount === null || row.currency === null ? undefined : { orderRef: row.order_ref, amount: Number(row.amount), currency: row.currency };
}

export interface AlertRow {
  id: number;
  at: number;
  kind: AlertKind;
  merchant_id: string;
  stamp_id: string;
  verifier_id: string;
  shop_id: string;
  reason: ReasonName;
  detail: string;
  station_id: string;
}

/** The names joined beside the ids of an event or alert (see listEvents, listAlerts). */
export interface NameColumns {
  stamp_label: string | null;
  shop_name: string | null;
  verifier_label: string | null;
}

/** The label of the station an alert names, joined within the alert's merchant (see listAlerts). */
export interface StationLabelColumn {
  station_label: string | null;
}

export function namesFromRow(row: NameColumns): DisplayNames {
  return { stampLabel: row.stamp_label, shopName: row.shop_name, verifierLabel: row.verifier_label };
}

export interface AuditRow {
  sequence: number;
  at: number;
  actor: string;
  merchant_id: string | null;
  action: string;
  subject: string;
  detail: string;
  previous_hash: string;
  hash: string;
}

export interface CredentialRow {
  id: string;
  role: Role;
  merchant_id: string | null;
  verifier_id: string | null;
  label: string;
  secret_hash: string | null;
  public_key: Buffer | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  created_by: string;
}

export interface ChallengeRow {
  nonce: string;
  verifier_id: string;
  issued_at: number;
  expires_at: number;
  purpose: Purpose;
  quantity: number;
  used_at: number | null;
  card_id: string;
  voucher_id: string | null;
  order_ref: string | null;
  amount: number | null;
  currency: string | null;
  station_id: string;
}

export function eventFromRow(row: LedgerRow): LedgerEvent {
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
    challengeIssuedAt: row.challenge_issued_at,
    acceptedAt: row.accepted_at,
    response: row.response,
    transport: row.transport,
    origin: row.origin,
    cardId: row.card_id,
    receipt: receiptFromRow(row),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

export function alertFromRow(row: AlertRow): Alert {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind,
    merchantId: row.merchant_id,
    stampId: row.stamp_id,
    verifierId: row.verifier_id,
    shopId: row.shop_id,
    reason: row.reason,
    detail: row.detail,
    stationId: row.station_id,
  };
}

export function auditFromRow(row: AuditRow): AuditEntry {
  return {
    sequence: row.sequence,
    at: row.at,
    actor: row.actor,
    merchantId: row.merchant_id,
    action: row.action,
    subject: row.subject,
    detail: row.detail,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

export function credentialFromRow(row: CredentialRow): CredentialRecord {
  return {
    id: row.id,
    role: row.role,
    merchantId: row.merchant_id ?? undefined,
    verifierId: row.verifier_id ?? undefined,
    label: row.label,
    secretHash: row.secret_hash ?? undefined,
    publicKey: row.public_key === null ? undefined : new Uint8Array(row.public_key),
    createdAt: row.created_at,
    expiresAt: row.expires_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
    createdBy: row.created_by,
  };
}

/** The values of an INSERT INTO challenges (nonce, verifier_id, issued_at, expires_at, purpose, quantity, card_id, voucher_id, order_ref, amount, currency, station_id). */
export function challengeInsertValues(challenge: IssuedChallenge): (string | number | null)[] {
  const receipt = challenge.receipt;
  return [
    challenge.nonce,
    challenge.verifierId,
    challenge.issuedAt,
    challenge.expiresAt,
    challenge.purpose,
    challenge.quantity,
    challenge.cardId,
    challenge.voucherId ?? null,
    receipt?.orderRef ?? null,
    receipt?.amount ?? null,
    receipt?.currency ?? null,
    challenge.stationId,
  ];
}

export function challengeFromRow(row: ChallengeRow): IssuedChallenge {
  return {
    nonce: row.nonce,
    verifierId: row.verifier_id,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    purpose: row.purpose,
    quantity: row.quantity,
    usedAt: row.used_at ?? undefined,
    cardId: row.card_id,
    voucherId: row.voucher_id ?? undefined,
    receipt: receiptFromRow(row),
    stationId: row.station_id,
  };
}

export interface WorkerRow {
  id: string;
  merchant_id: string;
  name: string;
  created_at: number;
  clocked_in_since: number | null;
}

export function workerFromRow(row: WorkerRow): Worker {
  return { id: row.id, merchantId: row.merchant_id, name: row.name, createdAt: row.created_at, clockedInSince: row.clocked_in_since ?? undefined };
}

export interface PasskeyRow {
  credential_id: string;
  holder_id: string;
  public_key: Buffer;
  counter: number;
  /** The transports, space-separated (WebAuthn's transport names hold no spaces). */
  transports: string;
  created_at: number;
}

export function passkeyFromRow(row: PasskeyRow): Passkey {
  return {
    credentialId: row.credential_id,
    holderId: row.holder_id,
    publicKey: new Uint8Array(row.public_key),
    counter: row.counter,
    transports: row.transports === "" ? [] : row.transports.split(" "),
    createdAt: row.created_at,
  };
}

export function passkeyTransportsText(passkey: Passkey): string {
  return passkey.transports.join(" ");
}

export interface CardEventRow {
  accepted_at: number;
  purpose: Purpose;
  quantity: number;
  shop_name: string | null;
}

export function cardEventFromRow(row: CardEventRow): CardEvent {
  return { at: row.accepted_at, purpose: row.purpose, quantity: row.quantity, shopName: row.shop_name };
}

export interface WorkerInvitationRow {
  code_hash: string;
  worker_id: string;
  merchant_id: string;
  expires_at: number;
  used_at: number | null;
  created_by: string;
}

export function workerInvitationFromRow(row: WorkerInvitationRow): WorkerInvitation {
  return { codeHash: row.code_hash, workerId: row.worker_id, merchantId: row.merchant_id, expiresAt: row.expires_at, usedAt: row.used_at ?? undefined, createdBy: row.created_by };
}
