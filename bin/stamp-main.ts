/**
 * The `stamp` command's entry point, and the one place that wires the host CLI to the
 * simulation: the host never imports firmware or sim code, so the `demo` command is added here,
 * and its module is loaded only when the demo actually runs.
 */
import { Command } from "commander";
import { dbChosen, dbPath } from "../host/cli/context";
import { CliContext } from "../host/cli/program";
import { runCli } from "../host/cli/run";

function addDemo(program: Command, context: CliContext): void {
  program
    .command("demo")
    .description(
      "provision two shops of one merchant, tap stamps through the simulated firmware and the real host, " +
        "then show a replay, a clone, a stolen stamp and a forgery being refused (uses a temporary database unless --db is given)",
    )
    .action(async (_options: object, command: Command) => {
      const { runDemo } = await import("../sim/demo");
      await runDemo({ dbPath: dbChosen(command) ? dbPath(command) : undefined, out: (line: string) => context.io.out(line + "\n") });
    });
}

// Exit explicitly: a BLE station's bleno keeps an HCI management socket open that cannot be closed.
process.exit(await runCli(process.argv.slice(2), addDemo));
