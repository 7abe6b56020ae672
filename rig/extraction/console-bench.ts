/**
 * A locked stamp on a real Espruino console, for the key-extraction campaign: provisioned by a
 * test setup (which is how the rig knows its seed), locked, power-cycled. The rig cannot build
 * one from an HTTP target; the rig's test code does (test/rig/espruino-console-bench.ts) and
 * hands it over on its Target (`lockedConsoles`). Without one the console attacks do not run.
 */

export interface ConsoleProbe {
  /** What was tried, e.g. "read the seed file". */
  attack: string;
  /** Everything the stamp printed in answer (empty from a closed console). */
  output: string;
}

export interface LockedConsoleBench {
  label: string;
  /** Which Espruino build, e.g. "x86_64" or "armhf under qemu-arm": names its rows in the report. */
  device: string;
  seed: Uint8Array;
  publicKey: Uint8Array;
  /** Sends each line to the locked stamp's console, after a power cycle, and collects what it printed. */
  probe(lines: { attack: string; line: string }[]): Promise<ConsoleProbe[]>;
  /**
   * The documented physical door (docs/design.md, "Physical access"): powered on with the button
   * held, boot code is skipped and the console is open. What reading the seed file then prints.
   */
  buttonHeld(): Promise<string>;
}
