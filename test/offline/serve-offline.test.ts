/**
 * `stamp serve --ble --offline <file>`: the station copies the registry into its file when it
 * starts with the host up, starts from that copy when the host is unreachable, and refuses to
 * start offline without one. Real processes; the BLE radio is absent here, so the station waits
 * for its adapter (test/cli/serve-stations.test.ts), which is all this test needs of it.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OfflineQueue } from "../../host/client/offline-queue";
import { spawnWatchedStamp, stamp, tempDir } from "../cli/cli-harness";
import { addShops, GANGNAM_VERIFIER, initWorld } from "../cli/cli-world";

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** A loopback port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const hasAdapter = existsSync("/sys/class/bluetooth") && readdirSync("/sys/class/bluetooth").length > 0;

describe("stamp serve --offline", () => {
  it.skipIf(hasAdapter)(
    "copies the registry at start, starts from that copy when the host is unreachable, and refuses to start offline without one",
    async () => {
      const world = await initWorld(dir);
      await addShops(world);
      const code = JSON.parse(await world.ok("codes", "add", "--role", "counter-station", "--verifier", GANGNAM_VERIFIER, "--json")) as { code: string };
      const key = join(dir, "station.key");
      expect((await stamp(["--db", world.db, "station", "enrol", "--code", code.code, "--key", key, "--role", "counter-station"])).code).toBe(0);
      const file = join(dir, "station-offline.db");
      const unreachable = `http://127.0.0.1:${await closedPort()}`;

      const without = await stamp(["--url", unreachable, "--station-key", key, "serve", "--ble", "--no-http", "--offline", file]);
      expect(without.code).toBe(1);
      expect(without.err).toContain("the host is unreachable and this station has no registry copy yet");

      for (const [args, started] of [
        [["--db", world.db], /offline copy of the registry as of \S+; 0 queued taps synced/],
        [["--url", unreachable], /the host is unreachable: working offline, 0 taps queued/],
      ] as const) {
        const serve = spawnWatchedStamp([...args, "--station-key", key, "serve", "--ble", "--no-http", "--offline", file], {});
        try {
          await serve.until(() => started.test(serve.output().out) && serve.output().out.includes(`is verifier ${GANGNAM_VERIFIER}, offline-capable`), "the offline-capable station to start", START_TIMEOUT_MS);
          serve.child.kill("SIGTERM");
          const stopping = Date.now();
          expect(await serve.done).toEqual({ code: 0, signal: null });
          expect(Date.now() - stopping).toBeLessThan(STOP_TIMEOUT_MS);
        } finally {
          serve.child.kill("SIGKILL");
        }
      }
      const queue = new OfflineQueue(file);
      expect(queue.registry()?.verifier.id).toBe(GANGNAM_VERIFIER);
      queue.close();
    },
    90_000,
  );
});
