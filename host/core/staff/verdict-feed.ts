/**
 * Verdicts as they happen, for the dashboard's counter view: the tap routes (a counter station's
 * POST /v1/taps, a phone opening a stamp's URL) publish each verdict of a known merchant here,
 * and each open counter view subscribes to its merchant's. In process only: with several host
 * processes behind one address, each streams the verdicts it decided itself (docs/dashboard.md
 * says why that is the choice, and what a shop with several processes does).
 *
 * A listener that throws is dropped; it never changes the verdict or the tap's answer.
 */
import { ReasonName } from "../../../shared/reason-codes";

export interface VerdictNotice {
  merchantId: string;
  /** When the host decided, in milliseconds since the epoch. */
  at: number;
  accepted: boolean;
  reason: ReasonName;
  /** How the tap arrived: a counter station's reader, or a phone opening the stamp's URL. */
  transport: "station" | "phone";
  stampId: string | undefined;
  stampLabel: string | undefined;
  shopId: string | undefined;
}

export type VerdictListener = (notice: VerdictNotice) => void;

export class VerdictFeed {
  private readonly listeners = new Map<string, Set<VerdictListener>>();

  /** Calls `listener` with each verdict of the merchant until the returned function is called. */
  subscribe(merchantId: string, listener: VerdictListener): () => void {
    const set = this.listeners.get(merchantId) ?? new Set<VerdictListener>();
    set.add(listener);
    this.listeners.set(merchantId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(merchantId);
    };
  }

  publish(notice: VerdictNotice): void {
    const set = this.listeners.get(notice.merchantId);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(notice);
      } catch {
        set.delete(listener);
      }
    }
  }

  /** How many views are listening to the merchant (for tests and the health of a long-running host). */
  listenerCount(merchantId: string): number {
    return this.listeners.get(merchantId)?.size ?? 0;
  }
}
