import { colourWanted } from "./colour";

/** Where the CLI writes, so tests can run it in-process and read what it printed. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether `out` is a terminal that wants colour (host/cli/colour.ts); none when not said. */
  readonly colour?: boolean;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  get colour() {
    return colourWanted(process.stdout.isTTY, process.env);
  },
};

/** A failure to report as `error: <message>` with a non-zero exit status. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
