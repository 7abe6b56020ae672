/**
 * `stamp flash`'s progress (host/cli/progress-bar.ts), in process: redrawn in place on a terminal
 * (a fake TTY stream with isTTY and columns), one line per step in a pipe.
 */
import { describe, expect, it } from "vitest";
import { FlashProgress } from "../../host/flashing/station";
import { fitToWidth, ProgressTerminal, ProgressWriter, progressText } from "../../host/cli/progress-bar";

const REDRAW = "\r\x1b[2K";

/** A stream as the writer sees it, keeping everything written. */
function fakeStream(terminal: ProgressTerminal): { written: string[]; writer: ProgressWriter } {
  const written: string[] = [];
  return { written, writer: new ProgressWriter((text) => void written.push(text), terminal) };
}

/** The events of one stamp: connect, check, an upload of 3 files in 6 chunks, reboot. */
function flashEvents(): FlashProgress[] {
  const total = 6000;
  const upload = [1000, 2000, 3000, 4000, 5000, 6000].map((done) => ({ step: "upload" as const, message: `stamp.js ${done}/${total}`, done: done, total: total }));
  return [
    { step: "connect", message: "connecting to tcp://127.0.0.1:23230" },
    { step: "check", message: "checking the Espruino version and that the stamp has no key yet" },
    { step: "upload", message: `uploading ${total} bytes`, done: 0, total: total },
    ...upload,
    { step: "reboot", message: "rebooting into the firmware (it creates its key)" },
  ];
}

/** What a terminal shows: each carriage return goes back to the start of the line, which REDRAW erases. */
function screen(written: string[]): string[] {
  const lines: string[] = [""];
  for (const text of written.join("").split(/(\r\x1b\[2K|\n)/)) {
    if (text === "\n") lines.push("");
    else if (text === REDRAW) lines[lines.length - 1] = "";
    else lines[lines.length - 1] += text;
  }
  return lines;
}

describe("the flash progress bar", () => {
  it("draws a 24-column bar with the percentage for a counted step, the message alone otherwise", () => {
    expect(progressText({ step: "upload", message: "stamp.js 1500/6000", done: 1500, total: 6000 })).toBe(`[${"#".repeat(6)}${".".repeat(18)}] 25% stamp.js 1500/6000`);
    expect(progressText({ step: "upload", message: "done", done: 6000, total: 6000 })).toBe(`[${"#".repeat(24)}] 100% done`);
    expect(progressText({ step: "reboot", message: "rebooting" })).toBe("rebooting");
    expect(progressText({ step: "upload", message: "nothing to upload", done: 0, total: 0 })).toBe("nothing to upload");
  });

  it("on a terminal, redraws each step's line in place and keeps it when the next step begins", () => {
    const { written, writer } = fakeStream({ isTTY: true, columns: 100 });
    for (const event of flashEvents()) writer.show("[2/3] ", event);
    writer.note("[2/3] stamp 0123456789abcdef flashed");
    expect(screen(written)).toEqual([
      "[2/3] connect: connecting to tcp://127.0.0.1:23230",
      "[2/3] check: checking the Espruino version and that the stamp has no key yet",
      `[2/3] upload: [${"#".repeat(24)}] 100% stamp.js 6000/6000`,
      "[2/3] reboot: rebooting into the firmware (it creates its key)",
      "[2/3] stamp 0123456789abcdef flashed",
      "",
    ]);
    // Ten events, four steps: a new line only when a step begins, every event drawn over its line.
    expect(written.join("").split("\n")).toHaveLength(6);
    expect(written.filter((text) => text.startsWith(REDRAW))).toHaveLength(flashEvents().length);
  });

  it("on a terminal, never writes a line wider than the terminal (it could not be redrawn)", () => {
    const { written, writer } = fakeStream({ isTTY: true, columns: 40 });
    for (const event of flashEvents()) writer.show("", event);
    writer.end();
    for (const text of written) expect(text.replace(REDRAW, "").replace("\n", "").length).toBeLessThan(40);
    expect(screen(written)[2]).toBe(fitToWidth(`upload: [${"#".repeat(24)}] 100% stamp.js 6000/6000`, 40));
    expect(fitToWidth("short", 40)).toBe("short");
    expect(fitToWidth("x".repeat(50), undefined)).toBe("x".repeat(50));
  });

  it("in a pipe, writes one line per step: the upload once, at 100 %, with no control characters", () => {
    const { written, writer } = fakeStream({});
    for (const event of flashEvents()) writer.show("[3/3] ", event);
    writer.end();
    const output = written.join("");
    expect(output).not.toMatch(/[\r\x1b]/);
    expect(output.split("\n")).toEqual([
      "[3/3] connect: connecting to tcp://127.0.0.1:23230",
      "[3/3] check: checking the Espruino version and that the stamp has no key yet",
      `[3/3] upload: [${"#".repeat(24)}] 100% stamp.js 6000/6000`,
      "[3/3] reboot: rebooting into the firmware (it creates its key)",
      "",
    ]);
    // What test/flashing/flash-suite.ts looks for in a batch's stderr.
    expect(output).toMatch(/\[3\/3\] upload: \[#{24}\] 100% /);
  });

  it("in a pipe, an upload that stops says how far it got before the error", () => {
    const { written, writer } = fakeStream({ isTTY: false, columns: 80 });
    for (const event of flashEvents().slice(0, 5)) writer.show("", event);
    writer.note("error: upload interrupted: the connection to the stamp was lost");
    expect(written.join("").split("\n")).toEqual([
      "connect: connecting to tcp://127.0.0.1:23230",
      "check: checking the Espruino version and that the stamp has no key yet",
      `upload: [${"#".repeat(8)}${".".repeat(16)}] 33% stamp.js 2000/6000`,
      "error: upload interrupted: the connection to the stamp was lost",
      "",
    ]);
  });

  it("ends a drawn line before anything else is written, and only once", () => {
    const { written, writer } = fakeStream({ isTTY: true, columns: 80 });
    writer.show("", { step: "upload", message: "a 10/20", done: 10, total: 20 });
    writer.end();
    writer.end();
    writer.note("error: the stamp reset during upload");
    expect(screen(written)).toEqual([`upload: [${"#".repeat(12)}${".".repeat(12)}] 50% a 10/20`, "error: the stamp reset during upload", ""]);
  });
});
