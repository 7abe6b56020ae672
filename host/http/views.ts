/** The JSON shapes the API returns: bytes as hex, times as ISO 8601, purposes by name. */
import { toHex } from "../../shared/hex";
import { IssuedForWire } from "../core/challenge-service";
import { Alert, AuditEntry, CredentialRecord, DisplayNames, LedgerEvent, Receipt, StampRecord, StampStatus, Verifier } from "../core/model";
import { alertSentence, reasonSentence } from "../core/reason-sentences";
import { Verdict } from "../core/verdict";
import { purposeName } from "./purpose-names";

export interface StampView {
  id: string;
  publicKey: string;
  label: string;
  merchantId: string;
  shopIds: string[];
  verifierIds: string[];
  status: StampStatus;
  lastCounter: number;
  registeredAt: string;
  /** The firmware the flashing station checked on the stamp; null for a key registered by hand. */
  firmwareHash: string | null;
}

export function stampView(stamp: StampRecord): StampView {
  return {
    id: stamp.id,
    publicKey: toHex(stamp.publicKey),
    label: stamp.label,
    merchantId: stamp.merchantId,
    shopIds: stamp.shopIds,
    verifierIds: stamp.verifierIds,
    status: stamp.status,
    lastCounter: stamp.lastCounter,
    registeredAt: new Date(stamp.registeredAt).toISOString(),
    firmwareHash: stamp.firmwareHash ?? null,
  };
}

export interface ChallengeView {
  nonce: string;
  /** The 32 bytes to send to the stamp. */
  challenge: string;
  verifierId: string;
  purpose: string;
  quantity: number;
  issuedAt: string;
  expiresAt: string;
}

export function challengeView(issued: IssuedForWire): ChallengeView {
  return {
    nonce: issued.issued.nonce,
    challenge: toHex(issued.bytes),
    verifierId: issued.issued.verifierId,
    purpose: purposeName(issued.issued.purpose),
    quantity: issued.issued.quantity,
    issuedAt: new Date(issued.issued.issuedAt * 1000).toISOString(),
    expiresAt: new Date(issued.issued.expiresAt).toISOString(),
  };
}

/** An event with the names people know its stamp, shop and verifier by (null when not known). */
export interface EventView extends Omit<LedgerEvent, "purpose" | "acceptedAt" | "receipt">, DisplayNames {
  purpose: string;
  acceptedAt: string;
  /** The till's order of a counter tap; null for none. */
  receipt: Receipt | null;
}

export function eventView(event: LedgerEvent & Partial<DisplayNames>): EventView {
  return {
    ...event,
    purpose: purposeName(event.purpose),
    acceptedAt: new Date(event.acceptedAt).toISOString(),
    receipt: event.receipt ?? null,
    stampLabel: event.stampLabel ?? null,
    shopName: event.shopName ?? null,
    verifierLabel: event.verifierLabel ?? null,
  };
}

/** An alert with names, and in words: `sentence` says what the kind means, `reasonSentence` the verdict's reason. */
export interface AlertView extends Omit<Alert, "at">, DisplayNames {
  at: string;
  /** The label of the station whose request raised the alert (`stationId`); null for none. */
  stationLabel: string | null;
  sentence: string;
  reasonSentence: string;
}

export function alertView(alert: Alert & Partial<DisplayNames> & { stationLabel?: string | null }): AlertView {
  return {
    ...alert,
    at: new Date(alert.at).toISOString(),
    stampLabel: alert.stampLabel ?? null,
    shopName: alert.shopName ?? null,
    verifierLabel: alert.verifierLabel ?? null,
    stationLabel: alert.stationLabel ?? null,
    sentence: alertSentence(alert.kind),
    reasonSentence: reasonSentence(alert.reason),
  };
}

/** A tap's verdict as the API answers it: the reason in words beside its code (`sentence`). */
export interface VerdictView extends Verdict {
  sentence: string;
}

export function verdictView(verdict: Verdict): VerdictView {
  return { ...verdict, sentence: reasonSentence(verdict.reason) };
}

export interface VerifierView extends Omit<Verifier, "purpose"> {
  purpose: string;
}

export function verifierView(verifier: Verifier): VerifierView {
  return { ...verifier, purpose: purposeName(verifier.purpose) };
}

/** A credential as people see it: never the token's hash. */
export interface CredentialView {
  id: string;
  role: string;
  merchantId: string | null;
  verifierId: string | null;
  label: string;
  kind: "token" | "station-key";
  publicKey: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

export function credentialView(credential: CredentialRecord): CredentialView {
  return {
    id: credential.id,
    role: credential.role,
    merchantId: credential.merchantId ?? null,
    verifierId: credential.verifierId ?? null,
    label: credential.label,
    kind: credential.publicKey === undefined ? "token" : "station-key",
    publicKey: credential.publicKey === undefined ? null : toHex(credential.publicKey),
    createdAt: new Date(credential.createdAt).toISOString(),
    expiresAt: isoOrNull(credential.expiresAt),
    revokedAt: isoOrNull(credential.revokedAt),
  };
}

export interface AuditView extends Omit<AuditEntry, "at" | "detail"> {
  at: string;
  detail: unknown;
}

export function auditView(entry: AuditEntry): AuditView {
  return { ...entry, at: new Date(entry.at).toISOString(), detail: JSON.parse(entry.detail) as unknown };
}

/** One page of a list: `next` is the cursor for the following page, null on the last one. */
export interface PageView<T> {
  items: T[];
  next: string | null;
}

export function pageView<T, V>(items: T[], limit: number, view: (item: T) => V, cursor: (item: T) => string | number): PageView<V> {
  const last = items[items.length - 1];
  return { items: items.map(view), next: items.length === limit && last !== undefined ? String(cursor(last)) : null };
}
