/**
 * The station's line protocol on a stamp's Espruino console: one JavaScript line out, one
 * result line back ("@@R<id>:<json>" or "@@E<id>:<message>"), the next line only after that.
 *
 * Every result is printed by a helper the station defines first (`Z`): it prints the marker,
 * then holds the main loop until the next command line has fully arrived (or holdMs). On the
 * Linux Espruino (the test device) console bytes that arrive while the main loop reads the
 * console can be garbled, and the device can crash (see test/support/espruino-session.ts); on a
 * Puck.js over BLE the hold is 0. With a hold, every line is padded to MAX_LINE characters, so
 * the hold knows exactly how full the console's receive ring is once the next line is complete
 * (consoleRingFill) and never ends in the middle of a line, however slowly its bytes arrive.
 *
 * A device that restarts under a serial link keeps the link but forgets `Z`: every command line
 * first checks that `Z` is there and otherwise prints `@@X<id>`, so a reset is told apart from a
 * slow or silent device. The line in flight when the device restarted is lost, so a timeout is
 * followed by one probe line before it is reported.
 */
import { ConsoleLink } from "./espruino-link";
import { parseConsoleResult } from "./console-result";

/** Console lines are kept under this (the Espruino console's 1 KB ring takes half per read). */
export const MAX_LINE = 470;
/**
 * How full the Linux Espruino's console receive ring is after `bytes` console bytes arrived into
 * an empty ring while the main loop holds: its input thread pushes the first byte as one event
 * and appends the rest to events of up to 63 bytes, each event with a 2-byte header (measured on
 * both builds, x86-64 and armhf under qemu-arm). A ring that fills in any other way only makes
 * the hold last its full holdMs: slower, never early.
 */
export function consoleRingFill(bytes: number): number {
  return bytes + 2 * (1 + Math.ceil((bytes - 1) / 63));
}

/** How long the probe after a timeout waits for the device to say whether it restarted. */
const PROBE_MS = 3_000;

export type ConsoleErrorKind = "TIMEOUT" | "LINK_LOST" | "DEVICE_RESET" | "DEVICE_ERROR";

export class ConsoleError extends Error {
  constructor(
    readonly kind: ConsoleErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface ConsoleTraffic {
  lines: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface ConsoleOptions {
  /** How long the device holds its main loop after a result for the next line (0 on real hardware). */
  holdMs: number;
  /** Per command. */
  timeoutMs: number;
}

export class StationConsole {
  private nextId = 1;
  private buffer = "";
  private pending: { id: number; resolve: (value: unknown) => void; reject: (error: ConsoleError) => void; timer: NodeJS.Timeout } | undefined;
  private lost = false;
  /** What crossed the link: lines and bytes to the device, bytes back (figures for BENCHMARKS.md and --json). */
  readonly traffic: ConsoleTraffic = { lines: 0, bytesSent: 0, bytesReceived: 0 };

  constructor(
    private readonly link: ConsoleLink,
    private readonly options: ConsoleOptions,
  ) {
    link.onData((text) => this.onData(text));
    void link.closed.then(() => {
      this.lost = true;
      this.fail(new ConsoleError("LINK_LOST", "the connection to the stamp was lost"));
    });
  }

  /**
   * Makes the console answer: echo off and the result helper defined. Retried with Ctrl-C (a
   * first line can arrive garbled while the device is still booting). False when it never answers.
   */
  async start(timeoutMs: number, attempts = 3): Promise<boolean> {
    const hold = (this.options.holdMs / 1000).toFixed(3);
    // Z(id, ok, value): print the marker, then hold until the next (padded) line is all in the ring.
    const helper =
      "global.Z=function(i,k,r){print(\"@\"+\"@\"+(k?\"R\":\"E\")+i+\":\"+JSON.stringify(r===undefined?null:r));" +
      "if(!process.memory(false).rx)return;" +
      "for(var e=getTime()+" + hold + ";getTime()<e&&process.memory(false).rx.used<" + consoleRingFill(MAX_LINE + 1) + ";);}";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.lost) return false;
      const id = this.nextId++;
      try {
        await this.send("echo(0);" + helper + ";Z(" + id + ",1,1)", id, attempt === 1 ? timeoutMs : Math.min(timeoutMs, 3_000));
        return true;
      } catch (error) {
        if (this.lost) return false;
        await this.write("\x03\n").catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    return false;
  }

  /**
   * Evaluates one expression on the device and returns its JSON value. A timeout is checked with
   * one probe: DEVICE_RESET when the device answers that it forgot the session.
   */
  async evaluate(expression: string, timeoutMs = this.options.timeoutMs): Promise<unknown> {
    const id = this.nextId++;
    try {
      return await this.send(this.lineFor(id, expression), id, timeoutMs);
    } catch (error) {
      if (!(error instanceof ConsoleError) || error.kind !== "TIMEOUT") throw error;
      const probe = this.nextId++;
      await this.send(this.lineFor(probe, "1"), probe, Math.min(timeoutMs, PROBE_MS)).catch((probeError: unknown) => {
        if (probeError instanceof ConsoleError && probeError.kind !== "TIMEOUT") throw probeError;
      });
      throw error;
    }
  }

  /** The console line for an expression (to size upload chunks). */
  lineLength(expression: string): number {
    return this.lineFor(this.nextId, expression).length;
  }

  private lineFor(id: number, expression: string): string {
    return "if(global.Z)try{Z(" + id + ",1," + expression + ")}catch(x){Z(" + id + ",0,\"\"+x)}else print(\"@\"+\"@X" + id + "\")";
  }

  /** Sends a line that gets no answer (e.g. load()). */
  async fire(line: string): Promise<void> {
    await this.write(this.padded(line) + "\n").catch(() => {
      throw new ConsoleError("LINK_LOST", "the connection to the stamp was lost");
    });
  }

  /** True when the console answers a trivial command within timeoutMs (used to prove it is closed). */
  async answers(timeoutMs: number): Promise<boolean> {
    const id = this.nextId++;
    try {
      await this.send(this.lineFor(id, "1"), id, timeoutMs);
      return true;
    } catch (error) {
      if (error instanceof ConsoleError && error.kind === "TIMEOUT") return false;
      if (error instanceof ConsoleError && error.kind === "LINK_LOST") return false;
      throw error;
    }
  }

  /** A command line as sent: padded to MAX_LINE when the device holds for it (see the top of this file). */
  private padded(line: string): string {
    return this.options.holdMs > 0 ? line.padEnd(MAX_LINE, " ") : line;
  }

  private write(text: string): Promise<void> {
    this.traffic.lines++;
    this.traffic.bytesSent += text.length;
    return this.link.write(text);
  }

  private send(line: string, id: number, timeoutMs: number): Promise<unknown> {
    if (this.lost) return Promise.reject(new ConsoleError("LINK_LOST", "the connection to the stamp was lost"));
    if (this.pending !== undefined) return Promise.reject(new ConsoleError("DEVICE_ERROR", "one command at a time"));
    if (line.length > MAX_LINE) return Promise.reject(new ConsoleError("DEVICE_ERROR", "console line too long (" + line.length + ")"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new ConsoleError("TIMEOUT", "the stamp did not answer within " + timeoutMs + " ms"));
      }, timeoutMs);
      this.pending = { id, resolve, reject, timer };
      this.write(this.padded(line) + "\n").catch(() => this.fail(new ConsoleError("LINK_LOST", "the connection to the stamp was lost")));
    });
  }

  private fail(error: ConsoleError): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  private onData(text: string): void {
    this.traffic.bytesReceived += text.length;
    this.buffer += text;
    const lines = this.buffer.split(/\r?\n/);
    this.buffer = lines.pop() ?? "";
    for (const raw of lines) {
      const line = raw.replace(/\r/g, "");
      const result = parseConsoleResult(line);
      const pending = this.pending;
      if (result === undefined || pending === undefined || result.id !== pending.id) continue;
      this.pending = undefined;
      clearTimeout(pending.timer);
      if ("unreadable" in result) pending.reject(new ConsoleError("DEVICE_ERROR", "unreadable answer: " + line.slice(0, 120)));
      else if ("forgotten" in result) pending.reject(new ConsoleError("DEVICE_RESET", "the stamp restarted in the middle of provisioning (its console forgot the station's session)"));
      else if (result.threw) pending.reject(new ConsoleError("DEVICE_ERROR", "the stamp threw: " + String(result.value)));
      else pending.resolve(result.value);
    }
  }
}
