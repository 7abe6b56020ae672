/**
 * The CLI as users run it: real processes from the repository root, through the npm `bin`
 * entry (bin/stamp.mjs) and through `tsx bin/stamp-main.ts`.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../host/store/sqlite-store";
import { runStamp, spawnStamp, tempDir, REPO_ROOT } from "./cli-harness";

let dir: string;
let db: string;
beforeEach(() => {
  dir = tempDir();
  db = join(dir, "stamp.db");
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("stamp as a process", () => {
  it("runs through the npm bin entry: bin/stamp.mjs --help", async () => {
    const result = await runStamp(["--help"], { entry: [join(REPO_ROOT, "bin/stamp.mjs")] });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: stamp \[options\] \[command\]/);
    for (const command of ["serve", "demo", "stamps", "events", "alerts", "ledger"]) expect(result.out).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("exits non-zero with one clear line and no stack trace on a bad argument, and writes nothing", async () => {
    const result = await runStamp(["--db", db, "stamps", "add", "--public-key", "xyz", "--label", "a", "--merchant", "m", "--shop", "s"]);
    expect(result.code).toBe(1);
    expect(result.err).toBe("error: --public-key must be 64 hex digits (a 32-byte Ed25519 public key)\n");
    expect(result.out).toBe("");
    expect(existsSync(db)).toBe(false);
  });

  it("serves HTTP on the database named by STAMP_DB until SIGTERM, then closes it and exits 0", async () => {
    const server = spawnStamp(["serve", "--port", "0", "--host", "127.0.0.1"], { env: { STAMP_DB: db } });
    const out = await server.waitForOut(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? "";
    expect((await fetch(url + "/healthz")).status).toBe(200);
    const created = await fetch(url + "/v1/merchants", { method: "POST", headers: { "content-type": "application/json" }, body: '{"id":"bean-bros","name":"Bean Bros"}' });
    expect(created.status).toBe(201);
    const refused = await fetch(url + "/v1/merchants", { method: "POST", headers: { "content-type": "application/json" }, body: '{"id":' });
    expect(refused.status).toBe(400);
    server.kill("SIGTERM");
    const result = await server.done;
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/SIGTERM: shutting down\nstopped; database closed\n$/);
    expect(result.err).toBe("");
    const store = new SqliteStore(db);
    expect(await store.getMerchant("bean-bros")).toBeDefined();
    await store.close();
  });

  it("stops on SIGINT too", async () => {
    const server = spawnStamp(["--db", db, "serve", "--port", "0"]);
    await server.waitForOut(/listening on .*\(database .*stamp\.db\)/);
    server.kill("SIGINT");
    const result = await server.done;
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/SIGINT: shutting down\nstopped; database closed\n$/);
    expect(result.out).toContain(`(database ${db})`);
    expect(existsSync(db)).toBe(true);
  });

  it("runs the demo (wired in bin/stamp-main.ts) on the database given with --db", async () => {
    const result = await runStamp(["--db", db, "demo"]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/CHALLENGE_REUSED/);
    expect(result.out).toMatch(/COUNTER_REGRESSION/);
    expect(existsSync(db)).toBe(true);
  }, 30_000);
});
