/**
 * `stamp --db <path or postgres:// URL>`: init makes the database, `serve` (a real process)
 * answers on it until SIGTERM, and the other commands read what it wrote; on PostgreSQL the
 * URL's password never appears in what the CLI prints.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runStamp, spawnStamp, stamp, tempDir } from "../cli/cli-harness";
import { createTestDatabase, describeEachStore } from "../support/test-stores";

/** A `stamp` process starting (tsx) and opening its database, on a loaded machine. */
const PROCESS_START_TIMEOUT_MS = 60_000;
const PASSWORD = "not-to-be-printed";

describeEachStore("stamp init and serve with --db", (kind) => {
  it("makes the database, serves it until SIGTERM, and every command reads it; a URL's password is never printed", async () => {
    const database = await createTestDatabase(kind, { empty: true });
    // The test server trusts local connections: the password is only there to be hidden.
    const location = kind === "postgres" ? database.location.replace("postgres://postgres@", `postgres://postgres:${PASSWORD}@`) : database.location;
    const dir = tempDir();
    try {
      const tokenFile = join(dir, "operator.token");
      const init = await runStamp(["--db", location, "init", "--token-out", tokenFile, "--host-key-out", join(dir, "host.key")]);
      expect(init.code, init.err).toBe(0);
      const token = readFileSync(tokenFile, "utf8").trim();

      const server = spawnStamp(["--db", location, "serve", "--port", "0", "--host", "127.0.0.1"]);
      const out = await server.waitForOut(/listening on http:\/\/127\.0\.0\.1:\d+ \(database .*\)/, PROCESS_START_TIMEOUT_MS);
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? "";
      const created = await fetch(url + "/v1/merchants", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer " + token },
        body: '{"id":"bean-bros","name":"Bean Bros"}',
      });
      expect(created.status).toBe(201);
      server.kill("SIGTERM");
      const served = await server.done;
      expect(served.code, served.err).toBe(0);
      expect(served.out).toMatch(/SIGTERM: shutting down\nstopped; database closed\n$/);

      const listed = await stamp(["--db", location, "--token-file", tokenFile, "merchants", "list", "--json"]);
      expect(listed.code, listed.err).toBe(0);
      expect(JSON.parse(listed.out)).toMatchObject({ items: [{ id: "bean-bros", name: "Bean Bros" }] });
      const printed = [init.out, init.err, served.out, served.err, listed.out, listed.err].join("\n");
      expect(printed).not.toContain(PASSWORD);
      if (kind === "postgres") expect(served.out).toContain("postgres://postgres:***@127.0.0.1:");
      else expect(served.out).toContain(`(database ${location})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 4 * PROCESS_START_TIMEOUT_MS);
});
