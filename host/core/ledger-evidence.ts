/**
 * The ledger as evidence: every accepted tap re-verified under its stamp's registered key, both
 * hash chains (ledger and audit) recomputed, and the chains compared with checkpoints the host
 * signed with a key kept outside the database. Checkpoints kept elsewhere (a file the operator
 * exported) reveal deletion, truncation and a rebuilt chain, which a database alone cannot.
 */
import { ok, Result } from "../../shared/result";
import { Checkpoint, signCheckpoint } from "../ledger/checkpoint";
import { GENESIS } from "../ledger/chain-hash";
import { checkEvidence, EvidenceReport, latestTrustedCheckpoints, readInPages, StoredHead, storedAuditHead, storedLedgerHead } from "../ledger/evidence-check";
import { HostKey } from "../ledger/host-key";
import { ExpectedStampState, foldAudit, foldEvent, stampStateProblems } from "../ledger/stamp-state-check";
import { Store } from "../store/store";
import { can } from "./access/permissions";
import { Principal } from "./access/principal";
import { CoreError, failure, forbidden } from "./core-error";

export interface EvidenceOptions {
  /** Checkpoints kept outside the database, besides the ones it holds. */
  keptCheckpoints: Checkpoint[];
  /** The host's checkpoint public key; without it no checkpoint can be trusted. */
  hostPublicKey: Uint8Array | undefined;
  /**
   * Check only what came after the newest checkpoint the host key signed (of each chain): its
   * entries are re-verified and linked to the checkpoint's head, and every trusted checkpoint is
   * compared with its entry as stored (its stored hash, and its contents rehashed). What this
   * does not see: any entry below the newest checkpoint other than the checkpoints' heads (one
   * edited or deleted there, its neighbours' hashes left as they were), and the stamps' stored
   * status and counters, which are not refolded (`stampStatesChecked: false`). The whole check
   * (the default) sees all of these: run it on a schedule, the incremental one between.
   */
  incremental?: boolean;
}

export interface LedgerCheckReport extends EvidenceReport {
  /** Whether each stamp's stored status and counter were compared with what the chains say (the whole check only). */
  stampStatesChecked: boolean;
}

const PAGE = 256;

/** The entry stored at `sequence` of a chain, read alone: its stored hash and its contents' hash. */
async function storedEntry(store: Store, chain: "ledger" | "audit", sequence: number): Promise<StoredHead | undefined> {
  if (chain === "ledger") {
    const event = (await store.readLedger(sequence, 1))[0];
    return event?.sequence === sequence ? storedLedgerHead(event) : undefined;
  }
  const entry = (await store.readAudit(sequence, 1))[0];
  return entry?.sequence === sequence ? storedAuditHead(entry) : undefined;
}

/** Never blocks the event loop for long: the checker yields between small slices. */
export async function checkLedgerEvidence(store: Store, principal: Principal, options: EvidenceOptions): Promise<Result<LedgerCheckReport, CoreError>> {
  if (!can(principal, "ledger.check")) return forbidden("check the ledger");
  const checkpoints = [...options.keptCheckpoints, ...(await store.listCheckpoints())];
  const latest = options.incremental === true ? latestTrustedCheckpoints(checkpoints, options.hostPublicKey) : {};
  const startOf = (checkpoint: Checkpoint | undefined) => ({ count: checkpoint?.count ?? 0, headHash: checkpoint?.headHash ?? GENESIS });
  const start = options.incremental === true ? { ledger: startOf(latest.ledger), audit: startOf(latest.audit), storedEntry: (chain: "ledger" | "audit", sequence: number) => storedEntry(store, chain, sequence) } : undefined;
  const evidence = await checkEvidence({
    events: readInPages((from, limit) => store.readLedger(from, limit), PAGE, (start?.ledger.count ?? 0) + 1),
    audit: readInPages((from, limit) => store.readAudit(from, limit), PAGE, (start?.audit.count ?? 0) + 1),
    publicKeyOf: async (stampId) => (await store.getStamp(stampId))?.publicKey,
    checkpoints: checkpoints,
    hostPublicKey: options.hostPublicKey,
    start: start,
  });
  // Refolding the stamps' status reads both chains whole: the whole check does it, an incremental one says it did not.
  const stateProblems = start === undefined ? await stampStates(store) : [];
  return ok({
    ...evidence,
    intact: evidence.intact && stateProblems.length === 0,
    problems: [...evidence.problems, ...stateProblems.map((problem) => ({ chain: "audit" as const, problem: problem }))],
    stampStatesChecked: start === undefined,
  });
}

/** The stamps' stored status and counter against what the chains say (see stamp-state-check.ts). */
async function stampStates(store: Store): Promise<string[]> {
  const expected = new Map<string, ExpectedStampState>();
  let seen = 0;
  // Yield between pages, as the chains' check does: other requests go on meanwhile.
  const breathe = async () => {
    if (++seen % PAGE === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  for await (const entry of readInPages((from, limit) => store.readAudit(from, limit), PAGE)) {
    foldAudit(expected, entry);
    await breathe();
  }
  for await (const event of readInPages((from, limit) => store.readLedger(from, limit), PAGE)) {
    foldEvent(expected, event);
    await breathe();
  }
  const problems: string[] = [];
  let after: string | undefined;
  for (;;) {
    const stamps = await store.readStamps({ limit: PAGE, after: after });
    problems.push(...stampStateProblems(expected, stamps));
    if (stamps.length < PAGE) return problems;
    after = stamps[stamps.length - 1].id;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The operator asks for checkpoints now. */
export async function makeCheckpoints(store: Store, principal: Principal, hostKey: HostKey | undefined, now: number): Promise<Result<Checkpoint[], CoreError>> {
  if (!can(principal, "ledger.checkpoint")) return forbidden("make checkpoints");
  if (hostKey === undefined) return failure("CONFLICT", "this host has no checkpoint key: start it with --host-key <file> (`stamp init` made one)");
  return ok(await signChainHeads(store, hostKey, now));
}

/** Signs both chains' heads with the host key and keeps the checkpoints in the database too (also `serve`'s timer). */
export async function signChainHeads(store: Store, hostKey: HostKey, now: number): Promise<Checkpoint[]> {
  const heads = await store.chainHeads();
  const checkpoints = [
    signCheckpoint(hostKey, { chain: "ledger", count: heads.ledger.count, headHash: heads.ledger.headHash, at: now }),
    signCheckpoint(hostKey, { chain: "audit", count: heads.audit.count, headHash: heads.audit.headHash, at: now }),
  ];
  for (const checkpoint of checkpoints) await store.saveCheckpoint(checkpoint);
  return checkpoints;
}

export async function listCheckpoints(store: Store, principal: Principal): Promise<Result<Checkpoint[], CoreError>> {
  if (!can(principal, "ledger.checkpoint")) return forbidden("read checkpoints");
  return ok(await store.listCheckpoints());
}
