/**
 * Constant-time check ("ctgrind"): the host build with -DED25519_CTGRIND marks
 * the seed as undefined memory for valgrind memcheck before every call (and the
 * results as defined before printing). Any branch, conditional move or memory
 * address that depends on the seed - or on anything derived from it: scalar,
 * nonce, intermediate points - is then reported by memcheck.
 *
 * A deliberately leaky variant (ct-fixtures/leaky_select.c: a branchy, indexed
 * table lookup) must be flagged, which shows the check can fail.
 */
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CTGRIND_LEAKY_PATH,
  CTGRIND_PATH,
  hasCommand,
  missingCommands,
  runMake,
} from "../../firmware/native/native-tools";
import * as fs from "node:fs";
import { RFC8032_VECTORS } from "./rfc8032-vectors";
import { randomCases } from "./node-ed25519";

const missing = missingCommands(["valgrind", "make", "cc"]);
const header = "/usr/include/valgrind/memcheck.h";
if (missing.length === 0 && !fs.existsSync(header) && !hasCommand("pkg-config")) {
  missing.push(header);
}
if (missing.length > 0) {
  console.warn(
    `[ed25519-ctgrind] SKIPPED: missing ${missing.join(", ")}. Install Debian packages valgrind build-essential ` +
      "to run the constant-time check.",
  );
}
const suite = missing.length > 0 ? describe.skip : describe;

const SECRET_DEPENDENT = /Conditional jump or move depends on uninitialised value|Use of uninitialised value of size/g;

interface ValgrindRun {
  stdout: string[];
  stderr: string;
  findings: number;
}

function runUnderMemcheck(binary: string, lines: readonly string[]): ValgrindRun {
  const r = spawnSync(
    "valgrind",
    ["--tool=memcheck", "--error-exitcode=99", "--track-origins=yes", "--num-callers=8", binary],
    { input: lines.join("\n") + "\n", encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.error) throw r.error;
  const stdout = r.stdout.split("\n").filter((l) => l.length > 0);
  const findings = (r.stderr.match(SECRET_DEPENDENT) ?? []).length;
  if (r.status !== 0 && r.status !== 99) throw new Error(`valgrind exited with ${String(r.status)}:\n${r.stderr}`);
  if (r.status === 99 && findings === 0) throw new Error(`valgrind reported other errors:\n${r.stderr}`);
  return { stdout, stderr: r.stderr, findings };
}

function workload(): { lines: string[]; expected: string[] } {
  const lines: string[] = [];
  const expected: string[] = [];
  const v = RFC8032_VECTORS[2];
  if (!v) throw new Error("no vectors");
  lines.push(`pk ${v.secretKey}`, `sign ${v.secretKey} ${v.publicKey} ${v.message}`);
  expected.push(v.publicKey, v.signature);
  for (const c of randomCases(6, 200)) {
    lines.push(`pk ${c.seed.toString("hex")}`);
    lines.push(`sign ${c.seed.toString("hex")} ${c.publicKey.toString("hex")} ${c.message.toString("hex")}`.trimEnd());
    expected.push(c.publicKey.toString("hex"), c.signature.toString("hex"));
  }
  return { lines, expected };
}

suite("constant time with respect to the seed (valgrind memcheck, ctgrind)", () => {
  beforeAll(() => {
    runMake(["ct"]);
  }, 120_000);

  it("finds no secret-dependent branch or memory index in key generation and signing", () => {
    const { lines, expected } = workload();
    const run = runUnderMemcheck(CTGRIND_PATH, lines);
    if (run.findings > 0) console.error(run.stderr);
    expect(run.findings).toBe(0);
    expect(run.stdout).toEqual(expected);
  }, 120_000);

  it("flags the deliberately leaky table lookup fixture", () => {
    const { lines, expected } = workload();
    const run = runUnderMemcheck(CTGRIND_LEAKY_PATH, lines);
    expect(run.findings).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/ge_select/);
    // the leaky variant still computes correct results: only its timing behaviour differs
    expect(run.stdout).toEqual(expected);
  }, 120_000);
});
