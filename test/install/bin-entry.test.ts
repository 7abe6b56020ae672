/**
 * bin/stamp.mjs, the npm bin, in a copy of the package with a stand-in for the compiled CLI:
 * it says what to do when there is no build, and warns in a clone whose sources are newer than
 * the build.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../cli/cli-harness";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "stamp-bin-"));
  cpSync(join(REPO_ROOT, "bin"), join(root, "bin"), { recursive: true });
  cpSync(join(REPO_ROOT, "package.json"), join(root, "package.json"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function runBin(): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(root, "bin", "stamp.mjs"), "--help"], { encoding: "utf8" });
}

/** A compiled CLI that only says it ran, built from `inputs` at `builtAt`. */
function fakeBuild(inputs: string[], builtAt: Date): void {
  mkdirSync(join(root, "dist", "host"), { recursive: true });
  writeFileSync(join(root, "dist", "host", "stamp.js"), 'process.stdout.write("compiled CLI ran\\n");\n');
  writeFileSync(join(root, "dist", "host", "inputs.json"), JSON.stringify(inputs));
  utimesSync(join(root, "dist", "host", "stamp.js"), builtAt, builtAt);
}

describe("bin/stamp.mjs", () => {
  it("says to run `npm run build` when the compiled CLI is missing", () => {
    const result = runBin();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`stamp: the compiled CLI ${join(root, "dist", "host", "stamp.js")} is missing: run \`npm run build\` in ${root}\n`);
  });

  it("runs the compiled CLI, warning in a clone whose sources changed after the build", () => {
    mkdirSync(join(root, "host"));
    writeFileSync(join(root, "host", "cli.ts"), "");
    fakeBuild(["host/cli.ts"], new Date(Date.now() + 60_000));
    expect(runBin()).toMatchObject({ status: 0, stdout: "compiled CLI ran\n", stderr: "" });

    fakeBuild(["host/cli.ts"], new Date(Date.now() - 60_000));
    const stale = runBin();
    expect(stale.status).toBe(0);
    expect(stale.stdout).toBe("compiled CLI ran\n");
    expect(stale.stderr).toBe(`stamp: warning: the sources changed after the last build: run \`npm run build\` in ${root}\n`);
  });
});
