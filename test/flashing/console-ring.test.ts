/**
 * The hold that keeps the Linux Espruino's console from garbling lines (host/flashing/
 * station-console.ts, test/support/espruino-session.ts) waits until the receive ring holds
 * exactly consoleRingFill(MAX_LINE + 1) bytes. That figure is a measurement of the test
 * device, checked here on each build: while the main loop is busy, one padded line arrives,
 * and the ring's fill level must equal the formula — more would end holds early (the race
 * returns), less would make every hold last its full time.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { consoleRingFill, MAX_LINE } from "../../host/flashing/station-console";
import { EspruinoLauncher, launchersFromEnv, makeStampDirectory } from "../support/espruino-session";

/**
 * Runs one Espruino and returns the ring's fill level after one padded line arrived while its
 * main loop was busy, as after a station's result marker. The busy line itself arrives while the
 * main loop is idle, so it can be garbled (the race this hold prevents): when it does not say
 * HOLD in time, the console line is cleared with Ctrl-C and it is sent again, as greet() does.
 */
async function ringFillAfterOneLine(launcher: EspruinoLauncher, timeoutMs: number): Promise<number> {
  const dir = makeStampDirectory("console-ring-");
  const child = spawn(launcher.command, launcher.args, { cwd: dir.path, stdio: ["pipe", "pipe", "pipe"] });
  // Holds the main loop until the ring reaches the expected fill (or 20 s), then a further 0.5 s
  // so that any byte still to come is counted too.
  const busyLine =
    "echo(0);print(\"HO\"+\"LD\");for(var e=getTime()+20;getTime()<e&&process.memory(false).rx.used<" + consoleRingFill(MAX_LINE + 1) + ";);" +
    "for(e=getTime()+0.5;getTime()<e;);print(\"RX=\"+process.memory(false).rx.used)\n";
  let output = "";
  child.stdout.setEncoding("latin1");
  child.stdout.on("data", (chunk: string) => void (output += chunk));
  child.stderr.resume();
  const until = async (pattern: RegExp, ms: number): Promise<RegExpExecArray | null> => {
    for (const end = Date.now() + ms; Date.now() < end; ) {
      const match = pattern.exec(output);
      if (match !== null) return match;
      // Wakes on the next output, or at the deadline when none comes.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, end - Date.now()));
        child.stdout.once("data", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return pattern.exec(output);
  };
  try {
    if ((await until(/>/, timeoutMs)) === null) throw new Error("no prompt: " + output.slice(-500));
    for (let attempt = 1; ; attempt++) {
      child.stdin.write(busyLine);
      if ((await until(/^HOLD\r?$/m, 15_000)) !== null) break;
      if (attempt === 3) throw new Error("the busy line never ran: " + output.slice(-500));
      child.stdin.write("\x03\n");
    }
    child.stdin.write("//".padEnd(MAX_LINE, " ") + "\n");
    const result = await until(/RX=(\d+)/, timeoutMs);
    if (result === null) throw new Error("no RX line: " + output.slice(-500));
    return Number(result[1]);
  } finally {
    child.kill("SIGKILL");
    dir.remove();
  }
}

const launchers = launchersFromEnv();

describe("the Linux Espruino console's receive ring", () => {
  for (const [name, launcher] of Object.entries(launchers)) {
    it(`fills to consoleRingFill(${MAX_LINE + 1}) with one padded line on ${name}`, async () => {
      expect(await ringFillAfterOneLine(launcher, launcher.startTimeoutMs + 30_000)).toBe(consoleRingFill(MAX_LINE + 1));
    }, 120_000);
  }
  if (Object.keys(launchers).length === 0) {
    it.skip("SKIPPED: neither ESPRUINO_BIN nor ESPRUINO_ARM_BIN is set", () => undefined);
  }
});
