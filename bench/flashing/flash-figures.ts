/**
 * Figures for BENCHMARKS.md from the flashing station on the Puck-like Linux Espruino behind
 * socat (the rig of test/flashing/): the time of each step of one `flashStamp`, what crossed
 * the console, and beside it espruino-tools' own CLI uploading the same two files into Storage
 * on a fresh device of the same rig (`espruino --storage`), measured in the same run.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_FIRMWARE_DIR, loadFirmwareImage } from "../../host/flashing/firmware-image";
import { FlashStep } from "../../host/flashing/flash-error";
import { flashStamp } from "../../host/flashing/station";
import { ConsoleTraffic } from "../../host/flashing/station-console";
import { intactStorageDigest, storageDigestExpression } from "../../host/flashing/storage-digest";
import { DeviceBridge, DeviceKind, rigBeforeProve, rigPrelude } from "../../test/flashing/device-bridge";
import { createFlashWorld, MERCHANT, SHOP } from "../../test/flashing/flash-world";

export interface FlashFigures {
  device: string;
  holdMs: number;
  /** Milliseconds from the step's first progress event to the next step's. */
  steps: { step: FlashStep; ms: number }[];
  totalMs: number;
  uploadBytes: number;
  traffic: ConsoleTraffic;
}

export interface ToolUploadFigures {
  /** `espruino --storage .bootcde:… --storage stamp.ed25519:… -e …`, whole command. */
  commandMs: number;
  /** From its "Connected" line to its "Upload Complete" line. */
  uploadMs: number;
  /** Whether both files read back on the device with the right length and SHA-256. */
  verified: boolean;
}

/**
 * One stamp flashed end to end on `kind` by an enrolled flashing station through the in-process
 * API, over the host's challenge (x86: the rig's test signer is handed its signature; ARM: native signer).
 */
export async function measureFlash(kind: DeviceKind): Promise<FlashFigures> {
  const work = mkdtempSync(join(tmpdir(), "stamp-flash-bench-"));
  const image = loadFirmwareImage(DEFAULT_FIRMWARE_DIR);
  const world = await createFlashWorld(work, image.firmwareHash);
  const bridge = await DeviceBridge.start(kind);
  try {
    await bridge.writeFiles([{ name: ".boot0", content: rigPrelude(kind, { rngSeed: 7, keyNumber: 7 }) }]);
    const marks: { step: FlashStep; at: number }[] = [];
    const started = performance.now();
    const result = await flashStamp({
      port: bridge.port,
      image: image,
      registry: world.registry,
      merchantId: MERCHANT,
      shopIds: [SHOP],
      label: "bench",
      holdMs: kind.holdMs,
      commandTimeoutMs: kind.timeoutMs,
      silenceMs: kind.native ? 4_000 : 1_000,
      rigBeforeProve: rigBeforeProve(kind, { keyNumber: 7, firmwareHash: image.firmwareHash }),
      progress: (event) => {
        if (marks.length === 0 || marks[marks.length - 1].step !== event.step) marks.push({ step: event.step, at: performance.now() });
      },
    });
    const ended = performance.now();
    return {
      device: kind.label,
      holdMs: kind.holdMs,
      steps: marks.map((mark, i) => ({ step: mark.step, ms: (i + 1 < marks.length ? marks[i + 1].at : ended) - mark.at })),
      totalMs: ended - started,
      uploadBytes: image.files.reduce((sum, file) => sum + file.content.length, 0),
      traffic: result.traffic,
    };
  } finally {
    bridge.remove();
    await world.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs espruino-tools' CLI and times its whole run and its own "Connected" → "Upload Complete". */
function runEspruinoCli(port: string, args: string[]): Promise<{ commandMs: number; uploadMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let connectedAt: number | undefined;
    let completedAt: number | undefined;
    let output = "";
    const child = spawn("npx", ["espruino", "--no-ble", "-p", port, ...args, "-e", 'print("BENCH"+"DONE")'], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (connectedAt === undefined && /\nConnected/.test(output)) connectedAt = performance.now();
      if (completedAt === undefined && /Upload Complete/.test(output)) completedAt = performance.now();
    });
    child.stderr.on("data", (chunk: Buffer) => void (output += chunk.toString()));
    child.on("close", () => {
      clearTimeout(timer);
      if (connectedAt === undefined || completedAt === undefined) reject(new Error("espruino-tools did not finish its upload: " + output.slice(-600)));
      else resolve({ commandMs: performance.now() - started, uploadMs: completedAt - connectedAt });
    });
  });
}

/** espruino-tools' CLI writing the same two files to Storage on a fresh x86 rig device. */
export async function measureToolUpload(kind: DeviceKind): Promise<ToolUploadFigures> {
  const image = loadFirmwareImage(DEFAULT_FIRMWARE_DIR);
  const work = mkdtempSync(join(tmpdir(), "stamp-tool-upload-"));
  const bridge = await DeviceBridge.start(kind);
  try {
    const storageArgs = image.files.flatMap((file, i) => {
      const path = join(work, `file-${i}.bin`);
      writeFileSync(path, file.content);
      return ["--storage", `${file.storageName}:${path}`];
    });
    const run = await runEspruinoCli(bridge.port, storageArgs);
    let verified = true;
    for (const file of image.files) {
      verified = verified && (await bridge.evaluate(storageDigestExpression(file.storageName))) === intactStorageDigest(file);
    }
    return { commandMs: run.commandMs, uploadMs: run.uploadMs, verified };
  } finally {
    bridge.remove();
    rmSync(work, { recursive: true, force: true });
  }
}
