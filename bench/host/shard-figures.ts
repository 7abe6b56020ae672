/**
 * Partitioning by merchant, measured (docs/scale.md, "Beyond one database server"): taps per
 * second of two merchants tapping at once, at the same total concurrency, in three layouts on
 * one PostgreSQL server:
 * - both merchants on one database, through one host (one store);
 * - both on one database, each merchant through a host of its own (two stores: two pools, and
 *   two batches of taps where the store batches them), as a deployment scaled out to more hosts;
 * - each merchant on its own database (a shard, placed by host/store/merchant-placement.ts),
 *   each through a host of its own.
 * The last two differ only in the database's one ledger chain: every ledger append holds its
 * database's chain lock until its COMMIT has been flushed, so on one database the hosts' appends
 * wait for each other, and on two shards they do not.
 *
 * The server is durable as shipped (fsync and synchronous commit on: bench/load/durable-postgres.ts),
 * because what the lock makes everyone wait for is the disk. Taps go through the core's tap path
 * in this process (a challenge issued for the counter's verifier, the stamp's signed answer,
 * submitTap: the decision and its commit), without HTTP, so that the figure is the store's and
 * not this 2-core machine's HTTP and request-signature CPU. Each concurrent caller is one counter
 * (its own verifier, station key and stamp), half of them at each merchant; after a short
 * unmeasured warm-up of each, the layouts are measured in turn, three times, each turn for
 * `seconds`, and the median of each is given.
 *
 * `npx tsx bench/host/shard-figures.ts [--seconds N]` prints the section; measureShardFigures and
 * formatShardFigures are for a caller writing BENCHMARKS.md.
 */
import { pathToFileURL } from "node:url";
import { authenticateToken, bootstrapOperator, issueToken } from "../../host/core/access/credentials";
import { issueChallenge } from "../../host/core/challenge-service";
import { addMerchant, addShop, addVerifier } from "../../host/core/registry";
import { approveFirmware } from "../../host/core/stamp-registration";
import { submitTap } from "../../host/core/tap-verifier";
import { placeMerchant } from "../../host/store/merchant-placement";
import { openStore } from "../../host/store/open-store";
import { Store } from "../../host/store/store";
import { Purpose } from "../../shared/protocol-constants";
import { EnrolledStation, enrolTestStation, must, registerTestStamp, TEST_FIRMWARE_HASH, TestStamp } from "../../test/support/test-world";
import { startDurablePostgres } from "../load/durable-postgres";

const SHARDS = ["shard-1", "shard-2"] as const;
const DEFAULT_SECONDS = 4;
/** Each layout taps this long first, unmeasured: connections opened, caches warm. */
const WARM_UP_SECONDS = 1;
const DEFAULT_CONCURRENCY = 8;
/** Each layout is measured this many times, the two alternating, so that the machine's drift falls on both. */
const ROUNDS = 3;

interface Counter {
  store: Store;
  station: EnrolledStation;
  stamp: TestStamp;
}

const LAYOUTS = ["one database, one host", "one database, two hosts", "two shards, a host each"] as const;
type Layout = (typeof LAYOUTS)[number];

export interface ShardRun {
  layout: Layout;
  round: number;
  taps: number;
  seconds: number;
  tapsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ShardFigures {
  concurrency: number;
  merchants: { id: string; shard: string }[];
  runs: ShardRun[];
}

/** The first of merchant-0001, merchant-0002, … that the placement puts on `shard`. */
function merchantPlacedOn(shard: string): string {
  for (let i = 1; ; i++) {
    const id = `merchant-${String(i).padStart(4, "0")}`;
    if (placeMerchant(id, SHARDS) === shard) return id;
  }
}

/** Makes `merchantIds` on the store (operator, firmware, each merchant's owner, shop and flasher) with `counters` counters each. */
async function makeMerchants(store: Store, merchantIds: readonly string[], counters: number): Promise<Counter[]> {
  const now = Date.now();
  const operator = must(await authenticateToken(store, must(await bootstrapOperator(store, "operator", now)).token, now));
  must(await approveFirmware(store, operator, { hash: TEST_FIRMWARE_HASH, label: "bench firmware" }, now));
  const made: Counter[] = [];
  for (const merchantId of merchantIds) {
    must(await addMerchant(store, operator, { id: merchantId, name: merchantId }, now));
    const owner = must(await authenticateToken(store, must(await issueToken(store, operator, { role: "owner", merchantId: merchantId, label: "owner" }, now)).token, now));
    const shopId = `${merchantId}-main`;
    must(await addShop(store, owner, { id: shopId, merchantId: merchantId, name: shopId }, now));
    const flasher = await enrolTestStation(store, owner, "flashing-station", { merchantId: merchantId }, now);
    for (let n = 0; n < counters; n++) {
      const verifier = must(await addVerifier(store, owner, { shopId: shopId, label: `counter ${n}`, requirePresence: true, purpose: Purpose.STAMP, quantity: 1 }, now));
      const station = await enrolTestStation(store, owner, "counter-station", { verifierId: verifier.id }, now);
      const stamp = new TestStamp();
      await registerTestStamp(store, flasher.principal, stamp, { label: `stamp ${n}`, merchantId: merchantId, shopIds: [shopId] }, now);
      made.push({ store: store, station: station, stamp: stamp });
    }
  }
  return made;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Every counter taps in a closed loop for `seconds`; every verdict must be ACCEPTED. */
async function tapFor(counters: readonly Counter[], seconds: number): Promise<{ taps: number; seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    counters.map(async (counter) => {
      while (performance.now() < end) {
        const begun = performance.now();
        const challenge = must(await issueChallenge(counter.store, counter.station.principal, Date.now()));
        const verdict = await submitTap(counter.store, counter.station.principal, counter.stamp.answer(challenge.bytes), Date.now());
        if (verdict.reason !== "ACCEPTED") throw new Error(`a tap was refused: ${verdict.reason} ${verdict.message}`);
        latencies.push(performance.now() - begun);
      }
    }),
  );
  return { taps: latencies.length, seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

export async function measureShardFigures(options: { seconds?: number; concurrency?: number } = {}): Promise<ShardFigures | { missing: string }> {
  const seconds = options.seconds ?? DEFAULT_SECONDS;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (concurrency % 2 !== 0) throw new RangeError("the concurrency is split between two merchants: it must be even");
  const server = await startDurablePostgres();
  if ("missing" in server) return server;
  const stores: Store[] = [];
  try {
    const merchants = SHARDS.map((shard) => ({ id: merchantPlacedOn(shard), shard: shard }));
    const open = async (name: string): Promise<Store> => {
      const store = await openStore(await server.createDatabase(name));
      stores.push(store);
      return store;
    };
    const perMerchant = concurrency / 2;
    const oneUrl = await server.createDatabase("one_database");
    const oneStore = await openStore(oneUrl);
    stores.push(oneStore);
    const one = await makeMerchants(oneStore, merchants.map((m) => m.id), perMerchant);
    // A second store on the same database, as a second host process: it has its own pool and its
    // own batch of taps, so the two meet only in PostgreSQL, at the database's one chain lock.
    const secondStore = await openStore(oneUrl);
    stores.push(secondStore);
    const twoHosts = one.map((counter, i) => (i < perMerchant ? counter : { ...counter, store: secondStore }));
    const sharded: Counter[] = [];
    for (const merchant of merchants) sharded.push(...(await makeMerchants(await open(merchant.shard.replace("-", "_")), [merchant.id], perMerchant)));
    const layouts: [Layout, Counter[]][] = [
      ["one database, one host", one],
      ["one database, two hosts", twoHosts],
      ["two shards, a host each", sharded],
    ];
    for (const [, counters] of layouts) await tapFor(counters, WARM_UP_SECONDS);
    const runs: ShardRun[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [layout, counters] of layouts) {
        const run = await tapFor(counters, seconds);
        runs.push({ layout: layout, round: round, taps: run.taps, seconds: run.seconds, tapsPerSecond: run.taps / run.seconds, p50Ms: quantile(run.latencies, 0.5), p99Ms: quantile(run.latencies, 0.99) });
      }
    }
    return { concurrency: concurrency, merchants: merchants, runs: runs };
  } finally {
    for (const store of stores) await store.close();
    server.stop();
  }
}

export function formatShardFigures(figures: ShardFigures | { missing: string }): string[] {
  if ("missing" in figures) return ["## Partitioning by merchant: one database against two shards (PostgreSQL)", "", `Not measured: ${figures.missing}.`, ""];
  const median = (layout: ShardRun["layout"]) => {
    const rates = figures.runs.filter((run) => run.layout === layout).map((run) => run.tapsPerSecond).sort((x, y) => x - y);
    return rates[Math.floor(rates.length / 2)];
  };
  return [
    "## Partitioning by merchant: one database against two shards (PostgreSQL)",
    "",
    `Two merchants (${figures.merchants.map((m) => `${m.id} placed on ${m.shard}`).join(", ")}) tap at once, ${figures.concurrency / 2} counters each (concurrency ${figures.concurrency}), each counter a closed loop of a challenge, the stamp's signed answer and submitTap through the core (no HTTP). One PostgreSQL server (fsync and synchronous commit on); the layouts alternate after a warm-up: both merchants on one database through one host (store), then through a host each, then each merchant on its own database (shard) through a host each.`,
    "",
    "| layout | round | taps | taps/s | tap p50 / p99 ms |",
    "|---|---:|---:|---:|---:|",
    ...figures.runs.map((run) => `| ${run.layout} | ${run.round} | ${run.taps} | ${run.tapsPerSecond.toFixed(0)} | ${run.p50Ms.toFixed(1)} / ${run.p99Ms.toFixed(1)} |`),
    "",
    `Median of each: ${LAYOUTS.map((layout) => `${layout} ${median(layout).toFixed(0)} taps/s`).join("; ")}.`,
    "",
  ];
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seconds = option("--seconds");
  for (const line of formatShardFigures(await measureShardFigures({ seconds: seconds === undefined ? undefined : Number(seconds) }))) console.log(line);
}
