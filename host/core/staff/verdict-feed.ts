/**
 * Verdicts as they happen, for the dashboard's counter view: the tap routes (a counter station's
 * POST /v1/taps, a phone opening a stamp's URL) publish each verdict of a known merchant here,
 * and each open counter view subscribes to its merchant's. With a channel between the processes
 * on one database (PostgreSQL's NOTIFY: store/verdict-channel.ts) each verdict also goes to every
 * other process, so a counter view sees the taps that any host process decided; without one
 * (SQLite) a process streams the verdicts it decided itself.
 *
 * A listener that throws is dropped; nothing here changes the verdict or the tap's answer: a
 * notice that fails to go out is lost for the screen, and the tap stands.
 */
import { randomBytes } from "node:crypto";
import { REASON_NAMES, ReasonName } from "../../../shared/reason-codes";
import { VerdictChannel } from "../../store/verdict-channel";

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

/** A notice as it travels between processes: the sender's id, so that it does not hear itself twice. */
interface WireNotice {
  origin: string;
  notice: VerdictNotice;
}

function optionalText(value: unknown): value is string | undefined {
  return value === undefined || typeof value === "string";
}

/**
 * A notice from another process, or undefined for anything else: the payload comes from the
 * database's channel, which any client of that database can write to, so it is checked field by
 * field and never trusted to be well formed.
 */
export function parseWireNotice(payload: string): WireNotice | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || !("origin" in value) || !("notice" in value)) return undefined;
  const { origin, notice } = value;
  if (typeof origin !== "string" || typeof notice !== "object" || notice === null) return undefined;
  const n = notice as Record<string, unknown>;
  const reason = REASON_NAMES.find((name) => name === n.reason);
  if (typeof n.merchantId !== "string" || typeof n.at !== "number" || typeof n.accepted !== "boolean" || reason === undefined) return undefined;
  if ((n.transport !== "station" && n.transport !== "phone") || !optionalText(n.stampId) || !optionalText(n.stampLabel) || !optionalText(n.shopId)) return undefined;
  return {
    origin: origin,
    notice: { merchantId: n.merchantId, at: n.at, accepted: n.accepted, reason: reason, transport: n.transport, stampId: n.stampId, stampLabel: n.stampLabel, shopId: n.shopId },
  };
}

export class VerdictFeed {
  private readonly listeners = new Map<string, Set<VerdictListener>>();
  /** This process's id on the channel. */
  private readonly origin = randomBytes(8).toString("hex");
  private stopListening: (() => Promise<void>) | undefined;

  constructor(private readonly channel: VerdictChannel | undefined = undefined) {}

  /** Starts hearing the other processes' verdicts (nothing to do without a channel). */
  async start(): Promise<void> {
    if (this.channel === undefined || this.stopListening !== undefined) return;
    this.stopListening = await this.channel.listen((payload) => {
      const wire = parseWireNotice(payload);
      // Its own notices were delivered when published: heard back from the channel, they are dropped.
      if (wire !== undefined && wire.origin !== this.origin) this.deliver(wire.notice);
    });
  }

  async stop(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.();
  }

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

  /** Delivers to this process's views at once, and sends to the other processes. */
  publish(notice: VerdictNotice): void {
    this.deliver(notice);
    if (this.channel !== undefined) void this.channel.send(JSON.stringify({ origin: this.origin, notice: notice } satisfies WireNotice)).catch(() => undefined);
  }

  private deliver(notice: VerdictNotice): void {
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
