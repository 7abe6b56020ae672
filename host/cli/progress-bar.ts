/**
 * `stamp flash`'s progress on stderr. On a terminal each step has one line, redrawn in place
 * (carriage return, erase line) as it advances and kept when the next step begins. In a pipe or a
 * file there are no redraws: one line per step, written when the step begins, except a counted
 * step (the upload), written once when it reaches 100 % — or where it stopped, if it did not.
 */
import { FlashProgress } from "../flashing/station";

/** What the progress is written to: a terminal has isTTY and, usually, a width. */
export interface ProgressTerminal {
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 24;
/** Back to the start of the line, and erase it. */
const REDRAW = "\r\x1b[2K";

function isCounted(event: FlashProgress): event is FlashProgress & { done: number; total: number } {
  return event.done !== undefined && event.total !== undefined && event.total > 0;
}

/** "[######..................] 25% stamp.js 1200/4800" for a counted step, the message alone otherwise. */
export function progressText(event: FlashProgress): string {
  if (!isCounted(event)) return event.message;
  const filled = Math.round((BAR_WIDTH * event.done) / event.total);
  return `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${Math.round((100 * event.done) / event.total)}% ${event.message}`;
}

/**
 * The line cut to the terminal's width, less one column: a line that wraps cannot be redrawn in
 * place (the carriage return only goes back to the start of its last row).
 */
export function fitToWidth(line: string, columns: number | undefined): string {
  if (columns === undefined || columns < 2) return line;
  const characters = [...line];
  return characters.length < columns ? line : characters.slice(0, columns - 1).join("");
}

interface StepLine {
  /** The step it belongs to, and the stamp in a batch. */
  key: string;
  text: string;
}

/** Flash progress, and the other lines said among it, written as fits `terminal`. */
export class ProgressWriter {
  /** On a terminal: the step whose line is drawn and not yet ended. */
  private drawn: string | undefined;
  /** In a pipe: a counted step's latest line, written when the step completes or is left. */
  private held: StepLine | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly terminal: ProgressTerminal,
  ) {}

  /** One progress event; `prefix` tells stamps of a batch apart ("[2/3] "). */
  show(prefix: string, event: FlashProgress): void {
    const line = { key: prefix + event.step, text: `${prefix}${event.step}: ${progressText(event)}` };
    if (this.terminal.isTTY === true) this.redraw(line);
    else this.append(line, isCounted(event) ? event.done >= event.total : undefined);
  }

  /** A whole line among the progress (a result, an error): the progress line is ended first. */
  note(text: string): void {
    this.end();
    this.write(text + "\n");
  }

  /** Ends the progress line (before a prompt, another stream's output, or the end). */
  end(): void {
    if (this.drawn !== undefined) this.write("\n");
    this.drawn = undefined;
    this.release();
  }

  private redraw(line: StepLine): void {
    // A new step: the previous one keeps its last line on screen.
    if (this.drawn !== undefined && this.drawn !== line.key) this.write("\n");
    this.write(REDRAW + fitToWidth(line.text, this.terminal.columns));
    this.drawn = line.key;
  }

  /** `complete` is undefined for a step without a count, which is written at once. */
  private append(line: StepLine, complete: boolean | undefined): void {
    if (this.held !== undefined && this.held.key !== line.key) this.release();
    this.held = line;
    if (complete !== false) this.release();
  }

  private release(): void {
    if (this.held !== undefined) this.write(this.held.text + "\n");
    this.held = undefined;
  }
}
