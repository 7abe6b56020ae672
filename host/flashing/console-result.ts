/**
 * The result lines both ends of an Espruino console session use: each command prints
 * `@@R<id>:<json>` (its value) or `@@E<id>:<json>` (what it threw). The marker is written split
 * ("@"+"@R") in the command, so the console's echo of a command never looks like its result.
 */
const RESULT_LINE = /@@([RE])(\d+):(.*)$/;

export type ConsoleResult =
  | { id: number; threw: boolean; value: unknown }
  /** A result line whose JSON could not be read (garbled in transit). */
  | { id: number; unreadable: true };

/** The result a console line carries, or undefined for any other line. */
export function parseConsoleResult(line: string): ConsoleResult | undefined {
  const match = RESULT_LINE.exec(line);
  if (match === null) return undefined;
  const id = Number(match[2]);
  try {
    return { id: id, threw: match[1] === "E", value: JSON.parse(match[3]) as unknown };
  } catch {
    return { id: id, unreadable: true };
  }
}
