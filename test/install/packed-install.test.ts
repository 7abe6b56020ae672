/**
 * The package as an operator installs it (docs/deploy.md): `npm pack` of this clone's build,
 * `npm install -g` of the tarball into a temporary prefix from the npm cache, then the installed
 * `stamp`: its help, `init`, a command through the API and the demo, all without TypeScript or tsx.
 *
 * Relies on the compiled CLI in dist/host (`npm run build`; `npm test` runs it first through
 * scripts/setup.mjs) and packs with --ignore-scripts, so that this test never rebuilds dist/host
 * under the other tests that run bin/stamp.mjs at the same time.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../cli/cli-harness";

/** Installing builds the NFC and BLE native modules from source: minutes on a loaded machine. */
const INSTALL_TIMEOUT_MS = 600_000;

interface Finished {
  code: number | null;
  out: string;
  err: string;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Finished> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", rejectRun);
    child.on("close", (code) => resolveRun({ code, out, err }));
  });
}

const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { allowScripts: Record<string, boolean> };
/** The dependencies whose install scripts must run (native modules): package.json's allowScripts. */
const allowedScripts = Object.entries(packageJson.allowScripts)
  .filter(([, allowed]) => allowed)
  .map(([name]) => name);

/**
 * better-sqlite3's install script takes a prebuilt binary from a directory before it compiles
 * SQLite from source (several minutes): hand it the one this clone's `npm ci` built, for this
 * very Node and version, so the test spends its time on npm, not on the C compiler.
 */
async function betterSqlitePrebuild(dir: string): Promise<string> {
  const module = join(REPO_ROOT, "node_modules", "better-sqlite3");
  const { version } = JSON.parse(readFileSync(join(module, "package.json"), "utf8")) as { version: string };
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const packed = await run("tar", ["-czf", join(dir, name), "-C", module, "build/Release/better_sqlite3.node"]);
  if (packed.code !== 0) throw new Error(`tar failed: ${packed.err}`);
  return dir;
}

let dir: string;
let tarballFiles: string[];
let stamp: string;

beforeAll(async () => {
  if (!existsSync(join(REPO_ROOT, "dist", "host", "stamp.js"))) throw new Error("dist/host/stamp.js is missing: run `npm run build` first");
  dir = mkdtempSync(join(tmpdir(), "stamp-install-"));
  const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir]);
  expect(packed.code, packed.err).toBe(0);
  const [summary] = JSON.parse(packed.out) as { filename: string; files: { path: string }[] }[];
  const tarball = join(dir, summary.filename);
  tarballFiles = summary.files.map((file) => file.path);

  const prefix = join(dir, "prefix");
  const installed = await run(
    "npm",
    ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", `--allow-scripts=${allowedScripts.join(",")}`, tarball],
    { cwd: dir, env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: await betterSqlitePrebuild(dir) } },
  );
  expect(installed.code, installed.err).toBe(0);
  stamp = join(prefix, "bin", "stamp");
}, INSTALL_TIMEOUT_MS);

// The installed tree is hundreds of packages: removing it takes a while on a loaded machine.
afterAll(() => (dir === undefined ? undefined : rm(dir, { recursive: true, force: true })), 120_000);

describe("docs/deploy.md", () => {
  it("installs with the install scripts this test allows", () => {
    expect(readFileSync(join(REPO_ROOT, "docs", "deploy.md"), "utf8")).toContain(`npm install -g --allow-scripts=${allowedScripts.join(",")} ./smart-stamp-`);
  });
});

describe("npm install -g of the packed tarball", () => {
  it("packs the compiled CLI, the firmware image, the units and the docs, and no TypeScript", () => {
    for (const path of ["bin/stamp.mjs", "dist/host/stamp.js", "dist/host/pcsc-child.js", "dist/firmware/manifest.json", "dist/firmware/stamp.js", "dist/firmware/ed25519.bin", "deploy/systemd/stamp-host.service", "docs/deploy.md", "README.md"]) {
      expect(tarballFiles).toContain(path);
    }
    expect(tarballFiles.filter((path) => path.endsWith(".ts"))).toEqual([]);
  });

  it("runs the installed `stamp --help`", async () => {
    const help = await run(stamp, ["--help"], { cwd: dir });
    expect(help.code, help.err).toBe(0);
    expect(help.out).toMatch(/^Usage: stamp \[options\] \[command\]/);
    expect(help.out).toMatch(/^ {2}serve\b/m);
    expect(help.err).toBe("");
  }, 30_000);

  it("makes a database with `stamp init` and adds a merchant through the API (SQLite and Fastify from the installed packages)", async () => {
    const db = join(dir, "x.db");
    const token = join(dir, "operator.token");
    const init = await run(stamp, ["--db", db, "init", "--token-out", token, "--host-key-out", join(dir, "host.key")], { cwd: dir });
    expect(init.code, init.err).toBe(0);
    expect(init.out).toContain(`database ${db} ready; operator credential `);
    expect(statSync(token).mode & 0o777).toBe(0o600);
    const added = await run(stamp, ["--db", db, "--token-file", token, "merchants", "add", "bean-bros", "Bean Bros"], { cwd: dir });
    expect(added.code, added.err).toBe(0);
    expect(added.out).toBe("merchant bean-bros added: Bean Bros\n");
  }, 30_000);

  it("runs the demo from the installed package (its simulated stamps build their C signer from the packed sources)", async () => {
    const demo = await run(stamp, ["demo"], { cwd: dir });
    expect(demo.code, demo.err).toBe(0);
    expect(demo.out).toMatch(/ NFC +\d+ +REJECTED +COUNTER_FORK/);
    expect(demo.out).toContain("STAMP_QUARANTINED");
  }, 300_000);
});
