/**
 * The CLI as users run it: real processes from the repository root, through the npm `bin`
 * entry (bin/stamp.mjs) and through `tsx bin/stamp-main.ts`.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
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
    for (const command of ["init", "serve", "demo", "stamps", "events", "alerts", "ledger"]) expect(result.out).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  }, 30_000);

  it("exits non-zero with one clear line and no stack trace on a bad argument, and writes nothing", async () => {
    const result = await runStamp(["--db", db, "stamps", "show", " "]);
    expect(result.code).toBe(1);
    expect(result.err).toBe('error: <id-or-label> must be a stamp id (16 hex digits) or a stamp\'s label, got " "\n');
    expect(result.out).toBe("");
    expect(existsSync(db)).toBe(false);
  }, 30_000);

  it("serves HTTP on the database named by STAMP_DB until SIGTERM, then closes it and exits 0", async () => {
    const tokenFile = join(dir, "operator.token");
    const init = await runStamp(["init", "--token-out", tokenFile, "--host-key-out", join(dir, "host.key")], { env: { STAMP_DB: db } });
    expect(init.code, init.err).toBe(0);
    const token = readFileSync(tokenFile, "utf8").trim();
    const server = spawnStamp(["serve", "--port", "0", "--host", "127.0.0.1"], { env: { STAMP_DB: db } });
    const out = await server.waitForOut(/listening on http:\/\/127\.0\.0\.1:\d+/, 25_000);
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? "";
    expect((await fetch(url + "/healthz")).status).toBe(200);
    const anonymous = await fetch(url + "/v1/merchants", { method: "POST", headers: { "content-type": "application/json" }, body: '{"id":"bean-bros","name":"Bean Bros"}' });
    expect(anonymous.status).toBe(401);
    const json = { "content-type": "application/json", authorization: "Bearer " + token };
    const created = await fetch(url + "/v1/merchants", { method: "POST", headers: json, body: '{"id":"bean-bros","name":"Bean Bros"}' });
    expect(created.status).toBe(201);
    const refused = await fetch(url + "/v1/merchants", { method: "POST", headers: json, body: '{"id":' });
    expect(refused.status).toBe(400);
    server.kill("SIGTERM");
    const result = await server.done;
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/SIGTERM: shutting down\nstopped; database closed\n$/);
    expect(result.err).toBe("");
    const store = new SqliteStore(db);
    expect(await store.getMerchant("bean-bros")).toBeDefined();
    await store.close();
  }, 30_000);

  it("stops on SIGINT too", async () => {
    expect((await runStamp(["--db", db, "init", "--token-out", join(dir, "t"), "--host-key-out", join(dir, "k")])).code).toBe(0);
    const server = spawnStamp(["--db", db, "serve", "--port", "0"]);
    await server.waitForOut(/listening on .*\(database .*stamp\.db\)/, 25_000);
    server.kill("SIGINT");
    const result = await server.done;
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/SIGINT: shutting down\nstopped; database closed\n$/);
    expect(result.out).toContain(`(database ${db})`);
    expect(existsSync(db)).toBe(true);
  }, 30_000);

  it("runs the demo (wired in bin/stamp-main.ts) on the database given with --db", async () => {
    const result = await runStamp(["--db", db, "demo"]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/CHALLENGE_REUSED/);
    expect(result.out).toMatch(/COUNTER_FORK/);
    expect(existsSync(db)).toBe(true);
  }, 30_000);
});
