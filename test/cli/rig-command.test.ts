/**
 * `stamp rig`: in a clone it runs the security rig (rig/rig-main.ts under tsx) with its own
 * options and exit status; in an installed package, which ships no rig, it says so and exits 2.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addRigCommand, packageRootOf, rigLaunch } from "../../bin/rig-command";
import { REPO_ROOT, runStamp, stamp, tempDir } from "./cli-harness";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** tsx compiles the CLI and then the rig, each in a process of its own, on a loaded 2-core machine. */
const SPAWN_TIMEOUT = 60_000;
/** One short campaign, replay, and its twin: about 15 s when the machine is busy. */
const SHORT_RUN_TIMEOUT = 120_000;

describe("stamp rig", () => {
  it("finds the package root from bin/ (under tsx) and from dist/host/ (bundled)", () => {
    expect(packageRootOf(join(REPO_ROOT, "bin"))).toBe(REPO_ROOT);
    expect(packageRootOf(join(REPO_ROOT, "dist", "host"))).toBe(REPO_ROOT);
  });

  it("in an installed package (no rig/ beside it) exits 2 and says the rig is test code, to run from a clone", async () => {
    writeFileSync(join(dir, "package.json"), "{}");
    expect(rigLaunch(dir)).toMatchObject({ ok: false, why: expect.stringMatching(/not part of the installed package/) });
    const result = await stamp(["rig", "--short"], { extra: (program) => addRigCommand(program, dir) });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^error: the security rig is not part of the installed package: .*clone of the repository/);
    expect(result.out).toBe("");
  });

  it("in a clone without tsx installed says what to do", () => {
    mkdirSync(join(dir, "rig"));
    writeFileSync(join(dir, "rig", "rig-main.ts"), "");
    writeFileSync(join(dir, "package.json"), "{}");
    expect(rigLaunch(dir)).toMatchObject({ ok: false, why: expect.stringMatching(/tsx.*npm ci/) });
  });

  it("in this clone passes --help and a bad option to the rig, with the rig's exit status", async () => {
    expect(rigLaunch(REPO_ROOT)).toMatchObject({ ok: true, main: join(REPO_ROOT, "rig", "rig-main.ts") });
    const help = await runStamp(["rig", "--help"]);
    expect(help.code, help.err).toBe(0);
    expect(help.out).toMatch(/^npm run rig -- \[--short\]/);
    const bad = await runStamp(["rig", "--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^Unknown option '--bogus'/);
    expect(bad.err).not.toMatch(/^error:/m);
  }, SPAWN_TIMEOUT);

  it("runs a short campaign and its twin, and writes the three reports", async () => {
    const result = await runStamp(["rig", "--short", "--campaign", "replay", "--out", dir]);
    expect(result.code, result.err).toBe(0);
    const paths = result.out.trim().split("\n");
    expect(paths.map((p) => p.slice(p.lastIndexOf("."))).sort()).toEqual([".html", ".json", ".md"]);
    expect(paths.every((p) => p.startsWith(join(dir, "rig-")))).toBe(true);
    const report = JSON.parse(readFileSync(paths.find((p) => p.endsWith(".json")) ?? "", "utf8")) as { passed: boolean; campaigns: { campaign: string }[] };
    expect({ passed: report.passed, campaigns: report.campaigns.map((c) => c.campaign) }).toEqual({ passed: true, campaigns: ["replay"] });
    expect(result.err).toMatch(/replay against its twin: \d+ accepted/);
  }, SHORT_RUN_TIMEOUT);
});
