/**
 * The ledger as it grows (issue 14, item 4), on SQLite: with 10 thousand and 1 million events
 * already in the ledger (10 million with STAMP_BENCH_10M=1: the file alone is several GB and
 * takes minutes to write), the time of a tap through the core, of the newest page of events, and
 * of an incremental ledger check after a checkpoint; the whole check's time at the smallest
 * size. The earlier events are written straight into the file with a real hash chain but
 * placeholder signatures (the incremental check starts after them, as it would after a
 * checkpoint; the whole check reads them and reports them, which is what it is for).
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkLedgerEvidence, makeCheckpoints } from "../../host/core/ledger-evidence";
import { GENESIS } from "../../host/ledger/chain-hash";
import { createHostKeyFile } from "../../host/ledger/host-key";
import { ledgerEventHashV2 } from "../../host/ledger/ledger-event-hash";
import { LedgerEvent } from "../../host/core/model";
import { Purpose } from "../../shared/protocol-constants";
import { createTestWorld, must, TestWorld } from "../../test/support/test-world";

const TAPS = 300;
const PAGES = 50;

export interface GrowthFigures {
  events: number;
  fileMegabytes: number;
  writeSeconds: number;
  tapP50Ms: number;
  tapP99Ms: number;
  newestPageMs: number;
  incrementalCheckMs: number;
  wholeCheckSeconds: number | undefined;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Appends `count` chained events after the world's own (placeholder signatures, one stamp id). */
function writeEvents(dbPath: string, world: TestWorld, count: number): number {
  const started = process.hrtime.bigint();
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  const last = db.prepare("SELECT sequence, hash FROM ledger ORDER BY sequence DESC LIMIT 1").get() as { sequence: number; hash: string } | undefined;
  const insert = db.prepare(
    `INSERT INTO ledger (sequence, stamp_id, counter, verifier_id, shop_id, merchant_id, purpose, quantity, nonce, challenge_issued_at, accepted_at, response,
       transport, origin, card_id, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'station', '', '', ?, ?)`,
  );
  const response = "00".repeat(94);
  const base = Date.now() - 365 * 86_400_000;
  let previousHash = last?.hash ?? GENESIS;
  const first = (last?.sequence ?? 0) + 1;
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const sequence = first + i;
      const event: Omit<LedgerEvent, "hash"> = {
        sequence: sequence,
        stampId: "ffffffffffffffff",
        counter: sequence,
        verifierId: world.gangnam.id,
        shopId: world.gangnam.shopId,
        merchantId: "bean-bros",
        purpose: Purpose.STAMP,
        quantity: 1,
        nonce: sequence.toString(16).padStart(32, "0"),
        challengeIssuedAt: 0,
        acceptedAt: base + i,
        response: response,
        transport: "station",
        origin: "",
        cardId: "",
        receipt: undefined,
        previousHash: previousHash,
      };
      const hash = ledgerEventHashV2(event);
      insert.run(sequence, event.stampId, event.counter, event.verifierId, event.shopId, event.merchantId, event.purpose, event.quantity, event.nonce, 0, event.acceptedAt, response, previousHash, hash);
      previousHash = hash;
    }
  })();
  db.close();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function measureSize(events: number): Promise<GrowthFigures> {
  const world = await createTestWorld("sqlite");
  const dir = mkdtempSync(join(tmpdir(), "stamp-growth-"));
  try {
    const key = createHostKeyFile(join(dir, "host-key.json"));
    if (!key.ok) throw new Error(key.error);
    const writeSeconds = writeEvents(world.dbPath, world, events);
    must(await makeCheckpoints(world.store, world.operator, key.value, Date.now()));
    const latencies: number[] = [];
    for (let i = 0; i < TAPS; i++) {
      const now = Date.now();
      const challenge = await world.challengeFor(world.gangnamStation, now);
      const started = process.hrtime.bigint();
      const verdict = await world.submit(world.gangnamStation, world.stamp.answer(challenge), now);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (!verdict.accepted) throw new Error(`tap ${i}: ${verdict.reason}`);
    }
    const pages: number[] = [];
    for (let i = 0; i < PAGES; i++) {
      const started = process.hrtime.bigint();
      await world.store.listEvents({ merchantId: "bean-bros", limit: 10 });
      pages.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const checkStarted = process.hrtime.bigint();
    const incremental = must(await checkLedgerEvidence(world.store, world.operator, { keptCheckpoints: [], hostPublicKey: key.value.publicKey, incremental: true }));
    const incrementalCheckMs = Number(process.hrtime.bigint() - checkStarted) / 1e6;
    if (!incremental.intact || incremental.ledgerEvents - incremental.checkedAfter.ledger !== TAPS) throw new Error(`incremental check: ${JSON.stringify(incremental.problems.slice(0, 3))}`);
    let wholeCheckSeconds: number | undefined;
    if (events <= 10_000) {
      const started = process.hrtime.bigint();
      await checkLedgerEvidence(world.store, world.operator, { keptCheckpoints: [], hostPublicKey: key.value.publicKey });
      wholeCheckSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    }
    latencies.sort((a, b) => a - b);
    pages.sort((a, b) => a - b);
    return {
      events: events,
      fileMegabytes: statSync(world.dbPath).size / 1e6,
      writeSeconds: writeSeconds,
      tapP50Ms: quantile(latencies, 0.5),
      tapP99Ms: quantile(latencies, 0.99),
      newestPageMs: quantile(pages, 0.5),
      incrementalCheckMs: incrementalCheckMs,
      wholeCheckSeconds: wholeCheckSeconds,
    };
  } finally {
    await world.store.close();
    rmSync(dir, { recursive: true, force: true });
    await world.database.discard();
  }
}

export async function measureLedgerGrowth(): Promise<GrowthFigures[]> {
  const sizes = [10_000, 1_000_000, ...(process.env.STAMP_BENCH_10M === "1" ? [10_000_000] : [])];
  const figures: GrowthFigures[] = [];
  for (const size of sizes) figures.push(await measureSize(size));
  return figures;
}

export function formatLedgerGrowth(figures: readonly GrowthFigures[]): string[] {
  const n = (value: number) => value.toLocaleString("en-US");
  const whole = figures.find((f) => f.wholeCheckSeconds !== undefined);
  return [
    "## The ledger as it grows (SQLite)",
    "",
    `Events already in the ledger (written straight into the file with a real hash chain, placeholder signatures), then a checkpoint; then ${TAPS} taps through the core one after another (challenge, stamp signature, verdict), the newest page of 10 events (${PAGES} times), and an incremental ledger check (the ${TAPS} new taps re-verified and linked to the checkpoint). ${figures.some((f) => f.events >= 10_000_000) ? "10 million events: included in this run (`STAMP_BENCH_10M=1 npm run bench`)." : "10 million events: `STAMP_BENCH_10M=1 npm run bench` (not in this run: the file alone is several GB)."}`,
    "",
    "| events before | file MB | written in s | tap p50 / p99 ms | newest page of 10 ms | incremental check ms |",
    "|---:|---:|---:|---:|---:|---:|",
    ...figures.map((f) => `| ${n(f.events)} | ${f.fileMegabytes.toFixed(0)} | ${f.writeSeconds.toFixed(1)} | ${f.tapP50Ms.toFixed(2)} / ${f.tapP99Ms.toFixed(2)} | ${f.newestPageMs.toFixed(2)} | ${f.incrementalCheckMs.toFixed(0)} |`),
    "",
    whole?.wholeCheckSeconds === undefined
      ? ""
      : `The whole check (every event's signature and both chains from the genesis, then the stamps' state) of the ${n(whole.events + TAPS)}-event ledger: ${whole.wholeCheckSeconds.toFixed(2)} s (${((whole.wholeCheckSeconds * 1e6) / (whole.events + TAPS)).toFixed(0)} µs per event), growing with the ledger; the incremental one grows with what came after the checkpoint.`,
    "",
  ];
}
