/**
 * Taps under load (issue 14, "throughput"), measured in one run against the single-core
 * signature check they are judged by:
 *
 * - the raw verify rate: Ed25519 strict verification (S < L and canonical R, then node:crypto)
 *   of one tap response with a prepared key object, in a loop on one core; node:crypto alone and
 *   with the key object built on every call, for comparison;
 * - end to end: the host as `stamp serve` builds it (bench/load/load-server.ts, its own process)
 *   on SQLite (a file on disk, as the store opens it: WAL, synchronous=FULL) and on PostgreSQL
 *   (a server with fsync and synchronous commit on, durable-postgres.ts), driven over loopback
 *   HTTP by counter stations signing their requests (RFC 9421), each with its own verifier and
 *   stamp: POST /v1/challenges, the stamp's answer, POST /v1/taps, every verdict ACCEPTED.
 *   Closed loop at concurrency 1, 8 and 32 (each client waits for its verdict, then starts
 *   again): taps/s, p50/p99 of the whole round and of POST /v1/taps alone; then an open loop at
 *   half the best rate (taps started on a fixed schedule, latency counted from the scheduled
 *   start, so a queue shows up in it) for the goal's "p99 at half the maximum load".
 *
 * The client runs in this process, the server in another: on a 2-core machine the client's
 * signing (two request signatures and the stamp's per tap) has the other core, shared with
 * PostgreSQL's own processes where that is the store.
 */
import { createPublicKey, KeyObject, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { decodeChallenge } from "../../shared/challenge";
import { toHex } from "../../shared/hex";
import { tapSignedMessage } from "../../shared/signed-message";
import { decodeTapResponse } from "../../shared/tap-response";
import { ApiClient } from "../../host/client/api-client";
import { httpTransport } from "../../host/client/transports";
import { publicKeyObject, verifyStrict } from "../../host/crypto/ed25519-strict";
import { TestStamp } from "../../test/support/test-world";
import { startDurablePostgres } from "./durable-postgres";
import { Lane, makeLoadWorld } from "./load-world";
import { Ceiling, ceilingOf, CeilingInputs, measureHttpFloor, measureSignRate } from "./machine-ceiling";
import { cpuSeconds, ServerProcess, startServerProcess } from "./server-process";

/** A key object built from the raw key on every call, bypassing publicKeyObject's cache: what the tap path paid before it. */
function uncachedKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), publicKey]), format: "der", type: "spki" });
}

export const CONCURRENCIES = [1, 8, 32] as const;
const LANES = Math.max(...CONCURRENCIES);
/** The issue's goal: end-to-end taps/s at least this share of the single-core verify rate (stretch: 1.0). */
export const GOAL_RATIO = 0.5;
/** ...and POST /v1/taps's p99 at most this, at half the maximum load. */
export const GOAL_P99_MS = 20;
/** Taps before the measured runs of each server: its code compiled hot, its connections open. */
const WARM_UP_TAPS = 200;
const VERIFY_ROUNDS = 3;
/** The PostgreSQL series is run again with this many server processes (`stamp serve --workers`). */
const WORKER_PROCESSES = 2;

export interface LoadOptions {
  /** Seconds of each measured run (each concurrency, and the half-load run). */
  seconds: number;
  /** Seconds of each verify-rate measurement (three interleaved loops, the best kept). */
  verifySeconds: number;
  stores: readonly ("sqlite" | "postgres")[];
}

export interface VerifyRates {
  strictPerSecond: number;
  plainPerSecond: number;
  keyEachCallPerSecond: number;
}

export interface LoadRun {
  concurrency: number;
  taps: number;
  tapsPerSecond: number;
  roundP50: number;
  roundP99: number;
  tapP50: number;
  tapP99: number;
  /** The server process's CPU time over the run's wall time, in % of one core (PostgreSQL's processes not included). */
  serverCpuPercent: number;
}

export interface HalfLoadRun {
  targetPerSecond: number;
  achievedPerSecond: number;
  taps: number;
  /** From the scheduled start to the verdict: queueing in the client included. */
  roundP50: number;
  roundP99: number;
  tapP50: number;
  tapP99: number;
  serverCpuPercent: number;
}

export interface StoreLoad {
  store: "sqlite" | "postgres";
  /** What the store was, in words (version, durability). */
  about: string;
  /** Server processes on the one port (`stamp serve --workers`). */
  processes: number;
  runs: LoadRun[];
  halfLoad: HalfLoadRun;
}

export interface LoadFigures {
  options: LoadOptions;
  verify: VerifyRates;
  /** What the protocol's own work (verifies, signatures, bare HTTP) allows on this machine at most. */
  ceiling: { inputs: CeilingInputs; limit: Ceiling };
  stores: StoreLoad[];
  /** Stores that could not be measured, and why. */
  missing: string[];
  /** The 1-minute load average when the run began and ended (2 cores: 2.0 is full). */
  loadBefore: number;
  loadAfter: number;
}

/** Calls of `work` per second over about `seconds`, checking the clock every 256 calls. */
function ratePerSecond(seconds: number, work: () => void): number {
  const until = performance.now() + seconds * 1000;
  let calls = 0;
  const started = performance.now();
  while (performance.now() < until) for (let i = 0; i < 256; i++, calls++) work();
  return calls / ((performance.now() - started) / 1000);
}

/** The verify rates over one tap response to `challengeBytes` (a challenge the host issued). */
export function measureVerifyRates(seconds: number, challengeBytes: Uint8Array): VerifyRates {
  const stamp = new TestStamp();
  const challenge = decodeChallenge(challengeBytes);
  const response = decodeTapResponse(stamp.answer(challengeBytes));
  if (!challenge.ok || !response.ok) throw new Error("bench challenge or tap response did not decode");
  const message = tapSignedMessage(challenge.value, response.value.stampId, response.value.counter, response.value.flags);
  const signature = response.value.signature;
  const key = publicKeyObject(stamp.publicKey);
  if (!verifyStrict(key, message, signature)) throw new Error("bench signature did not verify");
  // Three short loops of each, interleaved, the best kept: a capability, least disturbed by whatever else the machine runs.
  const rates = { strictPerSecond: 0, plainPerSecond: 0, keyEachCallPerSecond: 0 };
  for (let round = 0; round < VERIFY_ROUNDS; round++) {
    rates.strictPerSecond = Math.max(rates.strictPerSecond, ratePerSecond(seconds / VERIFY_ROUNDS, () => verifyStrict(key, message, signature)));
    rates.plainPerSecond = Math.max(rates.plainPerSecond, ratePerSecond(seconds / VERIFY_ROUNDS, () => verify(null, message, key, signature)));
    rates.keyEachCallPerSecond = Math.max(rates.keyEachCallPerSecond, ratePerSecond(seconds / VERIFY_ROUNDS, () => verifyStrict(uncachedKeyObject(stamp.publicKey), message, signature)));
  }
  return rates;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The CPU seconds of every process serving (the workers, when there are several). */
function servingCpuSeconds(server: ServerProcess): number {
  return server.servingPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

interface Client {
  lane: Lane;
  api: ApiClient;
}

/** One challenge + tap; the times (ms) of the whole round and of POST /v1/taps alone. */
async function tapOnce(client: Client): Promise<{ round: number; tap: number }> {
  const started = performance.now();
  const issued = await client.api.request("POST", "/v1/challenges");
  if (issued.status !== 201) throw new Error(`challenge refused: ${issued.status} ${JSON.stringify(issued.body)}`);
  const answer = client.lane.stamp.answer(Uint8Array.from(Buffer.from((issued.body as { challenge: string }).challenge, "hex")));
  const sent = performance.now();
  const verdict = await client.api.request("POST", "/v1/taps", { response: toHex(answer) });
  if ((verdict.body as { reason?: string }).reason !== "ACCEPTED") throw new Error(`bench tap refused: ${verdict.status} ${JSON.stringify(verdict.body)}`);
  const done = performance.now();
  return { round: done - started, tap: done - sent };
}

/** `concurrency` clients, each tapping again as soon as its verdict came, for `seconds`. */
async function closedLoop(server: ServerProcess, clients: Client[], concurrency: number, seconds: number): Promise<LoadRun> {
  const rounds: number[] = [];
  const taps: number[] = [];
  const cpuBefore = servingCpuSeconds(server);
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    clients.slice(0, concurrency).map(async (client) => {
      while (performance.now() < until) {
        const time = await tapOnce(client);
        rounds.push(time.round);
        taps.push(time.tap);
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const cpu = servingCpuSeconds(server) - cpuBefore;
  rounds.sort((a, b) => a - b);
  taps.sort((a, b) => a - b);
  return {
    concurrency: concurrency,
    taps: rounds.length,
    tapsPerSecond: rounds.length / wall,
    roundP50: percentile(rounds, 50),
    roundP99: percentile(rounds, 99),
    tapP50: percentile(taps, 50),
    tapP99: percentile(taps, 99),
    serverCpuPercent: (100 * cpu) / wall,
  };
}

/**
 * Taps started on a fixed schedule, `perSecond`, by whichever client is free; a tap whose client
 * is not free yet waits for one, and its latency counts from its scheduled start.
 */
async function openLoop(server: ServerProcess, clients: Client[], perSecond: number, seconds: number): Promise<HalfLoadRun> {
  const rounds: number[] = [];
  const taps: number[] = [];
  const free = [...clients];
  const waiting: ((client: Client) => void)[] = [];
  const take = () => new Promise<Client>((resolve) => (free.length > 0 ? resolve(free.pop() as Client) : waiting.push(resolve)));
  const give = (client: Client) => {
    const next = waiting.shift();
    if (next === undefined) free.push(client);
    else next(client);
  };
  const total = Math.max(1, Math.round(perSecond * seconds));
  const cpuBefore = servingCpuSeconds(server);
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = started + (i * 1000) / perSecond;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(
      take().then(async (client) => {
        const time = await tapOnce(client);
        rounds.push(performance.now() - scheduled);
        taps.push(time.tap);
        give(client);
      }),
    );
  }
  await Promise.all(running);
  const wall = (performance.now() - started) / 1000;
  const cpu = servingCpuSeconds(server) - cpuBefore;
  rounds.sort((a, b) => a - b);
  taps.sort((a, b) => a - b);
  return {
    targetPerSecond: perSecond,
    achievedPerSecond: total / wall,
    taps: total,
    roundP50: percentile(rounds, 50),
    roundP99: percentile(rounds, 99),
    tapP50: percentile(taps, 50),
    tapP99: percentile(taps, 99),
    serverCpuPercent: (100 * cpu) / wall,
  };
}

/** The whole series on one database: warm-up, closed loops, the half-load open loop. */
async function measureStore(store: "sqlite" | "postgres", location: string, about: string, seconds: number, processes = 1): Promise<StoreLoad> {
  const lanes = await makeLoadWorld(location, LANES);
  // STAMP_LOAD_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (docs/scale.md reads one with profile-summary.ts).
  const profile = process.env.STAMP_LOAD_CPU_PROF;
  const profiling = profile === undefined || profile === "" ? [] : ["--cpu-prof", `--cpu-prof-dir=${profile}`];
  const server = await startServerProcess("bench/load/load-server.ts", [location, String(processes)], profiling);
  const clients = lanes.map((lane) => ({ lane: lane, api: new ApiClient(httpTransport(server.url), { kind: "station", keyId: lane.station.keyId, privateKey: lane.station.key.privateKey }) }));
  try {
    const warm = clients.slice(0, 8);
    await Promise.all(warm.map(async (client) => {
      for (let i = 0; i < WARM_UP_TAPS / warm.length; i++) await tapOnce(client);
    }));
    const runs: LoadRun[] = [];
    for (const concurrency of CONCURRENCIES) runs.push(await closedLoop(server, clients, concurrency, seconds));
    const best = Math.max(...runs.map((run) => run.tapsPerSecond));
    const halfLoad = await openLoop(server, clients, best / 2, seconds);
    return { store: store, about: about, processes: processes, runs: runs, halfLoad: halfLoad };
  } finally {
    for (const client of clients) await client.api.close();
    await server.stop();
  }
}

export async function measureLoadFigures(options: LoadOptions): Promise<LoadFigures> {
  const loadBefore = loadavg()[0];
  const verifyRates = measureVerifyRates(options.verifySeconds, await realChallenge());
  const inputs: CeilingInputs = {
    verifyPerSecond: verifyRates.strictPerSecond,
    signPerSecond: measureSignRate(options.verifySeconds, VERIFY_ROUNDS),
    floor: await measureHttpFloor(options.seconds),
    cores: availableParallelism(),
  };
  const stores: StoreLoad[] = [];
  const missing: string[] = [];
  if (options.stores.includes("sqlite")) {
    const dir = mkdtempSync(join(tmpdir(), "stamp-load-"));
    try {
      stores.push(await measureStore("sqlite", join(dir, "stamp.db"), "a file on disk, WAL, synchronous=FULL", options.seconds));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (options.stores.includes("postgres")) {
    const server = await startDurablePostgres();
    if ("missing" in server) missing.push(`PostgreSQL: ${server.missing}`);
    else {
      try {
        const url = await server.createDatabase("stamp_load");
        const version = await postgresVersion(url);
        const about = `PostgreSQL ${version} on the same machine, fsync, full_page_writes and synchronous_commit on`;
        stores.push(await measureStore("postgres", url, about, options.seconds));
        // The same on a fresh database, served as `stamp serve --workers 2` serves it.
        stores.push(await measureStore("postgres", await server.createDatabase("stamp_load_workers"), about, options.seconds, WORKER_PROCESSES));
      } finally {
        server.stop();
      }
    }
  }
  return { options: options, verify: verifyRates, ceiling: { inputs: inputs, limit: ceilingOf(inputs) }, stores: stores, missing: missing, loadBefore: loadBefore, loadAfter: loadavg()[0] };
}

async function postgresVersion(url: string): Promise<string> {
  const { Client: PgClient } = await import("pg");
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version.split(" ")[0] ?? "?";
  } finally {
    await client.end();
  }
}

/** A challenge issued by the host's own code on a throwaway SQLite world: the bytes a verify loop signs over. */
async function realChallenge(): Promise<Uint8Array> {
  const { createTestWorld } = await import("../../test/support/test-world");
  const world = await createTestWorld("sqlite");
  try {
    return await world.challengeFor(world.gangnamStation);
  } finally {
    await world.store.close();
    await world.database.discard();
  }
}

const thousands = (value: number) => Math.round(value).toLocaleString("en-US");
const ms = (value: number) => value.toFixed(1);

/** The server's CPU milliseconds per tap: its share of a core over the taps per second. */
function cpuMsPerTap(cpuPercent: number, tapsPerSecond: number): string {
  return ((10 * cpuPercent) / tapsPerSecond).toFixed(2);
}

function formatCeiling(figures: LoadFigures): string[] {
  const { inputs, limit } = figures.ceiling;
  const rate = inputs.verifyPerSecond;
  const us = (seconds: number) => (seconds * 1e6).toFixed(0);
  return [
    `### The ceiling: what the protocol's own work allows on this machine (${inputs.cores} cores)`,
    "",
    "Per tap the protocol needs three Ed25519 verifies in the host (two station request signatures, R11, and the stamp's), three signatures where the stations run (two requests and the stamp's answer: in this bench, this machine), and two HTTP requests (a fresh challenge per press, R3 and R8). Measured in this run; the HTTP floor is a bare Fastify route (bench/load/bare-server.ts: JSON body in, small JSON out, nothing else) driven by the product's HTTP transport at concurrency 32.",
    "",
    "| part | measured | CPU per tap, µs |",
    "|---|---:|---:|",
    `| Ed25519 strict verify, one core | ${thousands(rate)}/s | 3 × ${us(1 / rate)} |`,
    `| Ed25519 sign, one core | ${thousands(inputs.signPerSecond)}/s | 3 × ${us(1 / inputs.signPerSecond)} |`,
    `| bare HTTP request, client + server (${thousands(inputs.floor.requestsPerSecond)} requests/s) | ${us(inputs.floor.clientCpuPerRequest)} + ${us(inputs.floor.serverCpuPerRequest)} µs CPU each | 2 × ${us(inputs.floor.clientCpuPerRequest + inputs.floor.serverCpuPerRequest)} |`,
    `| **per tap, at the least, with the stations on this machine** | | **${us(limit.cpuPerTap)}** |`,
    `| the host's share alone (verifies, its side of the requests) | | ${us(limit.hostCpuPerTap)} |`,
    "",
    `Ceiling here, with no JSON schema, request-signature parsing, database or ledger at all: ${inputs.cores} cores / ${us(limit.cpuPerTap)} µs = **${thousands(limit.tapsPerSecond)} taps/s = ${(limit.tapsPerSecond / rate).toFixed(2)} × the verify rate** (the goal asks ${GOAL_RATIO} ×). A host on ${inputs.cores} cores of its own, with the stations elsewhere: ${thousands(limit.hostTapsPerSecond)} taps/s = ${(limit.hostTapsPerSecond / rate).toFixed(2)} ×.`,
    "",
  ];
}

export function formatLoadFigures(figures: LoadFigures): string[] {
  const rate = figures.verify.strictPerSecond;
  const ceilingRatio = figures.ceiling.limit.tapsPerSecond / rate;
  const lines = [
    "## Taps under load against the single-core verify rate (issue 14; `npm run bench:load`)",
    "",
    `Measured in one run (bench/load/load-figures.ts): ${figures.options.seconds} s per row; 1-minute load average ${figures.loadBefore.toFixed(2)} when it began, ${figures.loadAfter.toFixed(2)} when it ended (2.00 = both cores busy). The host is the server \`stamp serve\` builds (buildServer, rate limits raised, no request log) in its own process; the counter stations are this process: each with its own verifier, station key and stamp, signing every request (RFC 9421), POST /v1/challenges then POST /v1/taps, every verdict ACCEPTED.`,
    "",
    "| Ed25519 verify of one tap response, one core (best of 3 interleaved loops) | per second | µs |",
    "|---|---:|---:|",
    `| strict (S < L, canonical R, then node:crypto), prepared key object: **the reference rate** | ${thousands(rate)} | ${ms(1e6 / rate)} |`,
    `| node:crypto alone, prepared key object | ${thousands(figures.verify.plainPerSecond)} | ${ms(1e6 / figures.verify.plainPerSecond)} |`,
    `| strict, the key object built on every call | ${thousands(figures.verify.keyEachCallPerSecond)} | ${ms(1e6 / figures.verify.keyEachCallPerSecond)} |`,
    "",
    ...formatCeiling(figures),
  ];
  for (const store of figures.stores) {
    const best = Math.max(...store.runs.map((run) => run.tapsPerSecond));
    const ratio = best / rate;
    const half = store.halfLoad;
    lines.push(
      `### ${store.store === "sqlite" ? "SQLite" : "PostgreSQL"}${store.processes > 1 ? `, ${store.processes} server processes as \`stamp serve --workers ${store.processes}\` runs them` : ""} (${store.about})`,
      "",
      ...(store.processes > 1 ? [`A fresh database; the server CPU columns add up all ${store.processes} processes.`, ""] : []),
      "| concurrency | taps | taps/s | × verify rate | round p50 / p99 ms | POST /v1/taps p50 / p99 ms | server CPU (% of a core) | server CPU per tap, ms |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|",
      ...store.runs.map((run) => `| ${run.concurrency} | ${thousands(run.taps)} | ${thousands(run.tapsPerSecond)} | ${(run.tapsPerSecond / rate).toFixed(3)} | ${ms(run.roundP50)} / ${ms(run.roundP99)} | ${ms(run.tapP50)} / ${ms(run.tapP99)} | ${thousands(run.serverCpuPercent)} | ${cpuMsPerTap(run.serverCpuPercent, run.tapsPerSecond)} |`),
      `| half the best rate, open loop: ${thousands(half.targetPerSecond)}/s asked | ${thousands(half.taps)} | ${thousands(half.achievedPerSecond)} | ${(half.achievedPerSecond / rate).toFixed(3)} | ${ms(half.roundP50)} / ${ms(half.roundP99)} (from the scheduled start) | ${ms(half.tapP50)} / ${ms(half.tapP99)} | ${thousands(half.serverCpuPercent)} | ${cpuMsPerTap(half.serverCpuPercent, half.achievedPerSecond)} |`,
      "",
      `Goal (issue 14): taps/s ≥ ${GOAL_RATIO} × the verify rate = ${thousands(GOAL_RATIO * rate)}/s — best here ${thousands(best)}/s = ${ratio.toFixed(3)} ×: **${ratio >= GOAL_RATIO ? "met" : "not met"}**` +
        ` (stretch 1.0 ×: ${ratio >= 1 ? "met" : "not met"})${ceilingRatio < GOAL_RATIO ? `, and out of this machine's reach: its ceiling is ${ceilingRatio.toFixed(2)} ×` : ""}; POST /v1/taps p99 ≤ ${GOAL_P99_MS} ms at half the maximum load — ${ms(half.tapP99)} ms: **${half.tapP99 <= GOAL_P99_MS ? "met" : "not met"}**.`,
      "",
    );
  }
  for (const reason of figures.missing) lines.push(`Not measured: ${reason}.`, "");
  lines.push("Where the time goes and what would raise it: docs/scale.md.");
  return lines;
}

/** The heading formatLoadFigures begins with, as a pattern. */
const SECTION = /^## Taps under load .*$/m;

/** The text with its load section (heading to the next "## ", or the end) replaced by `section`, or `section` appended. */
export function withSection(text: string, section: string): string {
  const found = SECTION.exec(text);
  if (found === null) return text.replace(/\n*$/, "\n\n") + section;
  const rest = text.slice(found.index + found[0].length);
  const next = rest.search(/^## /m);
  return text.slice(0, found.index) + section + (next === -1 ? "" : "\n" + rest.slice(next));
}
