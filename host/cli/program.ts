/**
 * The `stamp` command line. Every command goes through the HTTP API in-process (see api.ts),
 * so it validates exactly as the network API does; `serve` runs that API on a socket.
 * The program is built here without the demo: the demo drives firmware code, which the host
 * must never import, so bin/stamp-main.ts (the wiring) adds it through `extra`.
 */
import { Command, Option } from "commander";
import { addFlashCommand } from "./commands/flash";
import { addHistoryCommands } from "./commands/history";
import { addRegistryCommands } from "./commands/registry";
import { addServeCommand } from "./commands/serve";
import { addStampCommands } from "./commands/stamps";
import { CliContext, DEFAULT_DB } from "./context";
import { processIo } from "./io";

export type { CliContext };

export function buildProgram(extra?: (program: Command, context: CliContext) => void, context: CliContext = { io: processIo }): Command {
  const program = new Command("stamp");
  // Set before any subcommand is made: commander copies these settings into each of them.
  program
    .description("host of the smart stamp: registry of merchants, shops, verifiers and stamps; challenges, taps, ledger, alerts")
    .version("0.1.0", "-V, --version", "print the version")
    .addOption(new Option("--db <path>", "SQLite database file").env("STAMP_DB").default(DEFAULT_DB))
    .exitOverride()
    .configureOutput({ writeOut: context.io.out, writeErr: context.io.err })
    .showHelpAfterError("(run with --help for usage)");
  addServeCommand(program, context);
  addRegistryCommands(program, context);
  addStampCommands(program, context);
  addHistoryCommands(program, context);
  addFlashCommand(program, context);
  extra?.(program, context);
  return program;
}
