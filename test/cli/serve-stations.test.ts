/**
 * `stamp serve --nfc / --ble`: the argument checks, a clear refusal where the key is missing,
 * and a clear word while the radio is. The stations themselves are tested end to end in
 * test/nfc (real pcscd) and test/ble (bleno over the emulated controller).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnWatchedStamp, stamp, tempDir } from "./cli-harness";
import { addShops, GANGNAM_VERIFIER, initWorld } from "./cli-world";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("stamp serve with a counter station", () => {
  it("needs the station's enrolled key and something to run", async () => {
    const world = await initWorld(dir);
    expect((await stamp(["--db", world.db, "serve", "--nfc"])).err).toBe("error: --nfc and --ble need the station's key: --station-key <file> (`stamp station enrol` makes it)\n");
    expect((await stamp(["--db", world.db, "serve", "--no-http"])).err).toBe("error: --no-http leaves nothing to run: add --nfc or --ble\n");
    expect((await stamp(["--db", world.db, "serve", "--nfc", "--mode", "raw"])).err).toMatch(/--mode.*"direct".*"pages"/);
    const missing = await stamp(["--db", world.db, "--station-key", join(dir, "none.key"), "serve", "--nfc", "--no-http"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error: .*none\.key/);
  }, 30_000);

  it("refuses a station key that the host does not accept (revoked)", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const code = JSON.parse(await world.ok("codes", "add", "--role", "counter-station", "--verifier", GANGNAM_VERIFIER, "--json")) as { code: string };
    const key = join(dir, "station.key");
    expect((await stamp(["--db", world.db, "station", "enrol", "--code", code.code, "--key", key, "--role", "counter-station"])).code).toBe(0);
    const keyId = (JSON.parse(readFileSync(key, "utf8")) as { keyId: string }).keyId;
    await world.ok("tokens", "revoke", keyId);
    const result = await stamp(["--db", world.db, "--station-key", key, "serve", "--nfc", "--no-http"]);
    expect(result.code).toBe(1);
    expect(result.err).toBe("error: the host does not accept this station key as a counter station (status 401)\n");
  }, 30_000);

  // On a machine with an adapter the station would start and serve: nothing to wait for there.
  // The wait itself, and serving once the adapter appears: test/ble/ble-no-adapter-at-start.test.ts.
  const hasAdapter = existsSync("/sys/class/bluetooth") && readdirSync("/sys/class/bluetooth").length > 0;
  it.skipIf(hasAdapter).each(["SIGTERM", "SIGINT"] as const)("without a Bluetooth adapter says so within seconds, keeps waiting, and exits 0 at once on %s", async (signal) => {
    const world = await initWorld(dir);
    await addShops(world);
    const code = JSON.parse(await world.ok("codes", "add", "--role", "counter-station", "--verifier", GANGNAM_VERIFIER, "--json")) as { code: string };
    const key = join(dir, "station.key");
    expect((await stamp(["--db", world.db, "station", "enrol", "--code", code.code, "--key", key, "--role", "counter-station"])).code).toBe(0);
    const serve = spawnWatchedStamp(["--db", world.db, "--station-key", key, "serve", "--ble", "--no-http"], {});
    try {
      // Start-up (tsx, the database, the key) may be slow on a busy machine; the report is not.
      await serve.until(() => /counter station .* is verifier /.test(serve.output().out), "the station to start", 30_000);
      const started = Date.now();
      await serve.until(() => /BLE station for verifier .* is waiting: no Bluetooth adapter: /.test(serve.output().err), "the missing adapter to be reported", 5000);
      expect(Date.now() - started).toBeLessThan(5000);
      const stopping = Date.now();
      serve.child.kill(signal);
      const result = await serve.done;
      expect(Date.now() - stopping).toBeLessThan(3000);
      expect(result).toEqual({ code: 0, signal: null });
      expect(serve.output().err.match(/is waiting/g)).toHaveLength(1);
      expect(serve.output().out).toMatch(new RegExp(`${signal}: shutting down\nstopped; database closed\n$`));
    } finally {
      serve.child.kill("SIGKILL");
    }
  }, 60_000);
});
