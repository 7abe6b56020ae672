/**
 * Colour for people at a terminal, and only there: never in a pipe or a file, never when
 * NO_COLOR is set to anything (https://no-color.org), never on TERM=dumb. Colour only ever
 * repeats what the words already say.
 */
export type Tone = "red" | "yellow" | "green" | "dim";

const CODES: Readonly<Record<Tone, string>> = { red: "31", yellow: "33", green: "32", dim: "2" };

/** Whether output to a stream should be coloured: a terminal, without NO_COLOR, not TERM=dumb. */
export function colourWanted(isTerminal: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (isTerminal !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return env.TERM !== "dumb";
}

/** `text` in `tone` when `on`; unchanged otherwise. */
export function paint(on: boolean, tone: Tone | undefined, text: string): string {
  return on && tone !== undefined && text !== "" ? `\u001b[${CODES[tone]}m${text}\u001b[0m` : text;
}

/** A stamp's status: in service green, quarantined yellow, revoked red. */
export function statusTone(status: string): Tone | undefined {
  return status === "active" ? "green" : status === "quarantined" ? "yellow" : status === "revoked" ? "red" : undefined;
}

/** An alert kind: proof of a copy or a forgery (of a tap or of a registration) red, the others yellow. */
export function alertTone(kind: string): Tone {
  return kind === "CLONE_PROVEN" || kind === "FORGED_SIGNATURE" || kind === "FORGED_REGISTRATION" ? "red" : "yellow";
}
