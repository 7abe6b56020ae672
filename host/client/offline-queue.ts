/**
 * A counter station's own durable file (SQLite, better-sqlite3) for working offline: its copy of
 * the registry, the taps it accepted while the host was unreachable, and the highest counter it
 * accepted per stamp. A tap is queued and its counter recorded in one transaction, before the
 * verdict is shown, so a power cut never loses an accepted tap nor lets its reply be replayed
 * here; an event leaves the queue only after the host answered it.
 */
import Database from "better-sqlite3";
import { toHex } from "../../shared/hex";
import { LocalRegistry } from "../core/offline/offline-station-decision";
import { OfflineEventText } from "../core/offline/offline-event";
import { decodeRegistryPage, RegistryPage, registryPageErrorText } from "./offline-registry-page";
import { verifierView } from "../http/views";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS registry (id INTEGER PRIMARY KEY CHECK (id = 1), page TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (nonce TEXT PRIMARY KEY, challenge TEXT NOT NULL, response TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS seen (stamp_id TEXT PRIMARY KEY, counter INTEGER NOT NULL);
`;

export interface QueuedEvent extends OfflineEventText {
  nonce: string;
  /** When the station accepted it (its clock, milliseconds). */
  at: number;
}

/** The copy as kept: the host's page form, so one decoder reads both. */
function pageText(registry: RegistryPage): string {
  return JSON.stringify({
    asOf: new Date(registry.asOf).toISOString(),
    verifier: verifierView(registry.verifier),
    shopName: registry.shopName,
    stamps: registry.stamps.map((stamp) => ({ ...stamp, publicKey: toHex(stamp.publicKey) })),
    next: null,
  });
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class OfflineQueue {
  private readonly db: Database.Database;
  /** The copy decoded once, not at every tap; replaced with the file's row. */
  private copy: LocalRegistry | undefined;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    // FULL: a queued tap is on disk before the counter shows "accepted".
    this.db.pragma("synchronous = FULL");
    this.db.exec(SCHEMA);
  }

  /** The copy, or undefined before the first sync; a damaged copy is an error, not an empty registry. */
  registry(): LocalRegistry | undefined {
    this.copy ??= this.readRegistry();
    return this.copy;
  }

  private readRegistry(): LocalRegistry | undefined {
    const text = this.db.prepare("SELECT page FROM registry WHERE id = 1").pluck().get() as string | undefined;
    if (text === undefined) return undefined;
    const page = decodeRegistryPage(parsedOrUndefined(text));
    if (!page.ok) throw new Error(`the station's registry copy is damaged: ${registryPageErrorText(page.error)}`);
    return { asOf: page.value.asOf, verifier: page.value.verifier, shopName: page.value.shopName, stamps: new Map(page.value.stamps.map((stamp) => [stamp.id, stamp])) };
  }

  /** Replaces the copy with a fresh one (all its pages merged). */
  replaceRegistry(registry: RegistryPage): void {
    this.db.prepare("INSERT INTO registry (id, page) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET page = excluded.page").run(pageText(registry));
    this.copy = undefined;
  }

  seenCounter(stampId: string): number {
    return (this.db.prepare("SELECT counter FROM seen WHERE stamp_id = ?").pluck().get(stampId) as number | undefined) ?? 0;
  }

  /** Queues an accepted tap and records its counter, atomically. */
  queueAccepted(event: QueuedEvent, stampId: string, counter: number): void {
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO events (nonce, challenge, response, at) VALUES (?, ?, ?, ?)").run(event.nonce, event.challenge, event.response, event.at);
      this.db.prepare("INSERT INTO seen (stamp_id, counter) VALUES (?, ?) ON CONFLICT (stamp_id) DO UPDATE SET counter = MAX(counter, excluded.counter)").run(stampId, counter);
    })();
  }

  /** The oldest queued events, at most `limit`. */
  pending(limit: number): QueuedEvent[] {
    return this.db.prepare("SELECT nonce, challenge, response, at FROM events ORDER BY at, nonce LIMIT ?").all(limit) as QueuedEvent[];
  }

  count(): number {
    return this.db.prepare("SELECT COUNT(*) FROM events").pluck().get() as number;
  }

  /** Drops the events the host answered. */
  acknowledge(nonces: readonly string[]): void {
    const drop = this.db.prepare("DELETE FROM events WHERE nonce = ?");
    this.db.transaction(() => {
      for (const nonce of nonces) drop.run(nonce);
    })();
  }

  close(): void {
    this.db.close();
  }
}
