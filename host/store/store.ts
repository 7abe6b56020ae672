import { CardChanges, VoucherStore } from "./voucher-store";
import { VerdictChannel } from "./verdict-channel";
import {
  ApprovedFirmware,
  AuditEntry,
  CredentialRecord,
  EnrolmentCode,
  GeoPoint,
  IssuedChallenge,
  LastAcceptedTap,
  LedgerEvent,
  Merchant,
  NamedAlert,
  NamedEvent,
  NewAlert,
  NewAuditEntry,
  Shop,
  SignedCounter,
  StampRecord,
  StampStatus,
  Verifier,
} from "../core/model";
import { ClockChange } from "../core/phone/card-model";
import { Checkpoint } from "../ledger/checkpoint";
import { LedgerAnalytics } from "./analytics-store";
import { CardStore } from "./card-store";
import { StaffStore } from "./staff-store";

/** A new ledger event before the store chains it. */
export type LedgerEntry = Omit<LedgerEvent, "sequence" | "previousHash" | "hash">;

/** Everything one validly signed tap changes, written as one transaction (see commitTap). */
export interface TapCommit {
  /**
   * The challenge a station tap answered, spent here. A phone tap answers none: its single use
   * is its evidence id (`signed.nonce`, "url:" + signature), which must not be kept already.
   */
  challenge: { nonce: string; verifierId: string } | undefined;
  now: number;
  /** The signed response, kept as evidence whatever the verdict. */
  signed: SignedCounter;
  /** Raise the stamp's counter to this value, only if it is higher than the stored one. */
  raiseCounterTo: number | undefined;
  /**
   * An offline tap synced late (host/core/offline): its counter may lie below the stamp's, since
   * online taps went on meanwhile, so instead of raiseCounterTo's strict raise the counter is
   * raised to this value only if higher, and the commit holds only while this is the one
   * signature kept for the stamp and counter ("counter-moved" otherwise: a second device's
   * upload or tap raced it, and deciding again finds the fork).
   */
  lateCounter?: number;
  /** The accepted tap's ledger event (its counter is raiseCounterTo, or lateCounter). */
  ledger: LedgerEntry | undefined;
  quarantine: boolean;
  alert: NewAlert | undefined;
  audit: NewAuditEntry[];
  /** A clock-in or clock-out moves the worker's clock, only from the state the decision read. */
  clock: ClockChange | undefined;
  /** What a press on a customer's card changes: rewards it completes, the voucher it redeems (voucher-store.ts). */
  card: CardChanges | undefined;
}

/**
 * "committed"; or nothing was written because, meanwhile, another tap used the challenge, raised
 * the counter, kept this phone URL's evidence, moved the worker's clock or used the voucher (the caller decides
 * again on fresh data).
 */
export type TapCommitOutcome = "committed" | "challenge-used" | "counter-moved" | "evidence-kept" | "clock-moved" | "voucher-used";

/** Keyset pagination over ids (ascending): items after `after`. */
export interface IdPage {
  limit: number;
  after?: string;
}

/** Newest first: items with a sequence (or id) below `before`. */
export interface HistoryPage {
  limit: number;
  before?: number;
}

export interface EventFilter extends HistoryPage {
  merchantId: string;
  stampId?: string;
  shopId?: string;
}

export type EnrolmentOutcome = { ok: true; credential: CredentialRecord } | { ok: false; why: "unknown" | "used" | "expired" };


/**
 * Everything the verifier keeps. Each method is one atomic step, also across processes sharing
 * the database: that is what makes "single use" and "strictly increasing" hold under
 * concurrency. Every method that changes the registry or a stamp appends its audit entries in
 * the same step, so the audit chain never misses a change that happened.
 */
export interface Store extends CardStore {
  /** The dashboard's people: codes, passkeys, challenges, sessions (staff-store.ts). */
  readonly staff: StaffStore;
  /** How this database's host processes hear each other's verdicts (verdict-channel.ts); undefined: none (SQLite). */
  readonly verdictChannel: VerdictChannel | undefined;
  /** Rewards and coupons on customers' cards (voucher-store.ts). */
  readonly vouchers: VoucherStore;
  /** The merchant's analytics: aggregate reads over the ledger (analytics-store.ts). */
  readonly analytics: LedgerAnalytics;
  addMerchant(merchant: Merchant, audit: NewAuditEntry): Promise<void>;
  addShop(shop: Shop, audit: NewAuditEntry): Promise<void>;
  addVerifier(verifier: Verifier, audit: NewAuditEntry): Promise<void>;
  updateVerifier(verifier: Verifier, audit: NewAuditEntry): Promise<boolean>;
  /** Sets (or with undefined clears) a shop's location for the travel rule; false when there is no such shop. */
  setShopLocation(shopId: string, location: GeoPoint | undefined, audit: NewAuditEntry): Promise<boolean>;
  /**
   * Registers a proved stamp and consumes the provisioning challenge it signed, atomically:
   * "challenge-used" (nothing written) when that challenge was used meanwhile. Refuses a stamp
   * id or public key that is already registered, or a label another stamp of the same merchant
   * has, unless that stamp is revoked (DuplicateError).
   */
  addStamp(stamp: StampRecord, provisioningChallenge: string, audit: NewAuditEntry): Promise<"added" | "challenge-used">;

  getMerchant(id: string): Promise<Merchant | undefined>;
  getShop(id: string): Promise<Shop | undefined>;
  /**
   * The stamp's ledger event with the latest acceptedAt (the most recent press, also when an
   * offline upload recorded it late), with its shop's location: the travel rule's "where was it
   * last". Served by the index ledger_by_stamp_time.
   */
  lastAcceptedTap(stampId: string): Promise<LastAcceptedTap | undefined>;
  getVerifier(id: string): Promise<Verifier | undefined>;
  getStamp(id: string): Promise<StampRecord | undefined>;
  /** All merchants, or only `only` when given. */
  listMerchants(only: string | undefined, page: IdPage): Promise<Merchant[]>;
  listShops(merchantId: string, page: IdPage): Promise<Shop[]>;
  listVerifiers(merchantId: string, page: IdPage): Promise<Verifier[]>;
  /** A merchant's stamps by id; with `label`, only those with that label (one in service at most, and revoked ones). */
  listStamps(merchantId: string, page: IdPage & { label?: string }): Promise<StampRecord[]>;

  /** Changes the status only from one of `from`; false (nothing written) otherwise. */
  setStampStatus(id: string, from: StampStatus[], to: StampStatus, audit: NewAuditEntry): Promise<boolean>;

  /** Adds a credential; with `onlyIfNoOperator`, only while no operator credential exists (bootstrap). */
  addCredential(credential: CredentialRecord, audit: NewAuditEntry, onlyIfNoOperator?: boolean): Promise<boolean>;
  getCredential(id: string): Promise<CredentialRecord | undefined>;
  findTokenCredential(secretHash: string): Promise<CredentialRecord | undefined>;
  /** All credentials, or those of one merchant. */
  listCredentials(merchantId: string | undefined, page: IdPage): Promise<CredentialRecord[]>;
  revokeCredential(id: string, at: number, audit: NewAuditEntry): Promise<boolean>;
  addEnrolmentCode(code: EnrolmentCode, audit: NewAuditEntry): Promise<void>;
  /** Uses the code once and adds the credential made from it, atomically. */
  redeemEnrolmentCode(
    codeHash: string,
    now: number,
    credentialFor: (code: EnrolmentCode) => CredentialRecord,
    auditFor: (credential: CredentialRecord) => NewAuditEntry,
  ): Promise<EnrolmentOutcome>;
  /** Records a signed request's nonce; false if this credential used it before (a replay). Purges expired ones. */
  useRequestNonce(credentialId: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;

  approveFirmware(firmware: ApprovedFirmware, audit: NewAuditEntry): Promise<void>;
  isFirmwareApproved(hash: string): Promise<boolean>;
  listFirmware(): Promise<ApprovedFirmware[]>;
  saveProvisioningChallenge(challenge: string, credentialId: string, expiresAt: number): Promise<void>;
  getProvisioningChallenge(challenge: string): Promise<{ credentialId: string; expiresAt: number; used: boolean } | undefined>;

  /**
   * Stores a challenge. When the station that asked for it (`challenge.stationId`) already holds
   * `maxOpen` unused ones at its verifier, its oldest unused ones (earliest expiry; within one
   * millisecond, any) are deleted first so that it holds `maxOpen` with the new one
   * ("oldest-retired"): a reply to a deleted one then meets no challenge (UNKNOWN_CHALLENGE),
   * like a reply to an expired one. Used challenges are never retired. Retiring, counting and
   * inserting are one step, across processes too, so a station never holds more than `maxOpen`
   * unused challenges. Expired challenges of that verifier are deleted first.
   */
  saveChallenge(challenge: IssuedChallenge, maxOpen: number, now: number): Promise<"saved" | "oldest-retired">;
  getChallenge(nonce: string): Promise<IssuedChallenge | undefined>;
  /** The validly signed responses kept for this stamp and counter (more than one nonce proves a fork). */
  findSignedCounters(stampId: string, counter: number): Promise<SignedCounter[]>;
  /** Everything a validly signed tap changes, in one transaction. */
  commitTap(commit: TapCommit): Promise<TapCommitOutcome>;
  /** An alert that changes nothing else (a forged signature), with its audit entry. */
  addAlert(alert: NewAlert, audit: NewAuditEntry): Promise<void>;
  /**
   * An alert a station's own request raised (`alert.stationId`), with its audit entry, unless that
   * station already raised one of the same kind after `since` ("already-raised", nothing
   * written). Check and insert are one step, across processes too: a flood of refused requests
   * writes one alert per station and window, never one per request.
   */
  addStationAlert(alert: NewAlert, audit: NewAuditEntry, since: number): Promise<"added" | "already-raised">;

  /** With the stamp's label, the shop's name and the verifier's label beside their ids (one query). */
  listEvents(filter: EventFilter): Promise<NamedEvent[]>;
  listAlerts(merchantId: string, page: HistoryPage): Promise<NamedAlert[]>;
  /** The audit chain, newest first; all merchants' and the service's entries, or one merchant's. */
  listAudit(merchantId: string | undefined, page: HistoryPage): Promise<AuditEntry[]>;

  /** Ledger events in sequence order from `fromSequence`, at most `limit` (for streaming checks). */
  readLedger(fromSequence: number, limit: number): Promise<LedgerEvent[]>;
  readAudit(fromSequence: number, limit: number): Promise<AuditEntry[]>;
  /** Every merchant's stamps, by id (for the evidence check). */
  readStamps(page: IdPage): Promise<StampRecord[]>;
  /** The number of entries and the head hash of each chain. */
  chainHeads(): Promise<{ ledger: { count: number; headHash: string }; audit: { count: number; headHash: string } }>;
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
  listCheckpoints(): Promise<Checkpoint[]>;
  close(): Promise<void>;
}

export class DuplicateError extends Error {}

/** The database stayed locked by another writer past the store's short wait: try again shortly. */
export class StoreBusyError extends Error {}
