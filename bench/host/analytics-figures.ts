/**
 * Each analytics query's time on a year of taps for a 50-shop merchant, on SQLite: the rows are
 * written straight into a fresh store's file (chain hashes and evidence are placeholders of
 * their real sizes: the queries never read them), then each report runs through the store's
 * analytics port, as the API runs it, a few times; the median is reported.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Purpose } from "../../shared/protocol-constants";
import { dayInZone, daysBetween } from "../../host/core/analytics/zoned-days";
import { SqliteStore } from "../../host/store/sqlite-store";

const SHOPS = 50;
const DAYS = 365;
const CUSTOMER_TAPS_PER_SHOP_DAY = 40;
const STATION_TAPS_PER_SHOP_DAY = 10;
const CARDS = 150_000;
const WORKERS_PER_SHOP = 3;
const RUNS = 3;
const DAY_MS = 86_400_000;
const MERCHANT = "bench-merchant";

export interface AnalyticsFigures {
  ledgerRows: number;
  generateSeconds: number;
  queries: { name: string; what: string; medianMillis: number; rows: number }[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A small seeded generator: the same year on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateYear(path: string, end: number): number {
  const random = seeded(50);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
  const placeholderHash = "0".repeat(64);
  const placeholderResponse = "0".repeat(188);
  let sequence = 0;
  db.transaction(() => {
    db.prepare("INSERT INTO merchants (id, name) VALUES (?, ?)").run(MERCHANT, "Bench Merchant");
    const shop = db.prepare("INSERT INTO shops (id, merchant_id, name) VALUES (?, ?, ?)");
    const holder = db.prepare("INSERT INTO holders (id, created_at) VALUES (?, ?)");
    const worker = db.prepare("INSERT INTO workers (id, merchant_id, name, created_at, clocked_in_since) VALUES (?, ?, ?, ?, NULL)");
    const phone = db.prepare("INSERT INTO worker_phones (holder_id, merchant_id, worker_id, linked_at) VALUES (?, ?, ?, ?)");
    for (let s = 0; s < SHOPS; s++) shop.run(`shop-${s}`, MERCHANT, `Shop ${s}`);
    for (let w = 0; w < SHOPS * WORKERS_PER_SHOP; w++) {
      holder.run("w" + hex(w, 31), 0);
      worker.run(hex(w, 16), MERCHANT, `Worker ${w}`, 0);
      phone.run("w" + hex(w, 31), MERCHANT, hex(w, 16), 0);
    }
    const insert = db.prepare(
      `INSERT INTO ledger (sequence, stamp_id, counter, verifier_id, shop_id, merchant_id, purpose, quantity, nonce, challenge_issued_at, accepted_at, response, transport, origin, card_id, previous_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`,
    );
    const start = end - DAYS * DAY_MS;
    for (let day = 0; day < DAYS; day++) {
      const taps: { at: number; shop: number; purpose: number; transport: string; card: string }[] = [];
      for (let s = 0; s < SHOPS; s++) {
        for (let i = 0; i < CUSTOMER_TAPS_PER_SHOP_DAY; i++) taps.push({ at: start + day * DAY_MS + Math.floor(random() * DAY_MS), shop: s, purpose: Purpose.STAMP, transport: "phone", card: hex(Math.floor(random() * CARDS), 32) });
        for (let i = 0; i < STATION_TAPS_PER_SHOP_DAY; i++) taps.push({ at: start + day * DAY_MS + Math.floor(random() * DAY_MS), shop: s, purpose: Purpose.STAMP, transport: "station", card: "" });
        for (let w = 0; w < WORKERS_PER_SHOP; w++) {
          const clockIn = start + day * DAY_MS + (6 + w) * 3_600_000 + Math.floor(random() * 3_600_000);
          const card = "w" + hex(s * WORKERS_PER_SHOP + w, 31);
          taps.push({ at: clockIn, shop: s, purpose: Purpose.CLOCK_IN, transport: "phone", card: card });
          if (random() < 0.97) taps.push({ at: clockIn + 8 * 3_600_000, shop: s, purpose: Purpose.CLOCK_OUT, transport: "phone", card: card });
        }
      }
      taps.sort((a, b) => a.at - b.at);
      for (const tap of taps) {
        sequence += 1;
        insert.run(sequence, hex(tap.shop, 16), sequence, hex(tap.shop, 16), `shop-${tap.shop}`, MERCHANT, tap.purpose, tap.purpose === Purpose.STAMP && tap.transport === "phone" ? 2 : 1, hex(sequence, 32), tap.at, tap.at, placeholderResponse, tap.transport, tap.card, placeholderHash, placeholderHash);
      }
    }
  })();
  db.pragma("optimize");
  db.close();
  return sequence;
}

export async function measureAnalyticsFigures(): Promise<AnalyticsFigures> {
  const dir = mkdtempSync(join(tmpdir(), "stamp-analytics-bench-"));
  const path = join(dir, "stamp.db");
  try {
    await new SqliteStore(path).close();
    const end = Date.now();
    const generating = performance.now();
    const rows = generateYear(path, end);
    const generateSeconds = (performance.now() - generating) / 1000;
    const store = new SqliteStore(path);
    const dayOf = dayInZone("Asia/Seoul");
    if (!dayOf.ok) throw new Error(dayOf.error.message);
    const today = dayOf.value(end);
    const lastDays = (count: number) => daysBetween(dayOf.value(end - (count - 1) * DAY_MS), today, dayOf.value);
    const month = { merchantId: MERCHANT, shopId: undefined, days: lastDays(30) };
    const year = { merchantId: MERCHANT, shopId: undefined, days: lastDays(DAYS) };
    const cases: { name: string; what: string; run: () => Promise<unknown[]> }[] = [
      { name: "daily", what: "30 days, all shops", run: () => store.analytics.dailyTotals(month) },
      { name: "daily", what: "365 days, one shop", run: () => store.analytics.dailyTotals({ ...year, shopId: "shop-7" }) },
      { name: "daily", what: "365 days, all shops", run: () => store.analytics.dailyTotals(year) },
      { name: "frequency", what: "30 days, all shops", run: () => store.analytics.visitFrequency(month) },
      { name: "come-back", what: "all time, 8 to 12 stamps, 30 quiet days", run: () => store.analytics.comeBackCards({ merchantId: MERCHANT, minStamps: 8, maxStamps: 12, quietSince: end - 30 * DAY_MS, limit: 1001 }) },
      { name: "attendance", what: "30 days, 150 workers", run: () => store.analytics.attendanceShifts(month, end) },
    ];
    const queries = [];
    for (const each of cases) {
      const times: number[] = [];
      let count = 0;
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        count = (await each.run()).length;
        times.push(performance.now() - started);
      }
      queries.push({ name: each.name, what: each.what, medianMillis: median(times), rows: count });
    }
    await store.close();
    return { ledgerRows: rows, generateSeconds: generateSeconds, queries: queries };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatAnalyticsFigures(figures: AnalyticsFigures): string[] {
  const lines = [
    `## Analytics on a year of taps (SQLite, ${SHOPS} shops, ${figures.ledgerRows.toLocaleString("en-US")} ledger rows)`,
    "",
    `A year of one merchant's taps written into a fresh store's file (${figures.generateSeconds.toFixed(0)} s, indexes included): ${CUSTOMER_TAPS_PER_SHOP_DAY} phone stamps and ${STATION_TAPS_PER_SHOP_DAY} station stamps per shop and day from ${CARDS.toLocaleString("en-US")} cards, ${WORKERS_PER_SHOP} workers per shop clocking in and out daily. Median of ${RUNS} runs through the store's analytics port; days in Asia/Seoul.`,
    "",
    "| query | scope | median ms | rows |",
    "|---|---|---:|---:|",
    ...figures.queries.map((q) => `| ${q.name} | ${q.what} | ${q.medianMillis.toFixed(1)} | ${q.rows.toLocaleString("en-US")} |`),
  ];
  return lines;
}
