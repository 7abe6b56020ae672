/**
 * The key-extraction campaign's Espruino bench (test code): the stamp firmware as built
 * (dist/firmware/stamp.js as `.bootcde`) on the Puck-like Espruino behind socat (the x86 build,
 * or the ARM build under qemu-arm with the native signer blob as `stamp.ed25519`), with the
 * flashing tests' `.boot0` (radio stubs, RNG, and on x86 the test signer). First boot makes the key; the
 * rig reads the seed file while the console is still open (that is how it knows the secret it
 * searches for), then locks the stamp with STAMP.lock(). Every probe is a fresh power-on, as
 * someone plugging into the stamp would get. `unlocked` keeps a copy of the flash from before
 * the lock: the twin, a build that leaves the console open.
 */
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEED_FILE } from "../../firmware/storage-files";
import { DEFAULT_FIRMWARE_DIR } from "../../host/flashing/firmware-image";
import { fromHex } from "../../shared/hex";
import { ConsoleProbe, LockedConsoleBench } from "../../rig/extraction/console-bench";
import { DeviceBridge, DeviceKind, rigPrelude } from "../flashing/device-bridge";

/** How long a probe listens after its last line: a locked stamp stays silent, an open one answers well within this. */
const LISTEN_MS = 1_500;
/** Between lines of one probe session: the Linux console's input ring is small. */
const LINE_GAP_MS = 200;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drops the Linux port's own start-up diagnostics ("espruino: Interactive mode.", "espruino:
 * Size of JsVar is now …"), which socat merges from its stderr: a Puck.js prints nothing like
 * them, and they are not the JavaScript console. Everything else is kept.
 */
function consoleOnly(text: string): string {
  return text.replace(/^espruino: [^\n]*\n?/gm, "");
}

/** One power-on: connects, sends each line, and returns what the device printed after each (the last line also gets what came late). */
async function session(port: string, lines: string[]): Promise<string[]> {
  const url = new URL(port);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", () => resolve()).once("error", reject));
  let text = "";
  socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
  const starts: number[] = [];
  for (const line of lines) {
    starts.push(text.length);
    socket.write(line + "\n");
    await pause(LINE_GAP_MS);
  }
  await pause(LISTEN_MS);
  socket.destroy();
  await pause(300);
  const outputs = starts.map((start, i) => consoleOnly(text.slice(start, i + 1 < starts.length ? starts[i + 1] : text.length)));
  // The whole transcript too: a secret split across two lines' outputs is still found there.
  return [...outputs, consoleOnly(text)];
}

function bytesOf(value: unknown, what: string): Uint8Array {
  if (typeof value !== "string") throw new Error(`${what}: ${JSON.stringify(value)}`);
  return new Uint8Array(Buffer.from(value, "base64"));
}

function benchOn(bridge: () => DeviceBridge, seed: Uint8Array, publicKey: Uint8Array, label: string, device: string, repowered: DeviceBridge[]): LockedConsoleBench {
  return {
    label: label,
    device: device,
    seed: seed,
    publicKey: publicKey,
    async probe(lines) {
      const outputs = await session(bridge().port, lines.map((l) => l.line));
      const probes = lines.map((l, i): ConsoleProbe => ({ attack: l.attack, output: outputs[i] ?? "" }));
      return [...probes, { attack: "console: the whole session's output", output: outputs[lines.length] ?? "" }];
    },
    async buttonHeld() {
      const held = await bridge().repower({ buttonHeld: true });
      repowered.push(held);
      const read = await held.evaluate(`btoa(require("Storage").read(${JSON.stringify(SEED_FILE)}))`);
      return typeof read === "string" ? read : JSON.stringify(read);
    },
  };
}

export interface EspruinoBenches {
  locked: LockedConsoleBench;
  unlocked: LockedConsoleBench;
  remove(): void;
}

/** Builds the locked stamp and its unlocked twin; throws when the device does not come up as expected. */
export async function startEspruinoBenches(kind: DeviceKind): Promise<EspruinoBenches> {
  const bundle = readFileSync(join(DEFAULT_FIRMWARE_DIR, "stamp.js"), "latin1");
  // The ARM build signs with the firmware's own native blob (stamp.ed25519), as a Puck.js does; the x86 build with the prelude's test signer.
  const blob = kind.native ? [{ name: "stamp.ed25519", content: readFileSync(join(DEFAULT_FIRMWARE_DIR, "ed25519.bin"), "latin1") }] : [];
  const bridges: DeviceBridge[] = [];
  const first = await DeviceBridge.start(kind);
  bridges.push(first);
  await first.writeFiles([
    { name: ".boot0", content: rigPrelude(kind, { rngSeed: 0x5eed, keyNumber: 1 }) },
    { name: ".bootcde", content: bundle },
    ...blob,
  ]);
  const made = await first.evaluate(`[STAMP.publicKey,btoa(require("Storage").read(${JSON.stringify(SEED_FILE)}))]`);
  if (!Array.isArray(made) || typeof made[0] !== "string") throw new Error(`the stamp did not boot with a key: ${JSON.stringify(made)}`);
  const publicKey = fromHex(made[0]);
  if (!publicKey.ok) throw new Error("the stamp's public key is not hex");
  const seed = bytesOf(made[1], "the seed file");
  // The twin keeps the flash as it was before the lock.
  const openDir = mkdtempSync(join(tmpdir(), "stamp-rig-open-"));
  cpSync(first.dir, openDir, { recursive: true });
  if ((await first.evaluate("STAMP.lock()")) !== true) throw new Error("STAMP.lock() refused");
  await pause(500);
  const open = await DeviceBridge.start(kind, openDir);
  bridges.push(open);
  return {
    locked: benchOn(() => first, seed, publicKey.value, `locked stamp on Espruino (${kind.label})`, kind.label, bridges),
    unlocked: benchOn(() => open, seed, publicKey.value, `unlocked stamp on Espruino (${kind.label}), the twin`, kind.label, bridges),
    remove() {
      for (const bridge of bridges) bridge.remove();
    },
  };
}
