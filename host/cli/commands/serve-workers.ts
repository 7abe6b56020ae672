/**
 * `stamp serve --workers N`: the HTTP API in N processes on one port (node's cluster), so that
 * the signature checks of a busy chain spread over the machine's cores (docs/scale.md, "Both
 * cores"). Each worker is this very command run again, a complete `stamp serve` with its own
 * connections to the database; the primary only starts them, starts another when one dies,
 * and stops them all on SIGINT or SIGTERM.
 *
 * PostgreSQL only. Every rule already holds between processes there, through the database's own
 * guarantees (docs/design.md), and the counter view's live verdicts reach every process through
 * LISTEN/NOTIFY. On SQLite the processes would queue for one write lock, and a verdict would
 * reach only the counter views connected to the process that judged it.
 */
import { InvalidArgumentError } from "commander";
import cluster, { Worker } from "node:cluster";
import { CliContext } from "../context";

/** Workers of one `stamp serve`: enough for any machine we know, few enough to catch a typo. */
const MAX_WORKERS = 64;

/** Set in each worker's environment: its number, 1 to N (worker 1 also signs checkpoints). */
const WORKER_NUMBER_ENV = "STAMP_SERVE_WORKER";

/** A worker that dies is started again after this, doubled at each death in a row, up to the cap. */
const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that ran this long before dying starts its successor's delay from the beginning. */
const STEADY_MS = 60_000;
/** How long the workers get to close their databases after SIGTERM before they are killed. */
const STOP_TIMEOUT_MS = 20_000;

export interface WorkerSetup {
  database: string;
  http: boolean;
  station: boolean;
  /** The arguments this command was run with, and the process's own: they must be the same. */
  argv: readonly string[];
  processArgv: readonly string[];
}

/** Why these options cannot run as workers, or undefined when they can. */
export function workerSetupProblem(setup: WorkerSetup): string | undefined {
  if (!setup.database.startsWith("postgres://") && !setup.database.startsWith("postgresql://")) {
    return "--workers needs a PostgreSQL database (--db postgres://…): on SQLite the processes would wait for one write lock, and a tap's verdict would reach only the counter views of the process that judged it";
  }
  if (!setup.http || setup.station) return "--workers runs the HTTP API only: run a counter station (--nfc, --ble) as its own `stamp serve --no-http --url …`";
  // Each worker is this command run again from the process's own command line; inside another
  // program (a test calling the CLI in process) that line is not this command.
  if (setup.argv.length !== setup.processArgv.length || setup.argv.some((arg, i) => arg !== setup.processArgv[i])) {
    return "--workers runs only as the stamp command itself (its processes run the same command line again)";
  }
  return undefined;
}

/** This process's worker number when it is one of `stamp serve --workers`, else undefined. */
export function workerNumber(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const number = Number(process.env[WORKER_NUMBER_ENV]);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

function exitedHow(code: number | null, signal: string | null): string {
  return signal !== null ? `killed by ${signal}` : `exit status ${code ?? "?"}`;
}

/**
 * Runs `count` workers until `stopped` resolves; then asks each to stop (SIGTERM: it closes its
 * server and database as `stamp serve` does) and waits for them all.
 */
export async function superviseWorkers(count: number, stopped: Promise<string>, context: CliContext): Promise<void> {
  const out = (line: string) => context.io.out(line + "\n");
  let stopping = false;
  const running = new Map<number, Worker>();
  const delays = new Map<number, number>();
  const timers = new Set<NodeJS.Timeout>();

  const start = (number: number) => {
    const startedAt = Date.now();
    const worker = cluster.fork({ [WORKER_NUMBER_ENV]: String(number) });
    running.set(number, worker);
    worker.once("exit", (code: number | null, signal: string | null) => {
      running.delete(number);
      if (stopping) return;
      const steady = Date.now() - startedAt >= STEADY_MS;
      const delay = steady ? FIRST_RESTART_DELAY_MS : Math.min((delays.get(number) ?? FIRST_RESTART_DELAY_MS / 2) * 2, MAX_RESTART_DELAY_MS);
      delays.set(number, delay);
      out(`worker ${number} (pid ${worker.process.pid ?? "?"}) ended (${exitedHow(code, signal)}): starting another in ${delay / 1000} s`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) start(number);
      }, delay);
      timers.add(timer);
    });
    out(`worker ${number} started (pid ${worker.process.pid ?? "?"})`);
  };

  for (let number = 1; number <= count; number++) start(number);
  const why = await stopped;
  stopping = true;
  for (const timer of timers) clearTimeout(timer);
  out(`${why}: stopping ${running.size} workers`);
  const exits = [...running.values()].map((worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once("exit", () => resolve()))));
  for (const worker of running.values()) worker.process.kill("SIGTERM");
  const killer = setTimeout(() => {
    for (const worker of running.values()) worker.process.kill("SIGKILL");
  }, STOP_TIMEOUT_MS);
  await Promise.all(exits);
  clearTimeout(killer);
  out("stopped; every worker closed its database");
}

export function parseWorkers(value: string): number {
  if (!/^\d{1,2}$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_WORKERS}.`);
  }
  return Number(value);
}
