/**
 * Several host processes on one database, on SQLite and on PostgreSQL: each opens its own store
 * (test/support/submit-tap-process.ts), says it is ready, and only then do they all get the same
 * tap at once. The rules hold through the database alone: one response is accepted once, of two
 * equal counters (a clone) exactly one wins and the fork is proven, and a revocation made by
 * one process is effective at the next tap in every other.
 */
import { ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { expect, it } from "vitest";
import { revokeStamp } from "../../host/core/stamp-status";
import { toHex } from "../../shared/hex";
import { describeEachStore } from "../support/test-stores";
import { createTestWorld, must, TestWorld } from "../support/test-world";

const worker = join(__dirname, "..", "support", "submit-tap-process.ts");
/** A process starting (tsx, its store) or answering one tap takes far less than this, even on a loaded machine. */
const PROCESS_STEP_TIMEOUT_MS = 60_000;
/** Starting four processes, a few taps, and stopping them. */
const TEST_TIMEOUT_MS = 4 * PROCESS_STEP_TIMEOUT_MS;

/** One host process: its output read line by line, each line awaited with a timeout. */
class HostProcess {
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | Error) => void)[] = [];
  private stderr = "";

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on("line", (line) => this.deliver(line));
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.on("exit", (code) => {
      for (const waiter of this.waiting.splice(0)) waiter(new Error(`the host process exited (${code}):\n${this.stderr}`));
    });
  }

  /** Resolves once the process has opened its store and said "ready". */
  static async start(w: TestWorld): Promise<HostProcess> {
    const started = new HostProcess(spawn(process.execPath, ["--import", "tsx", worker, w.dbPath, w.gangnamStation.keyId]));
    const first = await started.nextLine();
    if (first !== "ready") throw new Error(`expected "ready", got ${first}`);
    return started;
  }

  private deliver(line: string): void {
    const waiter = this.waiting.shift();
    if (waiter === undefined) this.lines.push(line);
    else waiter(line);
  }

  private nextLine(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the host process within ${PROCESS_STEP_TIMEOUT_MS} ms:\n${this.stderr}`)), PROCESS_STEP_TIMEOUT_MS);
      this.waiting.push((answer) => {
        clearTimeout(timer);
        if (answer instanceof Error) reject(answer);
        else resolve(answer);
      });
    });
  }

  /** Sends one tap response (hex); resolves with the verdict's reason. */
  tap(responseHex: string): Promise<string> {
    this.child.stdin.write(responseHex + "\n");
    return this.nextLine();
  }

  /** Closes its input: the process closes its store and exits. */
  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.stdin.end();
    });
  }
}

/** Starts `count` processes (in parallel) and runs `work` once every one is ready; stops them all after. */
async function withProcesses(w: TestWorld, count: number, work: (processes: HostProcess[]) => Promise<void>): Promise<void> {
  const starting = await Promise.allSettled(Array.from({ length: count }, () => HostProcess.start(w)));
  const started = starting.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  try {
    for (const result of starting) if (result.status === "rejected") throw result.reason;
    await work(started);
  } finally {
    await Promise.all(started.map((each) => each.stop()));
  }
}

describeEachStore("single use and strictly rising counters across host processes", (kind) => {
  it("accepts the same response once when four processes submit it at the same moment", async () => {
    const w = await createTestWorld(kind);
    const response = toHex(w.stamp.answer(await w.challengeFor(w.gangnamStation)));
    await withProcesses(w, 4, async (processes) => {
      const reasons = await Promise.all(processes.map((each) => each.tap(response)));
      expect(reasons.filter((r) => r === "ACCEPTED")).toHaveLength(1);
      expect(reasons.filter((r) => r === "CHALLENGE_REUSED")).toHaveLength(3);
    });
    expect(await w.store.listEvents({ merchantId: "bean-bros", limit: 10 })).toHaveLength(1);
    await w.store.close();
  }, TEST_TIMEOUT_MS);

  it("lets exactly one of two equal counters win (two devices with one key), proves the fork and quarantines the stamp", async () => {
    const w = await createTestWorld(kind);
    const a = toHex(w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 7 }));
    const b = toHex(w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 7 }));
    await withProcesses(w, 2, async ([first, second]) => {
      const reasons = await Promise.all([first.tap(a), second.tap(b)]);
      expect(reasons.sort()).toEqual(["ACCEPTED", "COUNTER_FORK"]);
    });
    expect((await w.store.getStamp(w.stamp.id))?.status).toBe("quarantined");
    expect((await w.store.chainHeads()).ledger.count).toBe(1);
    expect((await w.store.listAlerts("bean-bros", { limit: 10 })).map((alert) => alert.kind)).toEqual(["CLONE_PROVEN"]);
    await w.store.close();
  }, TEST_TIMEOUT_MS);

  it("makes a revocation by one process effective at the next tap in every other", async () => {
    const w = await createTestWorld(kind);
    const responses: string[] = [];
    for (let i = 0; i < 3; i++) responses.push(toHex(w.stamp.answer(await w.challengeFor(w.gangnamStation))));
    await withProcesses(w, 2, async ([first, second]) => {
      expect(await first.tap(responses[0])).toBe("ACCEPTED");
      // This test's own process is a third host process on the same database.
      must(await revokeStamp(w.store, w.owner, w.stamp.id, Date.now()));
      expect(await second.tap(responses[1])).toBe("STAMP_REVOKED");
      expect(await first.tap(responses[2])).toBe("STAMP_REVOKED");
    });
    expect((await w.store.chainHeads()).ledger.count).toBe(1);
    await w.store.close();
  }, TEST_TIMEOUT_MS);
});
