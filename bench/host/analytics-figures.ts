/**
 * Each analytics query's time on a year of taps for a 50-shop merchant, on SQLite and on
 * PostgreSQL in the same run: the same seeded year is written straight into a fresh store of each
 * kind (chain hashes and evidence are placeholders of their real sizes: the queries never read
 * them), then each report runs through the store's analytics port, as the API runs it, a few
 * times; the median is reported. PostgreSQL is the test harness's server (Debian's binaries in a
 * temporary directory); without them its column says so.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Purpose } from "../../shared/protocol-constants";
import { dayInZone, daysBetween } from "../../host/core/analytics/zoned-days";
import { SqliteStore } from "../../host/store/sqlite-store";
import { openStore } from "../../host/store/open-store";
import { LedgerAnalytics } from "../../host/store/analytics-store";
import { Client } from "pg";
import { findPostgresBinaries, startPostgresServer } from "../../test/support/postgres-server";

const SHOPS = 50;
const DAYS = 365;
const CUSTOMER_TAPS_PER_SHOP_DAY = 40;
const STATION_TAPS_PER_SHOP_DAY = 10;
const CARDS = 150_000;
const WORKERS_PER_SHOP = 3;
const RUNS = 3;
const DAY_MS = 86_400_000;
const MERCHANT = "bench-merchant";

/** One store's figures: how long writing the year took, and each query's median. */
export interface StoreAnalyticsFigures {
  generateSeconds: number;
  medianMillis: number[];
  rows: number[];
}

export interface AnalyticsFigures {
  ledgerRows: number;
  queries: { name: string; what: string }[];
  sqlite: StoreAnalyticsFigures;
  /** Why PostgreSQL was not measured (no binaries), or its figures and version. */
  postgres: (StoreAnalyticsFigures & { version: string }) | { missing: string };
}

/** Rows per multi-row INSERT on PostgreSQL: a few MB of parameters per statement. */
const POSTGRES_BATCH = 5_000;

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

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const PLACEHOLDER_HASH = "0".repeat(64);
const PLACEHOLDER_RESPONSE = "0".repeat(188);

/** A ledger row as the queries read it: [sequence, stamp_id, counter, verifier_id, shop_id, merchant_id, purpose, quantity, nonce, challenge_issued_at, accepted_at, response, transport, card_id, previous_hash, hash]. */
type LedgerRow = [number, string, number, string, string, string, number, number, string, number, number, string, string, string, string, string];

/** What a store needs besides the ledger: the shops, and the workers with their linked phones (holder id, worker id). */
const SHOP_IDS = Array.from({ length: SHOPS }, (_, s) => `shop-${s}`);
const WORKER_PHONES = Array.from({ length: SHOPS * WORKERS_PER_SHOP }, (_, w) => ({ holderId: "w" + hex(w, 31), workerId: hex(w, 16), name: `Worker ${w}` }));

/** The seeded year, one day's rows at a time, in sequence order; the same rows for both stores. */
function* yearOfRows(end: number): Generator<LedgerRow[]> {
  const random = seeded(50);
  let sequence = 0;
  const start = end - DAYS * DAY_MS;
  for (let day = 0; day < DAYS; day++) {
    const taps: { at: number; shop: number; purpose: number; transport: string; card: string }[] = [];
    for (let s = 0; s < SHOPS; s++) {
      for (let i = 0; i < CUSTOMER_TAPS_PER_SHOP_DAY; i++) taps.push({ at: start + day * DAY_MS + Math.floor(random() * DAY_MS), shop: s, purpose: Purpose.STAMP, transport: "phone", card: hex(Math.floor(random() * CARDS), 32) });
      for (let i = 0; i < STATION_TAPS_PER_SHOP_DAY; i++) taps.push({ at: start + day * DAY_MS + Math.floor(random() * DAY_MS), shop: s, purpose: Purpose.STAMP, transport: "station", card: "" });
      for (let w = 0; w < WORKERS_PER_SHOP; w++) {
        const clockIn = start + day * DAY_MS + (6 + w) * 3_600_000 + Math.floor(random() * 3_600_000);
        const card = WORKER_PHONES[s * WORKERS_PER_SHOP + w].holderId;
        taps.push({ at: clockIn, shop: s, purpose: Purpose.CLOCK_IN, transport: "phone", card: card });
        if (random() < 0.97) taps.push({ at: clockIn + 8 * 3_600_000, shop: s, purpose: Purpose.CLOCK_OUT, transport: "phone", card: card });
      }
    }
    taps.sort((a, b) => a.at - b.at);
    yield taps.map((tap) => {
      sequence += 1;
      const quantity = tap.purpose === Purpose.STAMP && tap.transport === "phone" ? 2 : 1;
      return [sequence, hex(tap.shop, 16), sequence, hex(tap.shop, 16), `shop-${tap.shop}`, MERCHANT, tap.purpose, quantity, hex(sequence, 32), tap.at, tap.at, PLACEHOLDER_RESPONSE, tap.transport, tap.card, PLACEHOLDER_HASH, PLACEHOLDER_HASH];
    });
  }
}

const LEDGER_COLUMNS = "sequence, stamp_id, counter, verifier_id, shop_id, merchant_id, purpose, quantity, nonce, challenge_issued_at, accepted_at, response, transport, card_id, previous_hash, hash";

function generateSqliteYear(path: string, end: number): number {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  let rows = 0;
  db.transaction(() => {
    db.prepare("INSERT INTO merchants (id, name) VALUES (?, ?)").run(MERCHANT, "Bench Merchant");
    const shop = db.prepare("INSERT INTO shops (id, merchant_id, name) VALUES (?, ?, ?)");
    const holder = db.prepare("INSERT INTO holders (id, created_at) VALUES (?, ?)");
    const worker = db.prepare("INSERT INTO workers (id, merchant_id, name, created_at, clocked_in_since) VALUES (?, ?, ?, ?, NULL)");
    const phone = db.prepare("INSERT INTO worker_phones (holder_id, merchant_id, worker_id, linked_at) VALUES (?, ?, ?, ?)");
    SHOP_IDS.forEach((id, s) => shop.run(id, MERCHANT, `Shop ${s}`));
    for (const w of WORKER_PHONES) {
      holder.run(w.holderId, 0);
      worker.run(w.workerId, MERCHANT, w.name, 0);
      phone.run(w.holderId, MERCHANT, w.workerId, 0);
    }
    const insert = db.prepare(`INSERT INTO ledger (${LEDGER_COLUMNS}, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')`);
    for (const day of yearOfRows(end)) {
      for (const row of day) insert.run(...row);
      rows += day.length;
    }
  })();
  db.pragma("optimize");
  db.close();
  return rows;
}

/** The PostgreSQL type of each ledger column, for the arrays unnest() turns into rows. */
const POSTGRES_ARRAY_TYPES = ["bigint", "text", "bigint", "text", "text", "text", "int", "int", "text", "bigint", "bigint", "text", "text", "text", "text", "text"];

/**
 * The same year on PostgreSQL: multi-row INSERTs of POSTGRES_BATCH rows (one array parameter per
 * column, unnest()), in one transaction, the plain indexes built after the rows; then VACUUM ANALYZE, as autovacuum would leave a table
 * that has settled (its visibility map lets the covering indexes answer without the table).
 */
async function generatePostgresYear(url: string, end: number): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  let rows = 0;
  try {
    await client.query("BEGIN");
    await client.query("INSERT INTO merchants (id, name) VALUES ($1, $2)", [MERCHANT, "Bench Merchant"]);
    await client.query("INSERT INTO shops (id, merchant_id, name) SELECT id, $2, 'Shop ' || (n - 1) FROM unnest($1::text[]) WITH ORDINALITY AS s(id, n)", [SHOP_IDS, MERCHANT]);
    const holders = WORKER_PHONES.map((w) => w.holderId);
    const workers = WORKER_PHONES.map((w) => w.workerId);
    await client.query("INSERT INTO holders (id, created_at) SELECT unnest($1::text[]), 0", [holders]);
    await client.query("INSERT INTO workers (id, merchant_id, name, created_at) SELECT unnest($1::text[]), $2, unnest($3::text[]), 0", [workers, MERCHANT, WORKER_PHONES.map((w) => w.name)]);
    await client.query("INSERT INTO worker_phones (holder_id, merchant_id, worker_id, linked_at) SELECT unnest($1::text[]), $2, unnest($3::text[]), 0", [holders, MERCHANT, workers]);
    // The ledger's plain indexes (not its constraints) are dropped for the load and built again
    // from their own definitions after it: one sort per index instead of a million insertions.
    const indexes = await client.query<{ indexname: string; indexdef: string }>(
      "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'ledger' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
    );
    for (const index of indexes.rows) await client.query(`DROP INDEX ${index.indexname}`);
    const unnest = POSTGRES_ARRAY_TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(", ");
    const insert = `INSERT INTO ledger (${LEDGER_COLUMNS}) SELECT * FROM unnest(${unnest})`;
    let batch: LedgerRow[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const columns = POSTGRES_ARRAY_TYPES.map((_, i) => batch.map((row) => row[i]));
      await client.query(insert, columns);
      rows += batch.length;
      batch = [];
    };
    for (const day of yearOfRows(end)) {
      for (const row of day) {
        batch.push(row);
        if (batch.length === POSTGRES_BATCH) await flush();
      }
    }
    await flush();
    for (const index of indexes.rows) await client.query(index.indexdef);
    await client.query("COMMIT");
    await client.query("VACUUM (ANALYZE) ledger");
  } finally {
    await client.end();
  }
  return rows;
}

interface QueryCase {
  name: string;
  what: string;
  run: (analytics: LedgerAnalytics) => Promise<unknown[]>;
}

function queryCases(end: number): QueryCase[] {
  const dayOf = dayInZone("Asia/Seoul");
  if (!dayOf.ok) throw new Error(dayOf.error.message);
  const today = dayOf.value(end);
  const lastDays = (count: number) => daysBetween(dayOf.value(end - (count - 1) * DAY_MS), today, dayOf.value);
  const month = { merchantId: MERCHANT, shopId: undefined, days: lastDays(30) };
  const year = { merchantId: MERCHANT, shopId: undefined, days: lastDays(DAYS) };
  return [
    { name: "daily", what: "30 days, all shops", run: (a) => a.dailyTotals(month) },
    { name: "daily", what: "365 days, one shop", run: (a) => a.dailyTotals({ ...year, shopId: "shop-7" }) },
    { name: "daily", what: "365 days, all shops", run: (a) => a.dailyTotals(year) },
    { name: "frequency", what: "30 days, all shops", run: (a) => a.visitFrequency(month) },
    { name: "come-back", what: "all time, 8 to 12 stamps, 30 quiet days", run: (a) => a.comeBackCards({ merchantId: MERCHANT, minStamps: 8, maxStamps: 12, quietSince: end - 30 * DAY_MS, limit: 1001 }) },
    { name: "attendance", what: "30 days, 150 workers", run: (a) => a.attendanceShifts(month, end) },
  ];
}

/** Each case RUNS times on the store's analytics port: the medians and the rows each answered. */
async function timeQueries(analytics: LedgerAnalytics, cases: QueryCase[]): Promise<{ medianMillis: number[]; rows: number[] }> {
  const medianMillis: number[] = [];
  const rows: number[] = [];
  for (const each of cases) {
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      count = (await each.run(analytics)).length;
      times.push(performance.now() - started);
    }
    medianMillis.push(median(times));
    rows.push(count);
  }
  return { medianMillis, rows };
}

async function measureSqlite(end: number, cases: QueryCase[]): Promise<StoreAnalyticsFigures & { ledgerRows: number }> {
  const dir = mkdtempSync(join(tmpdir(), "stamp-analytics-bench-"));
  const path = join(dir, "stamp.db");
  try {
    await new SqliteStore(path).close();
    const generating = performance.now();
    const ledgerRows = generateSqliteYear(path, end);
    const generateSeconds = (performance.now() - generating) / 1000;
    const store = new SqliteStore(path);
    try {
      return { ledgerRows, generateSeconds, ...(await timeQueries(store.analytics, cases)) };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measurePostgres(end: number, cases: QueryCase[]): Promise<(StoreAnalyticsFigures & { version: string; ledgerRows: number }) | { missing: string }> {
  const found = findPostgresBinaries();
  if ("missing" in found) return found;
  const server = await startPostgresServer();
  try {
    const url = await server.createDatabase();
    // Opening the store makes its tables and indexes, as on any new database.
    await (await openStore(url)).close();
    const generating = performance.now();
    const ledgerRows = await generatePostgresYear(url, end);
    const generateSeconds = (performance.now() - generating) / 1000;
    const store = await openStore(url);
    try {
      const client = new Client({ connectionString: url });
      await client.connect();
      const version = ((await client.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "?").split(" ")[0];
      await client.end();
      return { ledgerRows, generateSeconds, version, ...(await timeQueries(store.analytics, cases)) };
    } finally {
      await store.close();
    }
  } finally {
    await server.stop();
  }
}

export async function measureAnalyticsFigures(): Promise<AnalyticsFigures> {
  const end = Date.now();
  const cases = queryCases(end);
  const sqlite = await measureSqlite(end, cases);
  const postgres = await measurePostgres(end, cases);
  if (!("missing" in postgres) && postgres.ledgerRows !== sqlite.ledgerRows) throw new Error(`the stores got different years: ${sqlite.ledgerRows} and ${postgres.ledgerRows} rows`);
  return { ledgerRows: sqlite.ledgerRows, queries: cases.map((c) => ({ name: c.name, what: c.what })), sqlite: sqlite, postgres: postgres };
}

export function formatAnalyticsFigures(figures: AnalyticsFigures): string[] {
  const pg = figures.postgres;
  const measured = "missing" in pg ? undefined : pg;
  const missing = "missing" in pg ? pg.missing : "";
  const lines = [
    `## Analytics on a year of taps (${SHOPS} shops, ${figures.ledgerRows.toLocaleString("en-US")} ledger rows; SQLite and PostgreSQL)`,
    "",
    `A year of one merchant's taps written into a fresh store (indexes included): ${CUSTOMER_TAPS_PER_SHOP_DAY} phone stamps and ${STATION_TAPS_PER_SHOP_DAY} station stamps per shop and day from ${CARDS.toLocaleString("en-US")} cards, ${WORKERS_PER_SHOP} workers per shop clocking in and out daily; the same seeded rows on both stores, in the same run. Median of ${RUNS} runs through the store's analytics port; days in Asia/Seoul.`,
    "",
    `SQLite: the file written in one transaction (${figures.sqlite.generateSeconds.toFixed(0)} s). ` +
      (measured === undefined
        ? `PostgreSQL: not measured (${missing}).`
        : `PostgreSQL ${measured.version}: the test harness's server on the same machine (fsync off: it only changes how long the load takes), multi-row INSERTs of ${POSTGRES_BATCH.toLocaleString("en-US")} rows in one transaction, the plain indexes rebuilt after them from their own definitions, then VACUUM ANALYZE (${measured.generateSeconds.toFixed(0)} s).`),
    "",
    "| query | scope | SQLite median ms | PostgreSQL median ms | rows |",
    "|---|---|---:|---:|---:|",
    ...figures.queries.map((q, i) => {
      const rows = figures.sqlite.rows[i];
      const pgRows = measured?.rows[i];
      // The stores must agree; a disagreement is shown, not hidden.
      const rowText = pgRows === undefined || pgRows === rows ? rows.toLocaleString("en-US") : `${rows.toLocaleString("en-US")} (PostgreSQL: ${pgRows.toLocaleString("en-US")})`;
      return `| ${q.name} | ${q.what} | ${figures.sqlite.medianMillis[i].toFixed(1)} | ${measured === undefined ? "-" : measured.medianMillis[i].toFixed(1)} | ${rowText} |`;
    }),
  ];
  return lines;
}
