import { Alert, IssuedChallenge, LedgerEvent, Merchant, NewAlert, Shop, StampRecord, StampStatus, Verifier } from "../core/model";

/** A new ledger event before the store chains it. */
export type LedgerEntry = Omit<LedgerEvent, "sequence" | "previousHash" | "hash">;

export type ConsumeResult =
  | { found: false }
  /** firstUse is false when an earlier tap already referred to this challenge (a replay). */
  | { found: true; challenge: IssuedChallenge; firstUse: boolean };

export type CounterOutcome = "advanced" | "not-higher";

export interface EventFilter {
  stampId?: string;
  shopId?: string;
  limit?: number;
}

export type LedgerCheck = { intact: true; events: number } | { intact: false; sequence: number; problem: string };

/**
 * Everything the verifier keeps. Each method is one atomic step, also across processes sharing
 * the database: that is what makes "single use" and "strictly increasing" hold under concurrency.
 */
export interface Store {
  addMerchant(merchant: Merchant): Promise<void>;
  addShop(shop: Shop): Promise<void>;
  addVerifier(verifier: Verifier): Promise<void>;
  /** Refuses a stamp id or public key that is already registered (DuplicateError). */
  addStamp(stamp: StampRecord): Promise<void>;

  getMerchant(id: string): Promise<Merchant | undefined>;
  getShop(id: string): Promise<Shop | undefined>;
  getVerifier(id: string): Promise<Verifier | undefined>;
  getStamp(id: string): Promise<StampRecord | undefined>;
  listMerchants(): Promise<Merchant[]>;
  listShops(): Promise<Shop[]>;
  listVerifiers(): Promise<Verifier[]>;
  listStamps(): Promise<StampRecord[]>;

  setStampStatus(id: string, status: StampStatus): Promise<boolean>;

  saveChallenge(challenge: IssuedChallenge): Promise<void>;
  /**
   * Marks the challenge used, if `verifierId` issued it, and says whether this was its first
   * use. A challenge presented at another verifier is left unused: nobody can burn a counter
   * station's challenges from elsewhere.
   */
  consumeChallenge(nonce: string, verifierId: string, now: number): Promise<ConsumeResult>;

  /** Raises the stamp's counter if `counter` is higher than the stored one. */
  advanceCounter(stampId: string, counter: number): Promise<CounterOutcome>;
  /** Atomically: raise the counter, append the event. "not-higher" writes nothing. */
  recordAcceptedTap(entry: LedgerEntry): Promise<CounterOutcome>;
  /** Atomically: quarantine the stamp and record the alert. */
  quarantine(stampId: string, alert: NewAlert): Promise<void>;
  addAlert(alert: NewAlert): Promise<void>;

  listEvents(filter: EventFilter): Promise<LedgerEvent[]>;
  listAlerts(limit: number): Promise<Alert[]>;
  /** Recomputes the ledger's hash chain. */
  checkLedger(): Promise<LedgerCheck>;
  close(): Promise<void>;
}

export class DuplicateError extends Error {}
