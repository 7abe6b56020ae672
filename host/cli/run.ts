import { Command, CommanderError } from "commander";
import { buildProgram, CliContext } from "./program";
import { CliError, processIo } from "./io";

/**
 * Runs the CLI on `argv` (without "node" and the script) and gives the exit status instead of
 * exiting: 0 on success, non-zero with `error: ...` on stderr otherwise. Never a stack trace.
 */
export async function runCli(
  argv: string[],
  extra?: (program: Command, context: CliContext) => void,
  context: CliContext = { io: processIo },
): Promise<number> {
  const program = buildProgram(extra, { ...context, argv: argv });
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    // Commander has already printed its own message (or the help / version).
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      context.io.err(`error: ${error.message}\n`);
      return error.exitCode;
    }
    context.io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
