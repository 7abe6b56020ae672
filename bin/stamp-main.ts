/**
 * The `stamp` command's entry point, and the one place that wires the host CLI to the
 * simulation: the host never imports firmware or sim code, so the `demo` command is added here,
 * and its module is loaded only when the demo actually runs. `rig` is added here too: it starts
 * the security rig (test code, never bundled) in a clone, as a process of its own.
 */
import { Command } from "commander";
import { dbChosen, dbPath } from "../host/cli/context";
import { CliContext } from "../host/cli/program";
import { runCli } from "../host/cli/run";
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { addRigCommand, packageRootOf } from "./rig-command";

function addDemo(program: Command, context: CliContext): void {
  program
    .command("demo")
    .description(
      "set up an operator, a merchant's owner, enrolled counter and flashing stations and two stamps registered with proofs, " +
        "tap the simulated firmware through the API with the stations' signed requests, then show a replay, a forgery, a stolen stamp, " +
        "a clone proven by one counter signed twice and a request without a credential being refused (uses a temporary database unless --db is given)",
    )
    .action(async (_options: object, command: Command) => {
      const { runDemo } = await import("../sim/demo");
      await runDemo({ dbPath: dbChosen(command) ? dbPath(command) : undefined, out: (line: string) => context.io.out(line + "\n") });
    });
}

/** The clone or installed package this runs from (bin/ in a clone under tsx, dist/host/ when bundled). */
const packageRoot = packageRootOf(dirname(fileURLToPath(import.meta.url)));

// Exit explicitly: a BLE station's bleno keeps an HCI management socket open that cannot be closed.
process.exit(
  await runCli(process.argv.slice(2), (program, context) => {
    addDemo(program, context);
    addRigCommand(program, packageRoot);
  }),
);
