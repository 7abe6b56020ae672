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
      "set up an operator, a merchant's owner, enrolled counter and flashing stations and two stamps registered with proofs, " +
        "tap the simulated firmware through the API with the stations' signed requests, then show a replay, a forgery, a stolen stamp, " +
        "a clone proven by one counter signed twice and a request without a credential being refused (uses a temporary database unless --db is given)",
    )
    .action(async (_options: object, command: Command) => {
      const { runDemo } = await import("../sim/demo");
      await runDemo({ dbPath: dbChosen(command) ? dbPath(command) : undefined, out: (line: string) => context.io.out(line + "\n") });
    });
}

// Exit explicitly: a BLE station's bleno keeps an HCI management socket open that cannot be closed.
process.exit(await runCli(process.argv.slice(2), addDemo));
