/**
 * Crash safety (issue 14): a real `stamp serve` process is killed with SIGKILL in the middle of a
 * load run, on SQLite and on PostgreSQL, and started again on the same database; twice in a row,
 * the load going on against the restarted host.
 *
 * Several counter stations (each its own verifier, station key and stamp, signing every request)
 * tap as fast as the host answers: POST /v1/challenges, the stamp's answer with its next counter,
 * POST /v1/taps. A tap is acknowledged when its ACCEPTED verdict came back; one whose request
 * failed because the host died is unacknowledged (its commit may or may not have happened).
 * Once enough taps were acknowledged the host is killed, with requests in flight: at the first
 * look at the database that shows a tap committed whose verdict no client has yet.
 *
 * After each restart:
 * - every tap ever acknowledged is in the ledger exactly once, and nothing is in it that was not
 *   sent; no nonce and no (stamp, counter) twice; each stamp's stored counter is its highest in
 *   the ledger; the operator's ledger check (POST /v1/ledger/check) finds both chains intact;
 * - every unacknowledged tap, retried by its station with the same bytes several times at once,
 *   is accepted at most once, and never when its first attempt had already been committed;
 *   every tap acknowledged before the kill, sent again, is refused; the ledger grows by exactly
 *   the retries accepted, its earlier events unchanged.
 *
 * Whether a killed host had committed a tap whose verdict it never sent depends on where the kill
 * lands; the run prints how many did, and the rules above are checked either way.
 */
import { ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, expect, it } from "vitest";
import { ApiClient } from "../../host/client/api-client";
import { httpTransport } from "../../host/client/transports";
import { authenticateToken, bootstrapOperator, issueToken } from "../../host/core/access/credentials";
import { LedgerEvent } from "../../host/core/model";
import { addMerchant, addShop, addVerifier } from "../../host/core/registry";
import { approveFirmware } from "../../host/core/stamp-registration";
import { readInPages } from "../../host/ledger/evidence-check";
import { Store } from "../../host/store/store";
import { fromHex, toHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { decodeTapResponse } from "../../shared/tap-response";
import { createTestDatabase, describeEachStore, TestDatabase } from "../support/test-stores";
import { EnrolledStation, enrolTestStation, must, registerTestStamp, TEST_FIRMWARE_HASH, TestStamp } from "../support/test-world";

const REPO_ROOT = resolve(__dirname, "..", "..");
/** Concurrent counter stations during the load run. */
const CLIENTS = 8;
/** Kills (and restarts) in one test. */
const CRASHES = 2;
/**
 * Each host is killed once this many taps were acknowledged by it. `stamp serve` limits one
 * address to 1,200 requests a minute (counted per process): a restarted host answers the
 * resubmissions of the previous run's taps (one each) and then a run's two requests per tap,
 * well below it.
 */
const ACKNOWLEDGED_BEFORE_KILL = 200;
/** Looks at the database before the host is killed anyway (each look takes a database round trip, the load going on). */
const MAX_KILL_POLLS = 50;
/** A station retrying an unacknowledged tap sends it this many times at once. */
const RETRIES = 3;
/** `stamp serve` starting (tsx, Fastify, opening and recovering its database) on a loaded 2-core machine. */
const HOST_START_TIMEOUT_MS = 45_000;
/** The load run reaching its count; a few hundred taps take seconds even on a loaded machine. */
const LOAD_TIMEOUT_MS = 60_000;
/** A SIGKILLed process is gone at once; a SIGTERMed one closes its server and store. */
const HOST_EXIT_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = (CRASHES + 1) * (HOST_START_TIMEOUT_MS + LOAD_TIMEOUT_MS + HOST_EXIT_TIMEOUT_MS);
const REFUSED_AGAIN = ["CHALLENGE_REUSED", "UNKNOWN_CHALLENGE", "CHALLENGE_EXPIRED"];

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out (${ms} ms) waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A `stamp --db <location> serve --port 0` process, as an operator runs it. */
class HostProcess {
  out = "";
  err = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private ended = false;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (this.out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (this.err += chunk));
    this.exited = new Promise((resolveExit) =>
      child.on("exit", (code, signal) => {
        this.ended = true;
        resolveExit({ code, signal });
      }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error("the host process has no pid");
    return this.child.pid;
  }

  get running(): boolean {
    return !this.ended;
  }

  /** Starts the host and resolves with its URL once it says it listens. */
  static async start(location: string, started: HostProcess[]): Promise<{ host: HostProcess; url: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.STAMP_DB;
    const host = new HostProcess(spawn(process.execPath, ["--import", "tsx", "bin/stamp-main.ts", "--db", location, "serve", "--port", "0"], { cwd: REPO_ROOT, env: env }));
    started.push(host);
    const url = await within(
      new Promise<string>((resolveUrl, reject) => {
        const check = () => {
          const match = /listening on (http:\/\/\S+)/.exec(host.out);
          if (match !== null) resolveUrl(match[1]);
        };
        host.child.stdout.on("data", check);
        void host.exited.then(() => reject(new Error(`stamp serve exited before listening:\n${host.out}\n${host.err}`)));
        check();
      }),
      HOST_START_TIMEOUT_MS,
      "stamp serve to listen",
    );
    return { host: host, url: url };
  }

  /** kill -9. */
  kill(): void {
    process.kill(this.pid, "SIGKILL");
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    await within(this.exited, HOST_EXIT_TIMEOUT_MS, `the host to exit on ${signal}`);
  }
}

interface Lane {
  station: EnrolledStation;
  stamp: TestStamp;
}

/** An operator's token, and one lane (verifier, enrolled counter station, registered stamp) per client. */
async function makeWorld(database: TestDatabase): Promise<{ operatorToken: string; lanes: Lane[] }> {
  const store = await database.open();
  try {
    const now = Date.now();
    const bootstrapped = must(await bootstrapOperator(store, "operator", now));
    const operator = must(await authenticateToken(store, bootstrapped.token, now));
    must(await addMerchant(store, operator, { id: "crash-merchant", name: "Crash Merchant" }, now));
    must(await approveFirmware(store, operator, { hash: TEST_FIRMWARE_HASH, label: "test firmware" }, now));
    const issued = must(await issueToken(store, operator, { role: "owner", merchantId: "crash-merchant", label: "owner" }, now));
    const owner = must(await authenticateToken(store, issued.token, now));
    must(await addShop(store, owner, { id: "shop", merchantId: "crash-merchant", name: "Shop" }, now));
    const flasher = await enrolTestStation(store, owner, "flashing-station", { merchantId: "crash-merchant" }, now);
    const lanes: Lane[] = [];
    for (let lane = 0; lane < CLIENTS; lane++) {
      const verifier = must(await addVerifier(store, owner, { shopId: "shop", label: `counter ${lane}`, requirePresence: true, purpose: Purpose.STAMP, quantity: 1 }, now));
      const station = await enrolTestStation(store, owner, "counter-station", { verifierId: verifier.id }, now);
      const stamp = new TestStamp();
      await registerTestStamp(store, flasher.principal, stamp, { label: `stamp ${lane}`, merchantId: "crash-merchant", shopIds: ["shop"] }, now);
      lanes.push({ station: station, stamp: stamp });
    }
    return { operatorToken: bootstrapped.token, lanes: lanes };
  } finally {
    await store.close();
  }
}

/** A tap response one station sent during the load run, and what became of it. */
interface SentTap {
  lane: number;
  nonce: string;
  stampId: string;
  counter: number;
  response: string;
  acknowledged: boolean;
}

function stationClient(url: string, lane: Lane): ApiClient {
  return new ApiClient(httpTransport(url), { kind: "station", keyId: lane.station.keyId, privateKey: lane.station.key.privateKey });
}

function bytesOf(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  if (!bytes.ok) throw new Error(bytes.error);
  return bytes.value;
}

function reasonOf(body: unknown): string {
  return typeof body === "object" && body !== null && "reason" in body ? String(body.reason) : JSON.stringify(body);
}

/** How the kill landed: after how many looks at the database, and whether it then held taps whose verdict no client had yet. */
interface Kill {
  polls: number;
  unheard: number;
}

/**
 * Every station taps in a loop until the host is killed. Once ACKNOWLEDGED_BEFORE_KILL taps were
 * acknowledged, `watcher` (another store on the database) looks at the ledger's head again and
 * again, the load going on, and the host is killed as soon as the ledger holds a tap whose verdict
 * has not reached its client yet (a commit racing its answer: the case a retry must not count
 * twice), or after MAX_KILL_POLLS looks. Killing on a look at the database rather than on an
 * answer keeps the kill from always landing just after the host wrote one.
 *
 * A request that fails before the kill, or any answer but the expected one, fails the run; a tap
 * request that fails after it is unacknowledged.
 */
async function loadUntilKilled(url: string, lanes: Lane[], host: HostProcess, watcher: Store): Promise<{ sent: SentTap[]; kill: Kill }> {
  const sent: SentTap[] = [];
  const state = { acknowledged: 0, killed: false, failed: false };
  const ledgerBefore = (await watcher.chainHeads()).ledger.count;
  let kill: Kill | undefined;
  const killer = async (): Promise<void> => {
    for (let polls = 1; !state.failed; polls++) {
      // Let the load go on between looks (an SQLite look answers without ever leaving this turn of the event loop).
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
      const unheard = (await watcher.chainHeads()).ledger.count - ledgerBefore - state.acknowledged;
      if (unheard > 0 || polls >= MAX_KILL_POLLS) {
        state.killed = true;
        host.kill();
        kill = { polls: polls, unheard: Math.max(0, unheard) };
        return;
      }
    }
  };
  let killing: Promise<void> | undefined;
  const clients = lanes.map((lane) => stationClient(url, lane));
  const run = async (index: number): Promise<void> => {
    const lane = lanes[index];
    const api = clients[index];
    while (!state.killed && !state.failed) {
      let issued;
      try {
        issued = await api.request("POST", "/v1/challenges");
      } catch (error) {
        if (state.killed) return;
        throw error;
      }
      if (issued.status !== 201) throw new Error(`challenge refused: ${issued.status} ${JSON.stringify(issued.body)}`);
      const response = lane.stamp.answer(bytesOf((issued.body as { challenge: string }).challenge));
      const decoded = decodeTapResponse(response);
      if (!decoded.ok) throw new Error(decoded.error.detail);
      const tap: SentTap = { lane: index, nonce: toHex(decoded.value.nonce), stampId: lane.stamp.id, counter: decoded.value.counter, response: toHex(response), acknowledged: false };
      sent.push(tap);
      let answer;
      try {
        answer = await api.request("POST", "/v1/taps", { response: tap.response });
      } catch (error) {
        if (state.killed) return; // unacknowledged: the host died before its verdict reached us
        throw error;
      }
      if (answer.status !== 200 || reasonOf(answer.body) !== "ACCEPTED") throw new Error(`tap not accepted: ${answer.status} ${JSON.stringify(answer.body)}`);
      tap.acknowledged = true;
      if (++state.acknowledged === ACKNOWLEDGED_BEFORE_KILL) killing = killer();
    }
  };
  try {
    await within(
      Promise.all(
        lanes.map((_, index) =>
          run(index).catch((error: unknown) => {
            state.failed = true;
            throw error;
          }),
        ),
      ),
      LOAD_TIMEOUT_MS,
      `${ACKNOWLEDGED_BEFORE_KILL} acknowledged taps and the kill`,
    );
  } finally {
    state.failed = true;
    await killing;
    await Promise.all(clients.map((client) => client.close()));
  }
  if (kill === undefined) throw new Error("the load ended without the kill");
  return { sent: sent, kill: kill };
}

async function readLedger(store: Store): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  for await (const event of readInPages((from, limit) => store.readLedger(from, limit))) events.push(event);
  return events;
}

/** The ledger straight from the database (another process's store on it): nothing in it twice, counters in step. */
async function checkedLedger(database: TestDatabase, lanes: Lane[]): Promise<LedgerEvent[]> {
  const store = await database.open();
  try {
    const events = await readLedger(store);
    expect(new Set(events.map((event) => event.nonce)).size, "a challenge nonce is in the ledger twice").toBe(events.length);
    expect(new Set(events.map((event) => `${event.stampId}/${event.counter}`)).size, "a stamp's counter is in the ledger twice").toBe(events.length);
    for (const lane of lanes) {
      const highest = Math.max(0, ...events.filter((event) => event.stampId === lane.stamp.id).map((event) => event.counter));
      expect((await store.getStamp(lane.stamp.id))?.lastCounter, `stamp ${lane.stamp.id}'s stored counter`).toBe(highest);
    }
    return events;
  } finally {
    await store.close();
  }
}

/** The operator's ledger check on the running host: both chains recomputed, every tap re-verified. */
async function expectLedgerIntact(url: string, operatorToken: string, events: number): Promise<void> {
  const operator = new ApiClient(httpTransport(url), { kind: "token", token: operatorToken });
  try {
    const checked = await operator.request("POST", "/v1/ledger/check", {});
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    expect(checked.body).toMatchObject({ intact: true, ledgerEvents: events, problems: [] });
  } finally {
    await operator.close();
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}


function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** What the restarted host answers to `tap` sent again (the same bytes) by its station. */
async function resend(client: ApiClient, tap: SentTap): Promise<string> {
  const answer = await client.request("POST", "/v1/taps", { response: tap.response });
  return answer.status === 200 ? reasonOf(answer.body) : `status ${answer.status} ${JSON.stringify(answer.body)}`;
}

describeEachStore("kill -9 of stamp serve during a load run", (kind) => {
  const started: HostProcess[] = [];
  const databases: TestDatabase[] = [];

  afterAll(async () => {
    for (const host of started) await host.stop("SIGKILL");
    for (const database of databases) await database.discard();
  }, HOST_EXIT_TIMEOUT_MS * (CRASHES + 2));

  it(
    `keeps every acknowledged tap exactly once through ${CRASHES} kills, and a retried unacknowledged tap counts at most once`,
    async () => {
      const database = await createTestDatabase(kind);
      databases.push(database);
      const { operatorToken, lanes } = await makeWorld(database);
      const everAcknowledged: SentTap[] = [];
      const everSent = new Set<string>();
      const summary: string[] = [];
      let host = await HostProcess.start(database.location, started);
      let ledger: LedgerEvent[] = [];
      const watcher = await database.open();
      try {
        for (let crash = 1; crash <= CRASHES; crash++) {
          // A load run, and the kill in the middle of it.
          const { sent, kill } = await loadUntilKilled(host.url, lanes, host.host, watcher);
          const died = await within(host.host.exited, HOST_EXIT_TIMEOUT_MS, "the killed host to exit");
          expect(died.signal, `stamp serve ended otherwise than by the kill:\n${host.host.err}`).toBe("SIGKILL");
          const acknowledged = sent.filter((tap) => tap.acknowledged);
          const unacknowledged = sent.filter((tap) => !tap.acknowledged);
          expect(acknowledged.length).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);
          // Each station stops at its first failed tap: at most one unacknowledged tap each, its stamp's highest counter.
          expect(new Set(unacknowledged.map((tap) => tap.lane)).size).toBe(unacknowledged.length);
          everAcknowledged.push(...acknowledged);
          for (const tap of sent) everSent.add(tap.nonce);

          // The restart on the same database: every acknowledged tap there once, nothing that was not sent.
          host = await HostProcess.start(database.location, started);
          const afterCrash = await checkedLedger(database, lanes);
          expect(afterCrash.slice(0, ledger.length), "the ledger before this run changed").toEqual(ledger);
          const inLedger = new Set(afterCrash.map((event) => event.nonce));
          for (const tap of everAcknowledged) expect(inLedger.has(tap.nonce), `acknowledged tap ${tap.stampId}/${tap.counter} lost`).toBe(true);
          for (const event of afterCrash) expect(everSent.has(event.nonce), `ledger event ${event.sequence} is no tap that was sent`).toBe(true);
          const committedUnacknowledged = unacknowledged.filter((tap) => inLedger.has(tap.nonce));
          expect(afterCrash.length).toBe(ledger.length + acknowledged.length + committedUnacknowledged.length);
          await expectLedgerIntact(host.url, operatorToken, afterCrash.length);

          const clients = lanes.map((lane) => stationClient(host.url, lane));
          let retriesAccepted = 0;
          try {
            // Each station retries its unacknowledged tap, the same bytes several times at once.
            await Promise.all(
              unacknowledged.map(async (tap) => {
                const reasons = await Promise.all(Array.from({ length: RETRIES }, () => resend(clients[tap.lane], tap)));
                for (const reason of reasons) expect([...REFUSED_AGAIN, "ACCEPTED"]).toContain(reason);
                const accepted = reasons.filter((reason) => reason === "ACCEPTED").length;
                expect(accepted, `retries of ${tap.stampId}/${tap.counter} accepted (${reasons.join(", ")})`).toBeLessThanOrEqual(inLedger.has(tap.nonce) ? 0 : 1);
                retriesAccepted += accepted;
              }),
            );
            // And every tap acknowledged before the kill, sent again, is refused.
            await eachLimited(acknowledged, CLIENTS, async (tap) => expect(REFUSED_AGAIN).toContain(await resend(clients[tap.lane], tap)));
          } finally {
            await Promise.all(clients.map((client) => client.close()));
          }
          const afterRetries = await checkedLedger(database, lanes);
          expect(afterRetries.length).toBe(afterCrash.length + retriesAccepted);
          expect(afterRetries.slice(0, afterCrash.length)).toEqual(afterCrash);
          const times = countBy(afterRetries, (event) => event.nonce);
          for (const tap of everAcknowledged) expect(times.get(tap.nonce)).toBe(1);
          await expectLedgerIntact(host.url, operatorToken, afterRetries.length);
          ledger = afterRetries;
          summary.push(
            `kill ${crash} (look ${kill.polls}, ${kill.unheard} unheard): ${acknowledged.length} acknowledged, ${unacknowledged.length} unacknowledged ` +
              `(${committedUnacknowledged.length} committed before the kill, ${retriesAccepted} accepted on retry)`,
          );
        }
      } finally {
        await watcher.close();
      }

      await host.host.stop("SIGTERM");
      expect((await host.host.exited).code, host.host.err).toBe(0);
      console.log(`${kind}: ${summary.join("; ")}; ledger ${ledger.length} events`);
    },
    TEST_TIMEOUT_MS,
  );
});
