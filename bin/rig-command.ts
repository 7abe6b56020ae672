/**
 * `stamp rig`: the security rig (docs/rig.md) from the `stamp` command. The rig and its weakened
 * twins are test code (rig/, test/rig/), deliberately not in the product bundle nor the npm
 * package: so in a clone it runs `rig/rig-main.ts` under tsx, as `npm run rig` does, and in an
 * installed package it says where to get it. Nothing of rig/ is imported here, so esbuild
 * bundles none of it.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Command, CommanderError } from "commander";
import { CliError } from "../host/cli/io";

/** The exit status of a command line the rig refused, as the rig gives it. */
const USAGE_ERROR = 2;

/** The nearest directory at or above `from` holding a package.json: the clone or the installed package. */
export function packageRootOf(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/** What `stamp rig` needs in a clone: rig/rig-main.ts and tsx to run it; or why it cannot run here. */
export function rigLaunch(root: string): { ok: true; main: string; tsx: string } | { ok: false; why: string } {
  const main = join(root, "rig", "rig-main.ts");
  if (!existsSync(main)) {
    return {
      ok: false,
      why:
        "the security rig is not part of the installed package: it and its weakened twins are test code (rig/, test/rig/), kept out of the product. " +
        "Run it from a clone of the repository: npm ci, then `npx stamp rig` or `npm run rig` (docs/rig.md)",
    };
  }
  try {
    return { ok: true, main: main, tsx: pathToFileURL(createRequire(join(root, "package.json")).resolve("tsx")).href };
  } catch {
    return { ok: false, why: `the rig runs under tsx, which is not installed in ${root}: run npm ci there` };
  }
}

/** Runs the rig with `args`, its output on this terminal; resolves with its exit status. */
function runRig(launch: { main: string; tsx: string }, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", launch.tsx, launch.main, ...args], { stdio: "inherit" });
    child.once("error", reject);
    // Killed by a signal: the shell's convention, 128 + its number.
    child.once("exit", (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0))));
  });
}

export function addRigCommand(program: Command, root: string): void {
  program
    .command("rig")
    .description(
      "run the security rig: named attack campaigns against a host (one it starts, or --url with --merchant), each also against a weakened twin; " +
        "reports in reports/ (docs/rig.md). In a clone of the repository only. `stamp rig --help` lists the rig's own options",
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[rig options...]", "passed to the rig as they are")
    .action(async (args: string[]) => {
      const launch = rigLaunch(root);
      if (!launch.ok) throw new CliError(launch.why, USAGE_ERROR);
      // --url is also stamp's own option, so commander hands it to the program: given on the command line, it is the rig's deployment too.
      const url = program.getOptionValueSource("url") === "cli" ? ["--url", String(program.opts().url)] : [];
      const status = await runRig(launch, [...url, ...args]);
      // The rig has printed its own report and failures: pass its status on without another message.
      if (status !== 0) throw new CommanderError(status, "stamp.rig", "");
    });
}
