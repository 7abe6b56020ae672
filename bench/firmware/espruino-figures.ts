/**
 * Figures for BENCHMARKS.md from the firmware bundle on the Puck.js-like Linux Espruino
 * (../shared/tools): bundle size, memory after boot (and the test prelude's share of it),
 * Storage left. Uses the same harness as test/firmware/espruino-bundle.test.ts: the bundle is
 * uploaded line by line as `.bootcde` beside the test prelude (`.boot0`: stub radio and a test
 * signer, as the x86 build cannot run native Ed25519) and booted twice in a fresh flash.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EspruinoLauncher, measureBoot, stampFiles, x86Launcher } from "../../test/support/espruino-session";

export interface EspruinoFigures {
  espruinoVersion: string;
  /** dist/firmware/stamp.js */
  bundleBytes: number;
  /** process.memory().total: JS variables of a Puck.js (2,630). */
  memoryTotal: number;
  /** Variables in use right after the first boot (key created), prelude + bundle. */
  memoryUsageAfterBoot: number;
  /** The same after the second boot (key loaded). */
  memoryUsageAfterSecondBoot: number;
  /** Variables in use after booting the test prelude alone. */
  preludeOnlyUsage: number;
  /** memoryUsageAfterBoot - preludeOnlyUsage: the firmware's own share. */
  bundleUsage: number;
  /** memoryUsageAfterBoot / memoryTotal, in percent (the bound is 50). */
  usagePercentAfterBoot: number;
  /** Storage.getFree() after uploading prelude and bundle, and after the first boot wrote the key and counter. */
  storageFreeAfterUpload: number;
  storageFreeAfterFirstBoot: number;
  /** Storage.write() calls the upload needed (one console line each). */
  uploadWrites: number;
}

const DEFAULT_BUNDLE = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "firmware", "stamp.js");

/**
 * Measures the built bundle (run `npm run build:firmware` first). `espruinoBin` is the x86_64
 * build; pass `launcher` instead to measure another build (e.g. qemuArmLauncher).
 */
export async function measureEspruinoFigures(
  espruinoBin: string,
  options: { bundlePath?: string; launcher?: EspruinoLauncher } = {},
): Promise<EspruinoFigures> {
  const launcher = options.launcher ?? x86Launcher(espruinoBin);
  const bundle = readFileSync(options.bundlePath ?? DEFAULT_BUNDLE, "latin1");
  const baseline = await measureBoot(launcher, stampFiles(undefined));
  const stamp = await measureBoot(launcher, stampFiles(bundle), 2);
  const problems = [...baseline.problems, ...stamp.problems];
  if (problems.length > 0) throw new Error("Espruino reported problems: " + problems.join(" | "));
  if (stamp.stampType !== "object" || stamp.faults.some((fault) => fault !== "")) {
    throw new Error("the bundle did not boot cleanly: STAMP is " + stamp.stampType + ", faults " + JSON.stringify(stamp.faults));
  }
  const total = stamp.memory.total;
  return {
    espruinoVersion: stamp.espruinoVersion,
    bundleBytes: Buffer.byteLength(bundle, "latin1"),
    memoryTotal: total,
    memoryUsageAfterBoot: stamp.memory.usage,
    memoryUsageAfterSecondBoot: stamp.memoryAfterEachBoot[1].usage,
    preludeOnlyUsage: baseline.memory.usage,
    bundleUsage: stamp.memory.usage - baseline.memory.usage,
    usagePercentAfterBoot: Math.round((1000 * stamp.memory.usage) / total) / 10,
    storageFreeAfterUpload: stamp.upload.storageFree,
    storageFreeAfterFirstBoot: stamp.storageFreeAfterBoot,
    uploadWrites: stamp.upload.files.reduce((sum, file) => sum + file.writes, 0),
  };
}
