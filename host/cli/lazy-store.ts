import { existsSync } from "node:fs";
import { Alert, IssuedChallenge, LedgerEvent, Merchant, NewAlert, Shop, StampRecord, StampStatus, Verifier } from "../core/model";
import { SqliteStore } from "../store/sqlite-store";
import { ConsumeResult, CounterOutcome, EventFilter, LedgerCheck, LedgerEntry, Store } from "../store/store";

/**
 * The CLI's store: the database file is opened on first use and created only by the first
 * write. A database that does not exist reads as an empty one, so a command with bad
 * arguments, or one that only reads, never leaves a new file behind (R9: nothing is written).
 */
export class LazyStore implements Store {
  private store: SqliteStore | undefined;
  /** Why the database could not be opened, if that happened. */
  failure: Error | undefined;

  constructor(readonly path: string) {}

  get exists(): boolean {
    return this.store !== undefined || existsSync(this.path);
  }

  private open(): SqliteStore {
    if (this.store === undefined) {
      try {
        this.store = new SqliteStore(this.path);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
        throw error;
      }
    }
    return this.store;
  }

  /** The open store, or undefined while the file does not exist (reads then see nothing). */
  private reader(): SqliteStore | undefined {
    return this.exists ? this.open() : undefined;
  }

  addMerchant(merchant: Merchant): Promise<void> {
    return this.open().addMerchant(merchant);
  }
  addShop(shop: Shop): Promise<void> {
    return this.open().addShop(shop);
  }
  addVerifier(verifier: Verifier): Promise<void> {
    return this.open().addVerifier(verifier);
  }
  addStamp(stamp: StampRecord): Promise<void> {
    return this.open().addStamp(stamp);
  }

  async getMerchant(id: string): Promise<Merchant | undefined> {
    return this.reader()?.getMerchant(id);
  }
  async getShop(id: string): Promise<Shop | undefined> {
    return this.reader()?.getShop(id);
  }
  async getVerifier(id: string): Promise<Verifier | undefined> {
    return this.reader()?.getVerifier(id);
  }
  async getStamp(id: string): Promise<StampRecord | undefined> {
    return this.reader()?.getStamp(id);
  }
  async listMerchants(): Promise<Merchant[]> {
    return (await this.reader()?.listMerchants()) ?? [];
  }
  async listShops(): Promise<Shop[]> {
    return this.reader()?.listShops() ?? [];
  }
  async listVerifiers(): Promise<Verifier[]> {
    return this.reader()?.listVerifiers() ?? [];
  }
  async listStamps(): Promise<StampRecord[]> {
    return this.reader()?.listStamps() ?? [];
  }

  async setStampStatus(id: string, status: StampStatus): Promise<boolean> {
    return this.reader()?.setStampStatus(id, status) ?? false;
  }

  saveChallenge(challenge: IssuedChallenge): Promise<void> {
    return this.open().saveChallenge(challenge);
  }
  async consumeChallenge(nonce: string, verifierId: string, now: number): Promise<ConsumeResult> {
    return this.reader()?.consumeChallenge(nonce, verifierId, now) ?? { found: false };
  }
  advanceCounter(stampId: string, counter: number): Promise<CounterOutcome> {
    return this.open().advanceCounter(stampId, counter);
  }
  recordAcceptedTap(entry: LedgerEntry): Promise<CounterOutcome> {
    return this.open().recordAcceptedTap(entry);
  }
  quarantine(stampId: string, alert: NewAlert): Promise<void> {
    return this.open().quarantine(stampId, alert);
  }
  addAlert(alert: NewAlert): Promise<void> {
    return this.open().addAlert(alert);
  }

  async listEvents(filter: EventFilter): Promise<LedgerEvent[]> {
    return this.reader()?.listEvents(filter) ?? [];
  }
  async listAlerts(limit: number): Promise<Alert[]> {
    return this.reader()?.listAlerts(limit) ?? [];
  }
  async checkLedger(): Promise<LedgerCheck> {
    return this.reader()?.checkLedger() ?? { intact: true, events: 0 };
  }

  async close(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    await store?.close();
  }
}
