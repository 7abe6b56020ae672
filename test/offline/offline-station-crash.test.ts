/**
 * A counter station process killed (SIGKILL) right after it showed an offline "accepted": the
 * tap is in its queue file, because it is queued before the verdict is shown, and a station
 * started again on the same file syncs it to the host, credited once. Real processes: the
 * station runs alone (tsx), the host is stopped so its port refuses connections, then started
 * again on the same database.
 */
import { ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, Interface } from "node:readline";
import { afterEach, beforeEach, expect, it } from "vitest";
import { OfflineQueue } from "../../host/client/offline-queue";
import { describeEachStore } from "../support/test-stores";
import { NET_TIMEOUT, registerStamp } from "../http/api-harness";
import { newTestStamp } from "../http/signed-tap";
import { OfflineWorld, startOfflineWorld } from "./offline-harness";

const REPO_ROOT = join(__dirname, "../..");
/** Starting tsx and loading the client takes a few seconds on a busy machine. */
const LINE_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 60_000;

/** The station process's stdout, line by line, each awaited with a stated timeout. */
class StationProcess {
  private readonly lines: string[] = [];
  private readonly waiters: ((line: string) => void)[] = [];
  private readonly reader: Interface;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.reader = createInterface({ input: child.stdout });
    this.reader.on("line", (line) => {
      const waiter = this.waiters.shift();
      if (waiter === undefined) this.lines.push(line);
      else waiter(line);
    });
  }

  nextLine(what: string): Promise<string> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    let timer: NodeJS.Timeout | undefined;
    const line = new Promise<string>((resolve) => this.waiters.push(resolve));
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out (${LINE_TIMEOUT_MS} ms) waiting for ${what}`)), LINE_TIMEOUT_MS)));
    return Promise.race([line, timeout]).finally(() => clearTimeout(timer));
  }

  /** SIGKILL, and the exit awaited (at once when it already ended). */
  kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGKILL");
    });
  }
}

describeEachStore("an offline station killed after an offline accept", (kind) => {
  let w: OfflineWorld;
  let dir: string;
  let station: StationProcess | undefined;
  beforeEach(async () => {
    w = await startOfflineWorld(kind);
    dir = mkdtempSync(join(tmpdir(), "stamp-offline-crash-"));
  }, NET_TIMEOUT);
  afterEach(async () => {
    // A test that failed half-way leaves no station process behind.
    await station?.kill();
    station = undefined;
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }, NET_TIMEOUT);

  it(
    "keeps the tap in its queue file, and a restarted station syncs it: credited once",
    async () => {
      // The station process dates its challenges with the real clock: so does the host here.
      w.api.now = Date.now();
      const stamp = newTestStamp();
      await registerStamp(w.world.beanBros.flasher, stamp);
      const gangnam = w.world.beanBros.gangnamStation;
      const stationKeyFile = join(dir, "station.pem");
      const stampKeyFile = join(dir, "stamp.pem");
      writeFileSync(stationKeyFile, gangnam.privateKey.export({ format: "pem", type: "pkcs8" }));
      writeFileSync(stampKeyFile, stamp.privateKey.export({ format: "pem", type: "pkcs8" }));
      // The station's registry copy, taken while the host is up; then the file is the process's.
      const before = w.station(gangnam, "gangnam");
      await before.service.sync();
      before.queue.close();

      await w.stopHost();
      station = new StationProcess(
        spawn(process.execPath, ["--import", "tsx", "test/offline/offline-station-process.ts", w.api.url, gangnam.keyId, stationKeyFile, before.file, stampKeyFile], { cwd: REPO_ROOT }),
      );
      expect(await station.nextLine("the station's ready line")).toBe("ready");
      station.child.stdin.write("tap 1\n");
      expect(await station.nextLine("the offline verdict")).toMatch(/^ACCEPTED .*offline · registry as of/);
      await station.kill();

      const left = new OfflineQueue(before.file);
      expect(left.count()).toBe(1);
      left.close();
      await w.restartHost();
      const after = w.station(gangnam, "gangnam");
      expect(await after.service.sync()).toMatchObject({ uploaded: 1, refused: 0, remaining: 0 });
      expect(Number(await w.api.database.value("SELECT COUNT(*) FROM ledger WHERE stamp_id = ?", stamp.id))).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );
});
