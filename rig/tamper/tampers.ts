import { auditEntryHash } from "../../host/ledger/audit-chain";
import { GENESIS } from "../../host/ledger/chain-hash";
import { ledgerEventHashV2, StoredEvent } from "../../host/ledger/ledger-event-hash";
import { AuditEntry } from "../../host/core/model";
import { SqlEditor } from "./tamper-databases";

/** What the campaign knows of the database when it tampers: both chains as stored, and the exported checkpoint's counts. */
export interface TamperFacts {
  events: StoredEvent[];
  audit: AuditEntry[];
  /** Ledger events and audit entries the exported checkpoint covers. */
  ledgerCheckpointCount: number;
  auditCheckpointCount: number;
  /** A stamp the chains say is revoked (the run revoked it). */
  revokedStampId: string;
  /** A stamp with accepted taps. */
  tappedStampId: string;
}

/**
 * Where a tamper lies: within the exported checkpoint (the whole check must see it; the
 * incremental one where it changes the hash stored at the checkpoint's count), after it (the
 * whole check and the incremental one's walk from the checkpoint see it), or in the stamps table
 * (outside both chains: the whole check refolds the stamps' state from them, the incremental
 * check says it does not), or beyond every checkpoint: the entries after the newest one rewritten
 * together with what they imply, which no checkpoint can reveal until the next one is made
 * (`serve` makes them on a timer: that interval is the window).
 */
export type TamperScope = "within the checkpoint" | "after the checkpoint" | "stamps table" | "beyond every checkpoint";

export interface Tamper {
  name: string;
  scope: TamperScope;
  /**
   * Whether the incremental check (`stamp ledger check --since-checkpoint`) claims to see it: it
   * checks "only what came after the newest checkpoint", and compares each checkpoint with the
   * hash stored at its count. An entry below the checkpoint edited or deleted while that stored
   * hash stays is outside its claim (the whole check sees it); the campaign reports what the
   * incremental check said of those as a figure, never as detected.
   */
  incrementalClaims: boolean;
  /** Whether the whole check claims to see it: everything but what lies beyond every checkpoint. */
  wholeClaims: boolean;
  /** Edits the database as an attacker with direct access would (its append-only triggers already dropped, see TamperDatabases.tamper). */
  apply(db: SqlEditor, facts: TamperFacts): Promise<void>;
}

/** Rewrites the ledger's sequence numbers and hashes so that every link and hash holds again: a rebuilt chain. */
async function rehashLedger(db: SqlEditor, events: readonly StoredEvent[]): Promise<void> {
  let previous = GENESIS;
  // Renumbered from the top first into free numbers, then down: the primary key never collides.
  const offset = events.length + 1_000_000;
  for (const [i, event] of events.entries()) await db.run("UPDATE ledger SET sequence = ? WHERE nonce = ?", [offset + i, event.nonce]);
  for (const [i, event] of events.entries()) {
    const rebuilt = { ...event, sequence: i + 1, previousHash: previous };
    const hash = ledgerEventHashV2(rebuilt);
    await db.run("UPDATE ledger SET sequence = ?, previous_hash = ?, hash = ? WHERE nonce = ?", [i + 1, previous, hash, event.nonce]);
    previous = hash;
  }
}

async function rehashAudit(db: SqlEditor, entries: readonly AuditEntry[]): Promise<void> {
  let previous = GENESIS;
  for (const entry of entries) {
    const hash = auditEntryHash({ ...entry, previousHash: previous });
    await db.run("UPDATE audit SET previous_hash = ?, hash = ?, detail = ? WHERE sequence = ?", [previous, hash, entry.detail, entry.sequence]);
    previous = hash;
  }
}

/** An event within the checkpoint that is not its head: the second one. */
const EDITED = 2;

export const TAMPERS: readonly Tamper[] = [
  {
    name: "edited event: the quantity of an event within the checkpoint",
    scope: "within the checkpoint",
    incrementalClaims: false,
    wholeClaims: true,
    apply: async (db) => db.run("UPDATE ledger SET quantity = quantity + 9 WHERE sequence = ?", [EDITED]),
  },
  {
    name: "edited event: the acceptance time (not signed by the stamp) of the checkpoint's head event",
    scope: "within the checkpoint",
    incrementalClaims: true,
    wholeClaims: true,
    apply: async (db, facts) => db.run("UPDATE ledger SET accepted_at = accepted_at - 3600000 WHERE sequence = ?", [facts.ledgerCheckpointCount]),
  },
  {
    name: "edited event: the quantity of an event after the checkpoint",
    scope: "after the checkpoint",
    incrementalClaims: true,
    wholeClaims: true,
    apply: async (db, facts) => db.run("UPDATE ledger SET quantity = quantity + 9 WHERE sequence = ?", [facts.events.length]),
  },
  {
    name: "deleted event: one event in the middle of the checkpoint's range",
    scope: "within the checkpoint",
    incrementalClaims: false,
    wholeClaims: true,
    apply: async (db) => db.run("DELETE FROM ledger WHERE sequence = ?", [EDITED]),
  },
  {
    name: "deleted events: the ledger cut back below the checkpoint's head",
    scope: "within the checkpoint",
    incrementalClaims: true,
    wholeClaims: true,
    apply: async (db, facts) => db.run("DELETE FROM ledger WHERE sequence >= ?", [facts.ledgerCheckpointCount - 1]),
  },
  {
    name: "rebuilt chain: an event deleted, the rest renumbered and every hash recomputed",
    scope: "within the checkpoint",
    incrementalClaims: true,
    wholeClaims: true,
    apply: async (db, facts) => {
      await db.run("DELETE FROM ledger WHERE sequence = ?", [EDITED]);
      await rehashLedger(db, facts.events.filter((e) => e.sequence !== EDITED));
    },
  },
  {
    name: "rebuilt chain: an acceptance time (not signed by the stamp) edited and every hash recomputed",
    scope: "within the checkpoint",
    incrementalClaims: true,
    wholeClaims: true,
    apply: async (db, facts) => {
      const events = facts.events.map((e) => (e.sequence === EDITED ? { ...e, acceptedAt: e.acceptedAt - 3_600_000 } : e));
      await db.run("UPDATE ledger SET accepted_at = ? WHERE sequence = ?", [events[EDITED - 1].acceptedAt, EDITED]);
      await rehashLedger(db, events);
    },
  },
  {
    name: "rebuilt audit chain: an early entry's detail edited and every hash recomputed",
    scope: "within the checkpoint",
    incrementalClaims: true,
    wholeClaims: true,
    apply: async (db, facts) => {
      const entries = facts.audit.map((e) => (e.sequence === 2 ? { ...e, detail: `${e.detail} (edited)` } : e));
      await rehashAudit(db, entries);
    },
  },
  {
    name: "changed stamp status: a revoked stamp made active again",
    scope: "stamps table",
    incrementalClaims: false,
    wholeClaims: true,
    apply: async (db, facts) => db.run("UPDATE stamps SET status = 'active' WHERE id = ?", [facts.revokedStampId]),
  },
  {
    name: "changed stamp counter: wound back to 0 (a replay window)",
    scope: "stamps table",
    incrementalClaims: false,
    wholeClaims: true,
    apply: async (db, facts) => db.run("UPDATE stamps SET last_counter = 0 WHERE id = ?", [facts.tappedStampId]),
  },
  {
    name: "rewritten after the newest checkpoint: an acceptance time (not signed by the stamp) edited and the hashes after it recomputed",
    scope: "beyond every checkpoint",
    incrementalClaims: false,
    wholeClaims: false,
    apply: async (db, facts) => {
      const last = facts.events.length;
      const events = facts.events.map((e) => (e.sequence === last ? { ...e, acceptedAt: e.acceptedAt - 3_600_000 } : e));
      await db.run("UPDATE ledger SET accepted_at = ? WHERE sequence = ?", [events[last - 1].acceptedAt, last]);
      await rehashLedger(db, events);
    },
  },
  {
    name: "deleted after the newest checkpoint: the events after it, and the stamps' counters wound back to match",
    scope: "beyond every checkpoint",
    incrementalClaims: false,
    wholeClaims: false,
    apply: async (db, facts) => {
      await db.run("DELETE FROM ledger WHERE sequence > ?", [facts.ledgerCheckpointCount]);
      const highest = new Map<string, number>();
      for (const e of facts.events) if (e.sequence <= facts.ledgerCheckpointCount) highest.set(e.stampId, Math.max(highest.get(e.stampId) ?? 0, e.counter));
      for (const [stampId, counter] of highest) await db.run("UPDATE stamps SET last_counter = ? WHERE id = ?", [counter, stampId]);
    },
  },
];
