import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Checkpoint, signCheckpoint } from "../../host/ledger/checkpoint";
import { openStore } from "../../host/store/open-store";
import { Attempt, Budget, Campaign, CampaignOutput, Figure } from "../campaign";
import { CheckVerdict, EvidenceChecker, productEvidenceCheck } from "../tamper/evidence-checker";
import { OwnDatabaseHost, startOwnDatabaseHost } from "../tamper/own-database-host";
import { sqliteDatabases } from "../tamper/sqlite-databases";
import { TamperDatabases } from "../tamper/tamper-databases";
import { Tamper, TAMPERS, TamperFacts } from "../tamper/tampers";
import { RigStamp } from "../world/rig-stamp";
import { setUpRigWorld } from "../world/rig-world";
import { legitimateTap } from "./legitimate-tap";

const MODES = [
  { name: "whole check", incremental: false },
  { name: "incremental check (--since-checkpoint)", incremental: true },
] as const;

/** Taps before the exported checkpoint and after it. A full run crosses the check's 256-entry pages. */
export function tapsFor(kind: Budget["kind"]): { before: number; after: number } {
  return kind === "full" ? { before: 300, after: 40 } : { before: 5, after: 2 };
}

/** Where the campaign's host keeps its database, given a directory of the campaign's own: an SQLite file by default. */
export type DatabasesIn = (dir: string) => TamperDatabases;

async function checkCopy(path: string, check: EvidenceChecker, kept: Checkpoint[], host: OwnDatabaseHost, incremental: boolean): Promise<CheckVerdict> {
  const store = await openStore(path);
  try {
    return await check(store, kept, host.hostKey.publicKey, incremental);
  } finally {
    await store.close();
  }
}

async function readFacts(path: string, kept: Checkpoint[], revoked: RigStamp, tapped: RigStamp): Promise<TamperFacts> {
  const store = await openStore(path);
  try {
    const count = (chain: "ledger" | "audit") => kept.find((c) => c.chain === chain)?.count ?? 0;
    return { events: await store.readLedger(1, 1_000_000), audit: await store.readAudit(1, 1_000_000), ledgerCheckpointCount: count("ledger"), auditCheckpointCount: count("audit"), revokedStampId: revoked.id, tappedStampId: tapped.id };
  } finally {
    await store.close();
  }
}

/** Taps through the host's own HTTP API, as the counter would make them; each is a legitimate attempt. */
async function makeTaps(world: Awaited<ReturnType<typeof setUpRigWorld>>, stamps: RigStamp[], count: number, what: string): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  for (let i = 0; i < count; i++) attempts.push((await legitimateTap(world.home, stamps[i % stamps.length], what)).attempt);
  return attempts;
}

function verdictAnswer(verdict: CheckVerdict): string {
  return verdict.intact ? "check said intact" : `detected: ${verdict.problems[0] ?? "broken"}`;
}

/** Whether the check, in this mode, claims to see the tamper (see Tamper.incrementalClaims); a report that says it refolded the stamps' state claims those too. */
export function claims(tamper: Tamper, incremental: boolean, verdict: CheckVerdict): boolean {
  if (!incremental) return tamper.wholeClaims;
  return tamper.incrementalClaims || (tamper.scope === "stamps table" && verdict.stampStatesChecked);
}

/** The record of one tamper against one mode; undefined when that mode does not claim to look there (then never counted as detected). */
function tamperAttempt(tamper: Tamper, mode: (typeof MODES)[number], verdict: CheckVerdict): Attempt | undefined {
  if (!claims(tamper, mode.incremental, verdict)) return undefined;
  return { attack: `${tamper.name} (${mode.name})`, legitimate: false, accepted: verdict.intact, flagged: !verdict.intact, answer: verdictAnswer(verdict) };
}

/**
 * Builds a ledger in a host of its own, exports a signed checkpoint, stops the host, and applies
 * each tamper to a fresh copy of the database; the check (the product's by default, a weakened
 * one in a twin's test) must find every one against the exported checkpoint, and find an
 * untampered copy intact.
 */
async function tamperRun(check: EvidenceChecker, databasesIn: DatabasesIn, budget: Budget): Promise<CampaignOutput> {
  const dir = mkdtempSync(join(tmpdir(), "stamp-rig-ledger-"));
  const databases = databasesIn(dir);
  try {
    return await tamperHost(check, databases, dir, budget);
  } finally {
    await databases.discard();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function tamperHost(check: EvidenceChecker, databases: TamperDatabases, dir: string, budget: Budget): Promise<CampaignOutput> {
  const host = await startOwnDatabaseHost(databases, dir);
  try {
    const world = await setUpRigWorld(host.target);
    const stamps = [await world.newStamp(), await world.newStamp()];
    const taps = tapsFor(budget.kind);
    const legitimate = await makeTaps(world, stamps, taps.before, "legitimate tap before the checkpoint");
    const heads = await host.store.chainHeads();
    const at = host.target.clock();
    // Exported: kept outside the database only, as `stamp ledger checkpoint --out` keeps them.
    const kept = [signCheckpoint(host.hostKey, { chain: "ledger", ...heads.ledger, at: at }), signCheckpoint(host.hostKey, { chain: "audit", ...heads.audit, at: at })];
    legitimate.push(...(await makeTaps(world, stamps, taps.after, "legitimate tap after the checkpoint")));
    await world.close(); // revokes the stamps: the audit chain says so
    await host.stop();

    const base = await databases.copy(host.database, "untampered");
    for (const mode of MODES) {
      const verdict = await checkCopy(base, check, kept, host, mode.incremental);
      legitimate.push({ attack: `untampered copy (${mode.name})`, legitimate: true, accepted: verdict.intact, flagged: false, answer: verdictAnswer(verdict) });
    }
    const facts = await readFacts(base, kept, stamps[0], stamps[1]);

    const attempts: Attempt[] = [];
    const outside: string[] = [];
    for (const [i, tamper] of TAMPERS.entries()) {
      const copy = await databases.copy(base, `tampered_${i}`);
      await databases.tamper(copy, (db) => tamper.apply(db, facts));
      for (const mode of MODES) {
        const verdict = await checkCopy(copy, check, kept, host, mode.incremental);
        const attempt = tamperAttempt(tamper, mode, verdict);
        if (attempt === undefined) outside.push(`${tamper.name} (${mode.name}): ${verdict.intact ? "not detected" : "detected"}`);
        else attempts.push(attempt);
      }
    }
    const figures: Figure[] = [
      { name: "database the host ran on", value: databases.label, ok: true },
      { name: "ledger events, audit entries in the database (checkpoint at)", value: `${facts.events.length}, ${facts.audit.length} (${facts.ledgerCheckpointCount}, ${facts.auditCheckpointCount})`, ok: true },
      // Said, not hidden: these tampers lie outside what the check claims to see — the incremental
      // check claims what came after the checkpoint, and no check claims what lies beyond every
      // checkpoint. What the check said of each is reported, never counted as detected.
      { name: "tampers outside the check's claim (what it said of each)", value: outside.length === 0 ? "none" : outside.join("; "), ok: true },
    ];
    return { attempts: [...attempts, ...legitimate], notRun: [], figures: figures };
  } finally {
    await host.stop();
  }
}

/**
 * The campaign over an evidence check (the product's by default), on databases of a kind
 * (SQLite files by default; PostgreSQL databases when given). It needs the database itself: it
 * runs only when the target is a host the rig started itself (the target can move its clock),
 * where a host of its own runs the same code; against a deployment reached by URL it says why
 * it did not run.
 */
export function ledgerTamperingCampaignWith(check: EvidenceChecker, databasesIn: DatabasesIn = sqliteDatabases): Campaign {
  return {
    name: "ledger-tampering",
    attacks: "the database (an SQLite file, or PostgreSQL rows through SQL) edited past its append-only triggers: an edited event, deleted events, a rebuilt chain, a changed stamp status and counter, each checked (whole and incremental) against an exported signed checkpoint",
    async run(world, budget) {
      if (world.target.advanceClock === undefined) {
        return { attempts: [], notRun: [{ attack: "ledger tampering", why: `${world.target.label} is reached by URL only: the rig cannot edit its database file` }], figures: [] };
      }
      return tamperRun(check, databasesIn, budget);
    },
  };
}

export const ledgerTamperingCampaign: Campaign = ledgerTamperingCampaignWith(productEvidenceCheck);
