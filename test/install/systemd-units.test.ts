/**
 * deploy/systemd's units: systemd accepts every line (`systemd-analyze verify`, where this
 * machine has it), and the `stamp` CLI accepts every word of their ExecStart: a flag the CLI
 * does not have, or a value it refuses, fails here and not on the shop's server.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, stamp } from "../cli/cli-harness";

const UNITS_DIR = join(REPO_ROOT, "deploy", "systemd");
const UNITS = readdirSync(UNITS_DIR).filter((name) => name.endsWith(".service"));
/** Where `npm install -g` puts the bin with Debian's Node (prefix /usr). */
const INSTALLED_STAMP = "/usr/bin/stamp";

function execStart(unit: string): string[] {
  const lines = readFileSync(join(UNITS_DIR, unit), "utf8").split("\n");
  const starts = lines.filter((line) => line.startsWith("ExecStart="));
  expect(starts, `${unit} has one ExecStart`).toHaveLength(1);
  const command = starts[0].slice("ExecStart=".length);
  // Read as plain words, which is what systemd makes of a line without quotes, $ or %.
  expect(command, `${unit}: ExecStart without quotes, variables or specifiers`).toMatch(/^[^"'$%\\]+$/);
  return command.trim().split(/\s+/);
}

class ParsedOnly extends Error {}

/** Parses `args` with the real program and stops before the command runs: the command and its options. */
async function parse(args: string[]): Promise<{ command: string; options: Record<string, unknown>; err: string }> {
  let parsed: Command | undefined;
  const result = await stamp(args, {
    extra: (program) =>
      program.hook("preAction", (_program, command) => {
        parsed = command;
        throw new ParsedOnly("parsed, not run");
      }),
  });
  return { command: parsed?.name() ?? "", options: parsed?.optsWithGlobals() ?? {}, err: result.err };
}

const scratch = mkdtempSync(join(tmpdir(), "stamp-units-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the systemd units", () => {
  it("are there: the host and the counter station", () => {
    expect(UNITS).toEqual(["stamp-counter.service", "stamp-host.service"]);
  });

  it.each(UNITS)("%s runs the installed stamp with arguments the CLI accepts", async (unit) => {
    const [program, ...args] = execStart(unit);
    expect(program).toBe(INSTALLED_STAMP);
    const parsed = await parse(args);
    expect(parsed.err).toBe("error: parsed, not run\n");
    expect(parsed.command).toBe("serve");
    if (unit === "stamp-host.service") expect(parsed.options).toMatchObject({ db: "/var/lib/stamp/stamp.db", hostKey: "/var/lib/stamp/stamp-host.key", http: true, tlsCert: "/etc/stamp/tls/cert.pem" });
    else expect(parsed.options).toMatchObject({ stationKey: "/var/lib/stamp/station.key", nfc: true, ble: true, http: false });
  });

  it("would catch a flag the CLI does not have", async () => {
    const parsed = await parse(["--db", "/var/lib/stamp/stamp.db", "serve", "--tls-certificate", "/etc/stamp/tls/cert.pem"]);
    expect(parsed.command).toBe("");
    expect(parsed.err).toMatch(/^error: unknown option '--tls-certificate'/);
  });

  const analyze = spawnSync("systemd-analyze", ["--version"]);
  it.skipIf(analyze.error !== undefined)("pass systemd-analyze verify without a word", () => {
    // verify also checks that the program exists: the clone's bin stands in for the installed one.
    const copies = UNITS.map((unit) => {
      const copy = join(scratch, unit);
      writeFileSync(copy, readFileSync(join(UNITS_DIR, unit), "utf8").replace(`ExecStart=${INSTALLED_STAMP} `, `ExecStart=${join(REPO_ROOT, "bin", "stamp.mjs")} `));
      return copy;
    });
    const result = spawnSync("systemd-analyze", ["verify", ...copies], { encoding: "utf8" });
    expect(result.stderr + result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});
