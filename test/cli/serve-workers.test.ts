/**
 * `stamp serve --workers 2` on PostgreSQL: two worker processes answer on one port, a worker
 * that dies is started again while the other keeps answering, and SIGTERM stops them all, each
 * closing its database. On SQLite the option is refused before anything is served.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { workerSetupProblem } from "../../host/cli/commands/serve-workers";
import { runStamp, spawnStamp, tempDir } from "./cli-harness";
import { createTestDatabase, describeEachStore } from "../support/test-stores";

/** A `stamp` process (tsx) starting, forking and opening its database, on a loaded machine. */
const PROCESS_START_TIMEOUT_MS = 60_000;

/** The `listening on` lines of worker `n` so far. */
function listeningLines(out: string, worker: number): string[] {
  return out.split("\n").filter((line) => line.startsWith("stamp host listening on ") && line.endsWith(`, worker ${worker})`));
}

async function createMerchant(url: string, token: string, id: string): Promise<number> {
  const answer = await fetch(url + "/v1/merchants", {
    method: "POST",
    // A new connection each time: the primary hands each connection to the next worker in turn.
    headers: { "content-type": "application/json", authorization: "Bearer " + token, connection: "close" },
    body: JSON.stringify({ id: id, name: id }),
  });
  return answer.status;
}

describeEachStore("stamp serve --workers", (kind) => {
  it(
    kind === "postgres"
      ? "serves from two processes on one port, starts a killed worker again while the other answers, and stops both on SIGTERM"
      : "is refused on SQLite, with the reason, before anything is served",
    async () => {
      const database = await createTestDatabase(kind, { empty: true });
      const dir = tempDir();
      let server: ReturnType<typeof spawnStamp> | undefined;
      try {
        const tokenFile = join(dir, "operator.token");
        const init = await runStamp(["--db", database.location, "init", "--token-out", tokenFile, "--host-key-out", join(dir, "host.key")]);
        expect(init.code, init.err).toBe(0);
        const token = readFileSync(tokenFile, "utf8").trim();
        server = spawnStamp(["--db", database.location, "serve", "--port", "0", "--host", "127.0.0.1", "--workers", "2"]);
        if (kind === "sqlite") {
          const refused = await server.done;
          expect(refused.code).toBe(1);
          expect(refused.err).toBe(
            "error: --workers needs a PostgreSQL database (--db postgres://…): on SQLite the processes would wait for one write lock, and a tap's verdict would reach only the counter views of the process that judged it\n",
          );
          expect(refused.out).toBe("");
          return;
        }
        let out = await server.waitForOut(/listening on .*worker 1\)\n[\s\S]*listening on .*worker 2\)\n|listening on .*worker 2\)\n[\s\S]*listening on .*worker 1\)\n/, PROCESS_START_TIMEOUT_MS);
        const ports = [1, 2].map((n) => /:(\d+) \(/.exec(listeningLines(out, n)[0])?.[1]);
        expect(ports[0]).toBeDefined();
        expect(ports[1]).toBe(ports[0]);
        const url = `http://127.0.0.1:${ports[0]}`;
        expect(await createMerchant(url, token, "bean-bros")).toBe(201);

        const firstPid = Number(/worker 1 started \(pid (\d+)\)/.exec(out)?.[1]);
        process.kill(firstPid, "SIGKILL");
        out = await server.waitForOut(/worker 1 \(pid \d+\) ended \(killed by SIGKILL\): starting another in 1 s\n/, PROCESS_START_TIMEOUT_MS);
        // Meanwhile worker 2 answers every connection.
        for (let i = 0; i < 4; i++) expect(await createMerchant(url, token, `shop-chain-${i}`)).toBe(201);
        out = await server.waitForOut(/ended \(killed by SIGKILL\)[\s\S]*worker 1 started \(pid \d+\)[\s\S]*listening on [^\n]*worker 1\)\n/, PROCESS_START_TIMEOUT_MS);
        expect(listeningLines(out, 1)).toHaveLength(2);
        // Now worker 2 goes: the new worker 1 answers every connection on its own.
        const secondPid = Number(/worker 2 started \(pid (\d+)\)/.exec(out)?.[1]);
        process.kill(secondPid, "SIGKILL");
        await server.waitForOut(/worker 2 \(pid \d+\) ended \(killed by SIGKILL\)/, PROCESS_START_TIMEOUT_MS);
        for (let i = 4; i < 8; i++) expect(await createMerchant(url, token, `shop-chain-${i}`)).toBe(201);
        // Both workers judge on the one database: a merchant made through either exists for both.
        out = await server.waitForOut(/ended \(killed by SIGKILL\)[\s\S]*worker 2 started \(pid \d+\)[\s\S]*listening on [^\n]*worker 2\)\n/, PROCESS_START_TIMEOUT_MS);
        for (let i = 0; i < 4; i++) expect(await createMerchant(url, token, "bean-bros")).toBe(409);

        server.kill("SIGTERM");
        const served = await server.done;
        expect(served.code, served.err).toBe(0);
        expect(served.out).toMatch(/SIGTERM: stopping 2 workers\n/);
        expect(served.out.match(/stopped; database closed\n/g)).toHaveLength(2);
        expect(served.out).toMatch(/stopped; every worker closed its database\n$/);
        expect(Number(await database.value("SELECT COUNT(*) FROM merchants"))).toBe(9);
      } finally {
        // On a failure: the first process stops, and its workers with it (they close when it is gone).
        server?.kill("SIGKILL");
        rmSync(dir, { recursive: true, force: true });
        await database.discard();
      }
    },
    6 * PROCESS_START_TIMEOUT_MS,
  );

  // On SQLite --workers is refused (above): there is nothing to kill. (Node's cluster ends a
  // worker whose channel to the first process closes; this holds us to it.)
  if (kind === "postgres") it("leaves no worker serving: each closes when it loses the first process", async () => {
    const database = await createTestDatabase(kind, { empty: true });
    const dir = tempDir();
    const server = spawnStamp(["--db", database.location, "serve", "--port", "0", "--host", "127.0.0.1", "--workers", "2"]);
    try {
      const out = await server.waitForOut(/listening on .*worker [12]\)\n[\s\S]*listening on .*worker [12]\)\n/, PROCESS_START_TIMEOUT_MS);
      const pids = [1, 2].map((n) => Number(new RegExp(`worker ${n} started \\(pid (\\d+)\\)`).exec(out)?.[1]));
      server.kill("SIGKILL");
      await server.done;
      for (const deadline = Date.now() + PROCESS_START_TIMEOUT_MS; pids.some(alive) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      server.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      await database.discard();
    }
  }, 3 * PROCESS_START_TIMEOUT_MS);
});

/** Whether a process is still there. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("which serve options can run as workers", () => {
  const fine = { database: "postgres://stamp@db/stamp", http: true, station: false, argv: ["serve", "--workers", "2"], processArgv: ["serve", "--workers", "2"] };

  it("admits the HTTP API on PostgreSQL run as the stamp command", () => {
    expect(workerSetupProblem(fine)).toBeUndefined();
    expect(workerSetupProblem({ ...fine, database: "postgresql://stamp@db/stamp" })).toBeUndefined();
  });

  it("refuses a counter station, no HTTP, and a command line that is not the process's own", () => {
    expect(workerSetupProblem({ ...fine, station: true })).toMatch(/^--workers runs the HTTP API only/);
    expect(workerSetupProblem({ ...fine, http: false })).toMatch(/^--workers runs the HTTP API only/);
    expect(workerSetupProblem({ ...fine, processArgv: ["run", "test"] })).toMatch(/^--workers runs only as the stamp command itself/);
    expect(workerSetupProblem({ ...fine, database: "/var/lib/stamp/stamp.db" })).toMatch(/^--workers needs a PostgreSQL database/);
  });
});
