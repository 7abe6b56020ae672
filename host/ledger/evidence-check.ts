import { KeyObject } from "node:crypto";
import { Challenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { decodePhoneToken, isBaseUrl, phoneSignedMessage } from "../../shared/phone-url";
import { isPurpose, NONCE_LENGTH, PUBLIC_KEY_LENGTH, VERIFIER_ID_LENGTH } from "../../shared/protocol-constants";
import { err, ok, Result } from "../../shared/result";
import { tapSignedMessage } from "../../shared/signed-message";
import { decodeTapResponse, TapResponse } from "../../shared/tap-response";
import { challengeNonceOf, isOfflineEvidenceId } from "../core/offline/offline-evidence-id";
import { publicKeyObject, verifyStrict } from "../crypto/ed25519-strict";
import { auditEntryHash, AuditEntry } from "./audit-chain";
import { GENESIS } from "./chain-hash";
import { ChainName, Checkpoint, verifyCheckpointSignature } from "./checkpoint";
import { hostKeyId } from "./host-key";
import { ledgerEventHashV2, StoredEvent } from "./ledger-event-hash";

/**
 * The evidence check behind `ledger check`: one streaming pass over the ledger and the audit
 * chain, then a comparison with the kept checkpoints. A hash chain alone only shows that rows
 * agree with each other; this check also re-verifies every accepted tap's stamp signature
 * (a station tap's over its challenge, a phone tap's over its URL token and origin)
 * against the registered key (no one without the stamp's key can add or alter a signed field),
 * refuses a stamp counter that does not rise (a copied tap), and compares each chain with the
 * host-signed checkpoints (deleted, truncated or rebuilt chains, and the unsigned fields up to
 * the last checkpoint). It reads through async iterables and yields to the event loop every
 * `yieldEvery` items, so a server can run it without stalling.
 */

export type { StoredEvent };

export type EvidenceChain = ChainName | "checkpoint";

export interface EvidenceProblem {
  chain: EvidenceChain;
  /** The event or entry concerned; for a checkpoint, its count. */
  sequence?: number;
  problem: string;
}

export interface EvidenceReport {
  intact: boolean;
  ledgerEvents: number;
  auditEntries: number;
  /** Kept checkpoints whose signature verified and that were compared with their chain. */
  checkpointsChecked: number;
  /** At most MAX_PROBLEMS: checkpoint problems first, then the ledger's, then the audit chain's. */
  problems: EvidenceProblem[];
  /** Problems found beyond those listed. */
  problemsOmitted: number;
  /**
   * Where each chain's walk began: 0 for a whole check; for an incremental one, the count of the
   * trusted checkpoint it started from (the entries up to it were not read again).
   */
  checkedAfter: { ledger: number; audit: number };
}

/** Where a chain's walk begins: after `count` entries whose last hash is `headHash` (0 and GENESIS: the whole chain). */
export interface ChainStart {
  count: number;
  headHash: string;
}

export interface EvidenceInput {
  events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>;
  audit: AsyncIterable<AuditEntry> | Iterable<AuditEntry>;
  /** The registered 32-byte public key of a stamp (by its 16-hex-digit id). */
  publicKeyOf: (stampId: string) => Promise<Uint8Array | undefined>;
  checkpoints: readonly Checkpoint[];
  /** The host's checkpoint key; undefined when there is none (then kept checkpoints cannot be trusted). */
  hostPublicKey: Uint8Array | undefined;
  /** Yield to the event loop after this many items (default DEFAULT_YIELD_EVERY). */
  yieldEvery?: number;
  /**
   * An incremental check: each chain's items are given from `count + 1` on, and the walk starts
   * from a trusted checkpoint's head instead of the genesis. Checkpoints at or before the start
   * are compared with the entry stored at their count (`storedEntry`), read alone: its stored
   * hash, and the hash of its contents as they are now.
   */
  start?: { ledger: ChainStart; audit: ChainStart; storedEntry: (chain: ChainName, sequence: number) => Promise<StoredHead | undefined> };
}

export const MAX_PROBLEMS = 20;
export const DEFAULT_YIELD_EVERY = 256;

/** Problems of one kind, keeping the first MAX_PROBLEMS and counting the rest. */
class ProblemLog {
  readonly kept: EvidenceProblem[] = [];
  omitted = 0;

  add(problem: EvidenceProblem): void {
    if (this.kept.length < MAX_PROBLEMS) this.kept.push(problem);
    else this.omitted++;
  }
}

/** A function to await after each item: every `every` items it lets timers and I/O run. */
function pacer(every: number): () => Promise<void> {
  const period = Math.max(1, Math.floor(every));
  let sinceYield = 0;
  return async () => {
    if (++sinceYield < period) return;
    sinceYield = 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
}

/** The largest time a JavaScript Date holds. */
const MAX_DATE_MS = 8_640_000_000_000_000;

function timeOf(at: number): string {
  return Number.isFinite(at) && Math.abs(at) <= MAX_DATE_MS ? new Date(at).toISOString() : `time ${at}`;
}

// ---------------------------------------------------------------------------------------------
// Chains: sequence, links, hashes

interface Nouns {
  one: string;
  many: string;
}

const LEDGER_NOUNS: Nouns = { one: "event", many: "events" };
const AUDIT_NOUNS: Nouns = { one: "audit entry", many: "audit entries" };

interface ChainItem {
  sequence: number;
  previousHash: string;
  hash: string;
}

interface ChainRules<T extends ChainItem> {
  chain: ChainName;
  nouns: Nouns;
  /** The hash the item's contents should have. */
  hashOf: (item: T) => string;
  /** What else is wrong with the item (the ledger: its stamp signature and counter). */
  contentProblem: (item: T) => Promise<string | undefined>;
  /** The sequence numbers whose stored hash a checkpoint names. */
  headsWanted: ReadonlySet<number>;
}

/** What a pass over one chain saw: how many items, and the stored hash at each wanted sequence. */
interface ChainWalk {
  count: number;
  heads: Map<number, string>;
}

/** Why an item's sequence number is not the one expected, or undefined. */
function sequenceProblem(sequence: number, expected: number, nouns: Nouns): string | undefined {
  if (sequence === expected) return undefined;
  if (!Number.isSafeInteger(sequence) || sequence < expected) {
    return `${nouns.one} ${sequence} is out of place: ${nouns.one} ${expected} was expected (duplicated or reordered)`;
  }
  if (sequence === expected + 1) return `${nouns.one} ${expected} is missing`;
  return `${nouns.many} ${expected} to ${sequence - 1} are missing`;
}

function linkProblem(item: ChainItem, previousHash: string, nouns: Nouns): string | undefined {
  if (item.previousHash === previousHash) return undefined;
  if (item.sequence === 1) return `${nouns.one} 1 does not start from the genesis hash`;
  return `${nouns.one} ${item.sequence} does not link to the ${nouns.one} before it: the chain was cut or reordered`;
}

const WHOLE_CHAIN: ChainStart = { count: 0, headHash: GENESIS };

async function walkChain<T extends ChainItem>(
  items: AsyncIterable<T> | Iterable<T>,
  rules: ChainRules<T>,
  log: ProblemLog,
  pace: () => Promise<void>,
  start: ChainStart = WHOLE_CHAIN,
): Promise<ChainWalk> {
  const walk: ChainWalk = { count: start.count, heads: new Map([[start.count, start.headHash]]) };
  const report = (sequence: number, problem: string) => log.add({ chain: rules.chain, sequence, problem });
  let expected = start.count + 1;
  let previousHash = start.headHash;
  for await (const item of items) {
    walk.count++;
    const orderProblem = sequenceProblem(item.sequence, expected, rules.nouns) ?? linkProblem(item, previousHash, rules.nouns);
    if (orderProblem !== undefined) report(item.sequence, orderProblem);
    if (rules.hashOf(item) !== item.hash) report(item.sequence, `${rules.nouns.one} ${item.sequence}: its hash does not match its contents: the ${rules.nouns.one} was altered`);
    const contentProblem = await rules.contentProblem(item);
    if (contentProblem !== undefined) report(item.sequence, `${rules.nouns.one} ${item.sequence}: ${contentProblem}`);
    if (rules.headsWanted.has(item.sequence)) walk.heads.set(item.sequence, item.hash);
    if (Number.isSafeInteger(item.sequence)) expected = Math.max(expected, item.sequence + 1);
    previousHash = item.hash;
    await pace();
  }
  return walk;
}

// ---------------------------------------------------------------------------------------------
// Ledger events: the stamp's signature and counter

/** Registered stamp keys, looked up once per stamp; a string is why the key cannot be used. */
class StampKeys {
  private readonly known = new Map<string, KeyObject | string>();

  constructor(private readonly publicKeyOf: (stampId: string) => Promise<Uint8Array | undefined>) {}

  async keyOf(stampId: string): Promise<KeyObject | string> {
    let key = this.known.get(stampId);
    if (key === undefined) {
      key = usableStampKey(stampId, await this.publicKeyOf(stampId));
      this.known.set(stampId, key);
    }
    return key;
  }
}

function usableStampKey(stampId: string, publicKey: Uint8Array | undefined): KeyObject | string {
  if (publicKey === undefined) return `stamp ${stampId} is not registered, so its signature cannot be checked`;
  if (publicKey.length !== PUBLIC_KEY_LENGTH) return `the registered key of stamp ${stampId} is not ${PUBLIC_KEY_LENGTH} bytes`;
  // A stamp's id is the start of its key: replacing the registered key needs a 64-bit preimage.
  if (toHex(publicKey.subarray(0, 8)) !== stampId) return `the registered key of stamp ${stampId} does not begin with the stamp's id: the registry was altered`;
  try {
    return publicKeyObject(publicKey);
  } catch {
    return `the registered key of stamp ${stampId} is not an Ed25519 key`;
  }
}

function storedResponse(event: StoredEvent): Result<TapResponse, string> {
  const bytes = fromHex(event.response);
  if (!bytes.ok) return err(`its stored response is not hex: ${bytes.error}`);
  const decoded = decodeTapResponse(bytes.value);
  return decoded.ok ? decoded : err(`its stored response does not decode: ${decoded.error.detail}`);
}

/** Where the signed response and the event's own columns disagree, or undefined. */
function responseMismatch(event: StoredEvent, response: TapResponse): string | undefined {
  const stampId = toHex(response.stampId);
  const nonce = toHex(response.nonce);
  if (stampId !== event.stampId) return `the stored response is from stamp ${stampId}, the event names stamp ${event.stampId}: altered`;
  if (nonce !== challengeNonceOf(event.nonce)) return `the stored response answers nonce ${nonce}, the event names nonce ${event.nonce}: altered`;
  if (response.counter !== event.counter) return `the stored response has counter ${response.counter}, the event ${event.counter}: altered`;
  return undefined;
}

function isUint(value: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= max;
}

/** The challenge the stamp signed, rebuilt from the event's columns as the verifier stored it. */
function storedChallenge(event: StoredEvent): Result<Challenge, string> {
  const verifierId = fromHex(event.verifierId);
  const nonce = fromHex(challengeNonceOf(event.nonce));
  const purpose = event.purpose;
  if (!verifierId.ok || verifierId.value.length !== VERIFIER_ID_LENGTH) return err(`its verifier id ${event.verifierId} is not ${2 * VERIFIER_ID_LENGTH} hex digits`);
  if (!nonce.ok || nonce.value.length !== NONCE_LENGTH) return err(`its nonce ${event.nonce} is not ${2 * NONCE_LENGTH} hex digits`);
  if (!isUint(event.challengeIssuedAt, 0xffffffff)) return err(`its challenge time ${event.challengeIssuedAt} is not a uint32`);
  if (!isPurpose(purpose)) return err(`its purpose ${purpose} is unknown`);
  if (!isUint(event.quantity, 0xffff) || event.quantity === 0) return err(`its quantity ${event.quantity} is out of range`);
  return ok({ verifierId: verifierId.value, issuedAt: event.challengeIssuedAt, nonce: nonce.value, purpose, quantity: event.quantity });
}

/** Why the event is not a tap the registered stamp signed, or undefined. */
async function signatureProblem(event: StoredEvent, keys: StampKeys): Promise<string | undefined> {
  if (event.transport === "phone") return phoneSignatureProblem(event, keys);
  if (event.transport !== "station") return `its transport "${String(event.transport)}" is unknown`;
  const response = storedResponse(event);
  if (!response.ok) return response.error;
  const mismatch = responseMismatch(event, response.value);
  if (mismatch !== undefined) return mismatch;
  const challenge = storedChallenge(event);
  if (!challenge.ok) return challenge.error;
  const key = await keys.keyOf(event.stampId);
  if (typeof key === "string") return key;
  const { stampId, counter, flags, signature } = response.value;
  const message = tapSignedMessage(challenge.value, stampId, counter, flags);
  return verifyStrict(key, message, signature) ? undefined : "the stamp's signature does not verify: altered or forged";
}

/**
 * Why a phone event is not a URL the registered stamp signed for the event's origin, or
 * undefined. The token's signature covers the origin (the base URL), the stamp id, the counter
 * and the flags; the evidence id in `nonce` is the signature itself, so none of them can change.
 */
async function phoneSignatureProblem(event: StoredEvent, keys: StampKeys): Promise<string | undefined> {
  const bytes = fromHex(event.response);
  if (!bytes.ok) return `its stored token is not hex: ${bytes.error}`;
  const decoded = decodePhoneToken(bytes.value);
  if (!decoded.ok) return `its stored token does not decode: ${decoded.error.detail}`;
  const token = decoded.value;
  const stampId = toHex(token.stampId);
  if (stampId !== event.stampId) return `the stored token is from stamp ${stampId}, the event names stamp ${event.stampId}: altered`;
  if (token.counter !== event.counter) return `the stored token has counter ${token.counter}, the event ${event.counter}: altered`;
  if (event.nonce !== "url:" + toHex(token.signature)) return `its evidence id ${event.nonce} is not the stored token's signature: altered`;
  if (!isBaseUrl(event.origin)) return `its origin "${event.origin}" is not a base URL`;
  const key = await keys.keyOf(event.stampId);
  if (typeof key === "string") return key;
  const message = phoneSignedMessage(event.origin, token.stampId, token.counter, token.flags, token.pressRandom);
  return verifyStrict(key, message, token.signature) ? undefined : "the stamp's signature does not verify for this origin: altered or forged";
}

/**
 * The verifier accepts a stamp's tap only above the last counter it saw, so in the ledger each
 * stamp's counters rise strictly; a repeated counter is a copy of a signed tap.
 */
class CounterTrail {
  private readonly last = new Map<string, { counter: number; sequence: number }>();

  problem(event: StoredEvent): string | undefined {
    const previous = this.last.get(event.stampId);
    // A tap judged by an offline station reaches the ledger when its station syncs, after the
    // stamp's later online taps: it may lie below them. Its counter is still one of a kind (the
    // ledger's unique stamp and counter, and the fork rule at sync); it raises the trail if higher.
    const late = isOfflineEvidenceId(event.nonce) && previous !== undefined && event.counter < previous.counter;
    if (late) return undefined;
    if (previous !== undefined && event.counter <= previous.counter) {
      return `stamp ${event.stampId}'s counter ${event.counter} is not above its counter ${previous.counter} at event ${previous.sequence}: a copied or reordered tap`;
    }
    this.last.set(event.stampId, { counter: event.counter, sequence: event.sequence });
    return undefined;
  }
}

function ledgerRules(publicKeyOf: EvidenceInput["publicKeyOf"], headsWanted: ReadonlySet<number>): ChainRules<StoredEvent> {
  const keys = new StampKeys(publicKeyOf);
  const counters = new CounterTrail();
  return {
    chain: "ledger",
    nouns: LEDGER_NOUNS,
    hashOf: ledgerEventHashV2,
    contentProblem: async (event) => (await signatureProblem(event, keys)) ?? counters.problem(event),
    headsWanted,
  };
}

function auditRules(headsWanted: ReadonlySet<number>): ChainRules<AuditEntry> {
  return { chain: "audit", nouns: AUDIT_NOUNS, hashOf: auditEntryHash, contentProblem: async () => undefined, headsWanted };
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

function describeCheckpoint(checkpoint: Checkpoint): string {
  const nouns = checkpoint.chain === "ledger" ? LEDGER_NOUNS : AUDIT_NOUNS;
  return `the checkpoint of ${timeOf(checkpoint.at)} (${checkpoint.chain}, ${checkpoint.count} ${nouns.many})`;
}

/** Why the host key did not sign this checkpoint, or undefined when it did. */
function forgery(checkpoint: Checkpoint, hostPublicKey: Uint8Array, hostId: string): string | undefined {
  if (checkpoint.hostKeyId !== hostId) return `checkpoint forged: ${describeCheckpoint(checkpoint)} names host key ${checkpoint.hostKeyId}, not this host's key ${hostId}`;
  if (!verifyCheckpointSignature(checkpoint, hostPublicKey)) return `checkpoint forged: ${describeCheckpoint(checkpoint)} does not verify with host key ${hostId}`;
  return undefined;
}

/** The kept checkpoints the host key signed; every other one is reported as forged. */
function trustedCheckpoints(checkpoints: readonly Checkpoint[], hostPublicKey: Uint8Array | undefined, log: ProblemLog): Checkpoint[] {
  if (checkpoints.length === 0) return [];
  if (hostPublicKey === undefined) {
    log.add({ chain: "checkpoint", problem: `no host key: the ${checkpoints.length} kept checkpoints cannot be verified` });
    return [];
  }
  const hostId = hostKeyId(hostPublicKey);
  return checkpoints.filter((checkpoint) => {
    const problem = forgery(checkpoint, hostPublicKey, hostId);
    if (problem !== undefined) log.add({ chain: "checkpoint", sequence: checkpoint.count, problem });
    return problem === undefined;
  });
}

/**
 * The newest checkpoint of each chain that the host key signed: where an incremental check
 * starts. Forged ones are ignored here (the check itself reports them).
 */
export function latestTrustedCheckpoints(checkpoints: readonly Checkpoint[], hostPublicKey: Uint8Array | undefined): Partial<Record<ChainName, Checkpoint>> {
  if (hostPublicKey === undefined) return {};
  const hostId = hostKeyId(hostPublicKey);
  const latest: Partial<Record<ChainName, Checkpoint>> = {};
  for (const checkpoint of checkpoints) {
    if (forgery(checkpoint, hostPublicKey, hostId) !== undefined) continue;
    const kept = latest[checkpoint.chain];
    if (kept === undefined || checkpoint.count > kept.count) latest[checkpoint.chain] = checkpoint;
  }
  return latest;
}

function headsWantedBy(checkpoints: readonly Checkpoint[], chain: ChainName): Set<number> {
  return new Set(checkpoints.filter((checkpoint) => checkpoint.chain === chain).map((checkpoint) => checkpoint.count));
}

/** How the chain differs from a trusted checkpoint of it, or undefined. */
function checkpointProblem(checkpoint: Checkpoint, walk: ChainWalk): string | undefined {
  const nouns = checkpoint.chain === "ledger" ? LEDGER_NOUNS : AUDIT_NOUNS;
  const time = timeOf(checkpoint.at);
  const head = walk.heads.get(checkpoint.count);
  if (head === undefined && checkpoint.count > walk.count) {
    return `truncated: the ${checkpoint.chain} checkpoint of ${time} saw ${checkpoint.count} ${nouns.many}, the database has ${walk.count}`;
  }
  if (head === undefined) return `deleted: ${nouns.one} ${checkpoint.count}, the head of the ${checkpoint.chain} checkpoint of ${time}, is missing`;
  if (head !== checkpoint.headHash) return `rebuilt: ${nouns.one} ${checkpoint.count} differs from the ${checkpoint.chain} checkpoint of ${time}`;
  return undefined;
}

/** How a checkpoint differs from the entry stored at its count (read alone), or undefined. */
/** A chain's entry at a checkpoint's count, as an incremental check reads it alone. */
export interface StoredHead {
  /** The hash stored with it. */
  hash: string;
  /** The hash of its contents as they are now (the chain's own hash function). */
  contentHash: string;
}

/** The entry ledgerEvidence reads at a checkpoint's count, with its hash recomputed from its contents. */
export function storedLedgerHead(event: StoredEvent): StoredHead {
  return { hash: event.hash, contentHash: ledgerEventHashV2(event) };
}

export function storedAuditHead(entry: AuditEntry): StoredHead {
  return { hash: entry.hash, contentHash: auditEntryHash(entry) };
}

function storedCheckpointProblem(checkpoint: Checkpoint, stored: StoredHead | undefined): string | undefined {
  const nouns = checkpoint.chain === "ledger" ? LEDGER_NOUNS : AUDIT_NOUNS;
  const time = timeOf(checkpoint.at);
  if (checkpoint.count === 0) return undefined;
  if (stored === undefined) return `deleted: ${nouns.one} ${checkpoint.count}, the head of the ${checkpoint.chain} checkpoint of ${time}, is missing`;
  if (stored.hash !== checkpoint.headHash) return `rebuilt: ${nouns.one} ${checkpoint.count} differs from the ${checkpoint.chain} checkpoint of ${time}`;
  // The stored hash alone would let the head's own fields be edited with its hash left in place.
  if (stored.contentHash !== stored.hash) return `altered: ${nouns.one} ${checkpoint.count}, the head of the ${checkpoint.chain} checkpoint of ${time}: its contents no longer give its hash`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------

/**
 * Checks both chains and the kept checkpoints. Whatever the rows hold, problems are reported,
 * never thrown; only a failing iterable or publicKeyOf rejects the promise.
 */
export async function checkEvidence(input: EvidenceInput): Promise<EvidenceReport> {
  const checkpointLog = new ProblemLog();
  const ledgerLog = new ProblemLog();
  const auditLog = new ProblemLog();
  const pace = pacer(input.yieldEvery ?? DEFAULT_YIELD_EVERY);

  const trusted = trustedCheckpoints(input.checkpoints, input.hostPublicKey, checkpointLog);
  const start = input.start;
  const walks: Record<ChainName, ChainWalk> = {
    ledger: await walkChain(input.events, ledgerRules(input.publicKeyOf, headsWantedBy(trusted, "ledger")), ledgerLog, pace, start?.ledger),
    audit: await walkChain(input.audit, auditRules(headsWantedBy(trusted, "audit")), auditLog, pace, start?.audit),
  };
  for (const checkpoint of trusted) {
    const chainStart = start?.[checkpoint.chain];
    // A checkpoint the walk began at or after it is compared with its entry as stored, read alone:
    // an incremental check still sees a chain rebuilt or cut below its start.
    const problem =
      chainStart !== undefined && checkpoint.count <= chainStart.count
        ? storedCheckpointProblem(checkpoint, await start?.storedEntry(checkpoint.chain, checkpoint.count))
        : checkpointProblem(checkpoint, walks[checkpoint.chain]);
    if (problem !== undefined) checkpointLog.add({ chain: "checkpoint", sequence: checkpoint.count, problem });
  }

  const logs = [checkpointLog, ledgerLog, auditLog];
  const found = logs.flatMap((log) => log.kept);
  const omitted = logs.reduce((sum, log) => sum + log.omitted, 0) + Math.max(0, found.length - MAX_PROBLEMS);
  return {
    intact: found.length === 0,
    ledgerEvents: walks.ledger.count,
    auditEntries: walks.audit.count,
    checkpointsChecked: trusted.length,
    problems: found.slice(0, MAX_PROBLEMS),
    problemsOmitted: omitted,
    checkedAfter: { ledger: start?.ledger.count ?? 0, audit: start?.audit.count ?? 0 },
  };
}

/** Reads a chain page by page (e.g. the store's readLedger/readAudit) as an async iterable. */
export async function* readInPages<T extends { sequence: number }>(readPage: (fromSequence: number, limit: number) => Promise<T[]>, pageSize = DEFAULT_YIELD_EVERY, first = 1): AsyncGenerator<T> {
  let from = first;
  for (;;) {
    const page = await readPage(from, pageSize);
    yield* page;
    if (page.length < pageSize) return;
    const last = page[page.length - 1].sequence;
    from = Number.isSafeInteger(last) && last >= from ? last + 1 : from + page.length;
  }
}
