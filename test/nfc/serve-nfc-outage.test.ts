/**
 * `stamp serve --nfc --no-http` as a shop runs it, a real process, on a machine where pcscd did
 * not come back: it says so within seconds and a SIGTERM (or Ctrl-C) ends it cleanly at once.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, stamp, tempDir } from "../cli/cli-harness";
import { addShops, GANGNAM_VERIFIER, initWorld } from "../cli/cli-world";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The stamp CLI as a child process, both streams watched (the harness's spawnStamp watches stdout only). */
function runServe(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "bin/stamp-main.ts", ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const watchers: (() => void)[] = [];
  const changed = () => watchers.forEach((watch) => watch());
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => ((out += chunk), changed()));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => ((err += chunk), changed()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  const exited = { value: false };
  void done.then(() => {
    exited.value = true;
    changed();
  });
  return {
    child,
    done,
    output: () => ({ out, err }),
    /** Resolves when the condition holds; fails at the timeout or when the process ends first. */
    until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out (${timeoutMs} ms) waiting for ${what}; stdout: ${out}; stderr: ${err}`)), timeoutMs);
        const check = () => {
          if (condition()) {
            clearTimeout(timer);
            resolve();
          } else if (exited.value) {
            clearTimeout(timer);
            reject(new Error(`the process ended before ${what}; stdout: ${out}; stderr: ${err}`));
          }
        };
        watchers.push(check);
        check();
      });
    },
  };
}

describe("stamp serve --nfc with no pcscd", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("prints the problem within seconds and exits 0 promptly on %s", async (signal) => {
    const world = await initWorld(dir);
    await addShops(world);
    const code = JSON.parse(await world.ok("codes", "add", "--role", "counter-station", "--verifier", GANGNAM_VERIFIER, "--json")) as { code: string };
    const key = join(dir, "station.key");
    expect((await stamp(["--db", world.db, "station", "enrol", "--code", code.code, "--key", key, "--role", "counter-station"])).code).toBe(0);
    expect((JSON.parse(readFileSync(key, "utf8")) as { keyId: string }).keyId).toBeTruthy();
    const socket = join(mkdtempSync(join(tmpdir(), "stamp-no-pcscd-")), "pcscd.comm"); // nothing there
    const serve = runServe(["--db", world.db, "--station-key", key, "serve", "--nfc", "--no-http"], { PCSCLITE_CSOCK_NAME: socket });
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
