/**
 * `stamp serve --nfc --no-http` as a shop runs it, a real process, on a machine where pcscd did
 * not come back: it says so within seconds and a SIGTERM (or Ctrl-C) ends it cleanly at once.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnWatchedStamp, stamp, tempDir } from "../cli/cli-harness";
import { addShops, GANGNAM_VERIFIER, initWorld } from "../cli/cli-world";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("stamp serve --nfc with no pcscd", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("prints the problem within seconds and exits 0 promptly on %s", async (signal) => {
    const world = await initWorld(dir);
    await addShops(world);
    const code = JSON.parse(await world.ok("codes", "add", "--role", "counter-station", "--verifier", GANGNAM_VERIFIER, "--json")) as { code: string };
    const key = join(dir, "station.key");
    expect((await stamp(["--db", world.db, "station", "enrol", "--code", code.code, "--key", key, "--role", "counter-station"])).code).toBe(0);
    expect((JSON.parse(readFileSync(key, "utf8")) as { keyId: string }).keyId).toBeTruthy();
    const socket = join(mkdtempSync(join(tmpdir(), "stamp-no-pcscd-")), "pcscd.comm"); // nothing there
    const serve = spawnWatchedStamp(["--db", world.db, "--station-key", key, "serve", "--nfc", "--no-http"], { PCSCLITE_CSOCK_NAME: socket });
    try {
      // Start-up (tsx, the database, the key) may be slow on a busy machine; the report is not.
      await serve.until(() => /NFC station for verifier .* waiting for readers/.test(serve.output().out), "the station to start", 30_000);
      const started = Date.now();
      await serve.until(() => /pcscd\) is not running/.test(serve.output().err), "the missing pcscd to be reported", 5000);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(serve.output().err).toContain(socket);
      const stopping = Date.now();
      serve.child.kill(signal);
      const result = await serve.done;
      expect(Date.now() - stopping).toBeLessThan(3000);
      expect(result).toEqual({ code: 0, signal: null });
      expect(serve.output().out).toMatch(new RegExp(`${signal}: shutting down\nstopped; database closed\n$`));
    } finally {
      serve.child.kill("SIGKILL");
    }
  }, 60_000);
});
