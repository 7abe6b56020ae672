/**
 * The result lines both ends of an Espruino console session use: each command prints
 * `@@R<id>:<json>` (its value) or `@@E<id>:<json>` (what it threw), or `@@X<id>` when the device
 * no longer has the session's result helper: it restarted since the session began. The marker is
 * written split ("@"+"@R") in the command, so the console's echo of a command never looks like
 * its result.
 */
const RESULT_LINE = /@@(?:([RE])(\d+):(.*)|X(\d+))$/;

export type ConsoleResult =
  | { id: number; threw: boolean; value: unknown }
  /** A result line whose JSON could not be read (garbled in transit). */
  | { id: number; unreadable: true }
  /** The device forgot the session (it was reset or rebooted). */
  | { id: number; forgotten: true };

/** The result a console line carries, or undefined for any other line. */
export function parseConsoleResult(line: string): ConsoleResult | undefined {
  const match = RESULT_LINE.exec(line);
  if (match === null) return undefined;
  if (match[4] !== undefined) return { id: Number(match[4]), forgotten: true };
  const id = Number(match[2]);
  try {
    return { id: id, threw: match[1] === "E", value: JSON.parse(match[3]) as unknown };
  } catch {
    return { id: id, unreadable: true };
  }
}
