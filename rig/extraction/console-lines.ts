import { COUNTER_SLOT_FILES, SEED_FILE } from "../../firmware/storage-files";

/**
 * What someone at a locked stamp's console (the UART, or the Bluetooth UART it would share)
 * tries: plain JavaScript, the seed file read every way Storage allows, a dump of all state,
 * and the escapes an Espruino console knows (Ctrl-C, the DLE prefix that runs a line without
 * echo). Each line must get no answer from a locked stamp, and never the seed.
 */
export const CONSOLE_LINES: readonly { attack: string; line: string }[] = [
  { attack: "console: evaluate an expression", line: "print('RIG'+(6*7))" },
  { attack: "console: read the seed file", line: `print(btoa(require("Storage").read(${JSON.stringify(SEED_FILE)})))` },
  { attack: "console: read the seed file as bytes", line: `print(JSON.stringify(new Uint8Array(E.toArrayBuffer(require("Storage").read(${JSON.stringify(SEED_FILE)})))))` },
  { attack: "console: list Storage", line: `print(JSON.stringify(require("Storage").list()))` },
  { attack: "console: read a counter slot", line: `print(btoa(require("Storage").read(${JSON.stringify(COUNTER_SLOT_FILES[0])})))` },
  { attack: "console: dump() all state", line: "dump()" },
  { attack: "console: Ctrl-C, then read the seed file", line: `\x03print(btoa(require("Storage").read(${JSON.stringify(SEED_FILE)})))` },
  { attack: "console: DLE (no echo), then read the seed file", line: `\x10print(btoa(require("Storage").read(${JSON.stringify(SEED_FILE)})))` },
  { attack: "console: reclaim the console, then read the seed file", line: `E.setConsole("USB");print(btoa(require("Storage").read(${JSON.stringify(SEED_FILE)})))` },
];
