/**
 * package.json's engines.node is the truth: every installed package supports every Node version
 * it admits, this machine's Node is one of them, and bin/stamp.mjs refuses an older one clearly.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeVersionAdmitted, nodeVersionTooOld } from "../../bin/node-version.mjs";
import { REPO_ROOT } from "../cli/cli-harness";

/** semver is in node_modules as a dependency of our dependencies; it has no types of its own. */
const semver = createRequire(import.meta.url)("semver") as {
  subset(sub: string, dom: string): boolean;
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
  lt(a: string, b: string): boolean;
};

const engines = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

/** A lock entry's Node range: `{ "node": ">=18" }`, or the old `["node >=0.6"]` form. */
function nodeRange(entry: LockEntry): string | undefined {
  if (Array.isArray(entry.engines)) return entry.engines.find((item) => item.startsWith("node"))?.slice("node".length).trim();
  return entry.engines?.node;
}

describe("engines.node", () => {
  it("is within the Node range of every installed package", () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
    const narrower: string[] = [];
    let checked = 0;
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = nodeRange(entry);
      // "" is this package; optional packages for other platforms are in the lock but not installed.
      if (path === "" || range === undefined || !existsSync(join(REPO_ROOT, path))) continue;
      checked++;
      if (!semver.subset(engines, range)) narrower.push(`${path.replace(/^.*node_modules\//, "")}@${entry.version ?? "?"} needs node ${range}`);
    }
    expect(checked).toBeGreaterThan(50);
    expect(narrower, `engines.node is "${engines}"`).toEqual([]);
  });

  it("admits this machine's Node", () => {
    expect(semver.satisfies(process.version, engines)).toBe(true);
    expect(nodeVersionAdmitted(process.version, engines)).toBe(true);
  });

  it("is read by bin/node-version.mjs exactly as semver reads it", () => {
    const oldest = semver.minVersion(engines)?.version ?? "";
    for (let major = 16; major <= 28; major++) {
      for (const minor of [0, 11, 12, 13, 18, 19, 20, 30]) {
        for (const patch of [0, 7]) {
          const version = `${major}.${minor}.${patch}`;
          expect(nodeVersionAdmitted(version, engines), version).toBe(semver.satisfies(version, engines));
          expect(nodeVersionTooOld(version, engines), version).toBe(semver.lt(version, oldest));
        }
      }
    }
  });

  it("bin/stamp.mjs refuses an older Node with one clear line", () => {
    // The Node of this test, told it is 18.20.0 before bin/stamp.mjs runs.
    const olderNode = `data:text/javascript,Object.defineProperty(process, "version", { value: "v18.20.0" })`;
    const result = spawnSync(process.execPath, ["--import", olderNode, join(REPO_ROOT, "bin", "stamp.mjs"), "--help"], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`stamp: needs Node.js ${engines}; this is v18.20.0\n`);
  });
});
