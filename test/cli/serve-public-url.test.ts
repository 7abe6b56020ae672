/**
 * `stamp serve` and the phone pages' public URL: on loopback it defaults to
 * http://localhost:<port> and says so; --public-url must be a base URL a stamp can be flashed
 * with, and its host is served (Host allow-list).
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send } from "../hardening/harness";
import { serveInProcess, stamp, tempDir } from "./cli-harness";
import { CliWorld, initWorld } from "./cli-world";

const TIMEOUT = 30_000;
let dir: string;
let world: CliWorld;

beforeAll(async () => {
  dir = tempDir();
  world = await initWorld(dir);
}, TIMEOUT);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stamp serve --public-url", () => {
  it("defaults to http://localhost:<port> on loopback, and serves the press page there", async () => {
    const server = await serveInProcess(["--db", world.db, "serve", "--port", "0"]);
    try {
      const port = new URL(server.url).port;
      const page = await fetch(`http://localhost:${port}/p`, { headers: { "accept-language": "en" } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`data-tap-prefix="http://localhost:${port}/t/"`);
    } finally {
      const result = await server.stop();
      expect(result.out).toMatch(/phone pages at http:\/\/localhost:\d+ /);
    }
  }, TIMEOUT);

  it("serves the public URL's host name", async () => {
    const server = await serveInProcess(["--db", world.db, "--public-url", "https://stamp.example.kr", "serve", "--port", "0"]);
    try {
      const port = Number(new URL(server.url).port);
      const named = await send(port, { path: "/p", headers: { host: "stamp.example.kr" } });
      expect(named.status).toBe(200);
      expect(named.text).toContain('data-tap-prefix="https://stamp.example.kr/t/"');
      const other = await send(port, { path: "/p", headers: { host: "evil.example" } });
      expect(other.status).toBe(421);
    } finally {
      const result = await server.stop();
      expect(result.out).toContain("phone pages at https://stamp.example.kr ");
    }
  }, TIMEOUT);

  it("refuses a public URL a stamp could not be flashed with, naming the rule", async () => {
    for (const bad of ["https://stamp.example.kr/", "ftp://stamp.example.kr", "https://stamp.example.kr/?x"]) {
      const result = await stamp(["--db", world.db, "--public-url", bad, "serve", "--port", "0"]);
      expect(result.code, bad).not.toBe(0);
      expect(result.err, bad).toMatch(/--public-url.*http:\/\/ or https:\/\//);
    }
  }, TIMEOUT);
});
