import { ChainName } from "../ledger/checkpoint";

/**
 * One open transaction of the batch, on one connection, with the append locks of the batch's
 * chains already held.
 */
export interface BatchTransaction<S> {
  /** The statements of this transaction (they see the writes before them in the batch). */
  sql: S;
  /**
   * Releases the savepoint of the write before (which succeeded) and opens the next write's, as
   * one round trip. Releasing a savepoint keeps its work in the transaction: this is the same as
   * RELEASE then SAVEPOINT sent one after the other.
   */
  nextSavepoint(): Promise<void>;
  /** Undoes the work done since the savepoint, which stays open (PostgreSQL's ROLLBACK TO). */
  rollbackToSavepoint(): Promise<void>;
  /** COMMIT: also commits the work of a savepoint still open, so the last write's is never released first. */
  commit(): Promise<void>;
  /** After a failure: roll back and give the connection back. Never throws. */
  abandon(): Promise<void>;
}

/** What the store says of an error: run the write again in a later batch, or settle with this error. */
export type ErrorVerdict = { retry: true } | { retry: false; error: unknown };

interface QueuedWrite<S> {
  chains: readonly ChainName[];
  work: (sql: S) => Promise<unknown>;
  attempts: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** At most this many writes share one transaction: the chain's lock is held while they all run. */
const MAX_BATCH = 64;

/**
 * Group commit for PostgreSQL's taps and challenges, the writes of every tap. Each tap's
 * transaction used to hold the ledger chain's append lock until its COMMIT had flushed the WAL,
 * so taps were committed one flush at a time whatever the number of callers (docs/scale.md).
 * Here the writes that arrive while a batch is committing wait, and then share one transaction:
 * the chains' locks are taken once, in the usual order (ledger, audit), each write runs in its
 * own savepoint, and one COMMIT flushes them all. No caller hears its outcome before that COMMIT
 * has returned, so every acknowledged tap and challenge is durable, as before.
 *
 * The rules hold inside a batch as between transactions: a tap's conditional updates see the
 * writes of the taps before it in the same transaction, so of two answers to one challenge in
 * one batch the second finds it used. A write that fails alone (its own abort, a deadlock,
 * a lock timeout) is rolled back to its savepoint and settled (or queued again) without the
 * others; a failed COMMIT fails every write of the batch, none of which is then written.
 */
export class PostgresWriteBatch<S> {
  private queue: QueuedWrite<S>[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    /**
     * BEGIN, the append locks of `chains` taken, and, when `savepoint` is true, a savepoint for
     * the first write opened, as one round trip.
     */
    private readonly begin: (chains: ChainName[], savepoint: boolean) => Promise<BatchTransaction<S>>,
    private readonly judgeError: (error: unknown, attempts: number) => ErrorVerdict,
  ) {}

  run<T>(chains: readonly ChainName[], work: (sql: S) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ chains: chains, work: work, attempts: 0, resolve: resolve as (value: unknown) => void, reject: reject });
      this.schedule();
    });
  }

  /** Resolves once every write asked for so far has settled (for close()). */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    for (let failures = 0; this.queue.length > 0; ) {
      const whole = await this.commitBatch(this.queue.splice(0, MAX_BATCH));
      // A batch cancelled as a whole (a deadlock taking the chains' locks) waits a little longer
      // each time before its taps run again, as a lone transaction's retries do.
      failures = whole === "failed" ? failures + 1 : 0;
      if (failures > 0 && this.queue.length > 0) await pause(failures * (5 + Math.random() * 20));
    }
    this.running = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private async commitBatch(batch: QueuedWrite<S>[]): Promise<"committed" | "failed"> {
    const chains = (["ledger", "audit"] as const).filter((chain) => batch.some((write) => write.chains.includes(chain)));
    // A batch of one write takes no savepoint: if that write fails, the whole transaction is
    // rolled back instead, which undoes exactly what rolling back to a savepoint taken right after
    // BEGIN would (the chains' locks taken write nothing), and the write is then settled, or queued
    // again, as in a larger batch. Only a batch of several writes needs a savepoint per write.
    const alone = batch.length === 1;
    let transaction: BatchTransaction<S>;
    try {
      transaction = await this.begin(chains, !alone);
    } catch (error) {
      this.settleAllWith(batch, error);
      return "failed";
    }
    const settled = new Map<QueuedWrite<S>, Settled>();
    // Whether the open savepoint marks the transaction as it is now, with no write's work after
    // it: right after BEGIN, and after a ROLLBACK TO (which keeps the savepoint). The next write
    // can then run under it as it is; otherwise the savepoint is moved past the write that
    // succeeded (RELEASE and SAVEPOINT in one round trip).
    let savepointFresh = true;
    let rolledBack = false;
    try {
      for (const write of batch) {
        if (!alone && !savepointFresh) await transaction.nextSavepoint();
        try {
          const value = await write.work(transaction.sql);
          savepointFresh = false;
          settled.set(write, { ok: true, value: value });
        } catch (error) {
          if (alone) {
            // Nothing else in this transaction: rolled back whole, its connection given back.
            await transaction.abandon();
            rolledBack = true;
          } else {
            await transaction.rollbackToSavepoint();
            savepointFresh = true;
          }
          write.attempts++;
          const judged = this.judgeError(error, write.attempts);
          // Retried in the next batch, after this one's locks are gone: the other transaction
          // that PostgreSQL let go on first may be waiting for them.
          if (judged.retry) this.queue.push(write);
          else settled.set(write, { ok: false, error: judged.error });
        }
      }
      if (!rolledBack) await transaction.commit();
    } catch (error) {
      await transaction.abandon();
      // Nothing of the batch was written: the writes settled so far, and those waiting to be run
      // again, are all told so.
      const retried = batch.filter((write) => !settled.has(write));
      this.queue = this.queue.filter((write) => !retried.includes(write));
      this.settleAllWith(batch, error);
      return "failed";
    }
    for (const [write, outcome] of settled) {
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    }
    return "committed";
  }

  private settleAllWith(batch: QueuedWrite<S>[], error: unknown): void {
    for (const write of batch) {
      write.attempts++;
      const judged = this.judgeError(error, write.attempts);
      if (judged.retry) this.queue.push(write);
      else write.reject(judged.error);
    }
  }
}
