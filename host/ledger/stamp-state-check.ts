/**
 * The stamps' current state against the chains: a stamp's status is the last status change in
 * the audit chain, and its counter the highest of its accepted taps (ledger) and of the counter
 * changes of refused taps (audit). A status or counter edited in the database directly, outside
 * both chains (un-quarantining a clone, winding a counter back), shows here.
 */
import { AuditEntry, LedgerEvent, StampRecord, StampStatus } from "../core/model";

export interface ExpectedStampState {
  status: StampStatus;
  counter: number;
}

const STATUS_AFTER: Readonly<Record<string, StampStatus>> = {
  "stamp.register": "active",
  "stamp.quarantine": "quarantined",
  "stamp.reinstate": "active",
  "stamp.revoke": "revoked",
};

function counterOf(detail: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(detail);
    return typeof parsed === "object" && parsed !== null && "to" in parsed && typeof parsed.to === "number" ? parsed.to : undefined;
  } catch {
    return undefined;
  }
}

/** Folds one audit entry into the expected states (entries in chain order). */
export function foldAudit(states: Map<string, ExpectedStampState>, entry: AuditEntry): void {
  const current = states.get(entry.subject) ?? { status: "active", counter: 0 };
  const status = STATUS_AFTER[entry.action];
  if (status !== undefined) states.set(entry.subject, { ...current, status: status });
  if (entry.action === "stamp.counter") {
    const to = counterOf(entry.detail);
    if (to !== undefined) states.set(entry.subject, { ...current, counter: Math.max(current.counter, to) });
  }
}

/** Folds one accepted tap into the expected states. */
export function foldEvent(states: Map<string, ExpectedStampState>, event: Pick<LedgerEvent, "stampId" | "counter">): void {
  const current = states.get(event.stampId) ?? { status: "active", counter: 0 };
  states.set(event.stampId, { ...current, counter: Math.max(current.counter, event.counter) });
}

/** Where a stamp's stored state differs from what the chains say, in words. */
export function stampStateProblems(expected: ReadonlyMap<string, ExpectedStampState>, stamps: Iterable<Pick<StampRecord, "id" | "status" | "lastCounter">>): string[] {
  const problems: string[] = [];
  for (const stamp of stamps) {
    const want = expected.get(stamp.id);
    if (want === undefined) {
      problems.push(`stamp ${stamp.id} is in the database but its registration is not in the audit chain`);
      continue;
    }
    if (want.status !== stamp.status) problems.push(`stamp ${stamp.id} is ${stamp.status} in the database but ${want.status} by the audit chain`);
    if (want.counter !== stamp.lastCounter) problems.push(`stamp ${stamp.id} has counter ${stamp.lastCounter} in the database but ${want.counter} by the chains`);
  }
  return problems;
}
