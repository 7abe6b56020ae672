/**
 * Memory figures of the whole stamp as shipped, on the ARM build of the Puck-like Espruino
 * (qemu-arm, 13-byte variables like a Puck.js): `.bootcde` and the native blob running in place
 * from memory-mapped flash, beside the radio-and-board prelude of test/firmware/arm-stamp-rig.ts
 * — the same rig as the ARM test suite (test/firmware/espruino-native-signer.test.ts).
 *
 * - after boot: process.memory().usage once boot has finished, every mode loaded (NFC mailbox,
 *   button and BLE central, console entries), key made by the blob; and the prelude's own share;
 * - at the peak of a signature: a signature's peak cannot be observed from outside, so it is
 *   measured as the least free memory a signature needs (ballast taken just before the
 *   signing timer, bisected) on top of the usage when signing starts;
 * - during a BLE tap: the highest usage the emulated station sees at its GATT callbacks, and
 *   the signature inside the tap measured as above (ballast taken as the last challenge chunk
 *   is answered);
 * - after boot in production mode (locked: console closed), through the rig's air bridge.
 *
 * Standalone: `npx tsx bench/firmware/arm-stamp-figures.ts` (ESPRUINO_ARM_BIN, or
 * ../shared/tools/espruino-puckjs-armhf; run `npm run build:firmware` first).
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { ED25519_BLOB_FILE, SIGN_HEADROOM } from "../../firmware/espruino/native-signer";
import { encodeChallenge } from "../../shared/challenge";
import { CHALLENGE_FIRST_PAGE, CHALLENGE_PAGES } from "../../shared/nfc-mailbox-layout";
import { Purpose } from "../../shared/protocol-constants";
import {
  EspruinoLauncher,
  EspruinoSession,
  expectArray,
  expectNumber,
  expectRecord,
  expectString,
  makeStampDirectory,
  qemuArmLauncher,
  uploadFiles,
  withSession,
} from "../../test/support/espruino-session";
import { AirSession, ARM_STAMP_PRELUDE, bleTap } from "../../test/firmware/arm-stamp-rig";

export interface ArmStampFigures {
  espruinoVersion: string;
  bundleBytes: number;
  /** process.memory().total: 2,630 on a Puck.js. */
  memoryTotal: number;
  /** Used once boot has finished: prelude + firmware, every mode loaded, key made by the blob. */
  usageAfterBoot: number;
  /** Used after booting the prelude alone (no firmware). */
  preludeOnlyUsage: number;
  /** Used when the NFC mailbox's signing timer starts (a complete challenge in the mailbox). */
  usageWhenSigning: number;
  /** The least free variables with which that signature still completes. */
  signatureNeeds: number;
  /** usageWhenSigning + signatureNeeds. */
  signaturePeak: number;
  /** The highest usage the emulated station saw during a BLE tap (its GATT callbacks). */
  bleCallbackPeak: number;
  /** Used when the BLE tap's signature starts, the least free it needs, and their sum. */
  bleUsageWhenSigning: number;
  bleSignatureNeeds: number;
  bleTapPeak: number;
  /** Used after boot in production mode (locked stamp, console closed). */
  productionUsageAfterBoot: number;
}

const DEFAULT_DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "firmware");

function testChallenge(verifierId: Uint8Array): Uint8Array {
  return encodeChallenge({ verifierId: verifierId, issuedAt: Math.floor(Date.now() / 1000), nonce: new Uint8Array(randomBytes(16)), purpose: Purpose.STAMP, quantity: 1 });
}

/**
 * One NFC tap with only `free` variables left when the signing timer starts (no ballast when
 * undefined). Returns whether it signed, and the free count the ballast left (T.F).
 */
async function starvedNfcTap(session: EspruinoSession, free: number | undefined): Promise<{ signed: boolean; free: number }> {
  const challenge = testChallenge(new Uint8Array(8).fill(1));
  await session.evaluate("T.pages(\"" + Buffer.from(challenge).toString("base64") + "\",7)");
  await session.evaluate("T.fill(" + (free ?? 1e6) + "),T.rx([162," + (CHALLENGE_FIRST_PAGE + CHALLENGE_PAGES - 1) + "," + Array.from(challenge.subarray(28)).join(",") + "])");
  const status = expectString(expectArray(await session.evaluateLater("T.poll(done)"), "poll")[0], "status");
  const left = expectNumber(await session.evaluate("T.F"), "T.F");
  await session.run("T.B=undefined;T.h.NFCoff()");
  return { signed: status.startsWith("0200"), free: left };
}

/** One BLE tap whose station takes ballast leaving `free` as it answers the last challenge chunk. */
async function starvedBleTap(session: EspruinoSession, free: number | undefined): Promise<{ signed: boolean; free: number; peak: number }> {
  const verifierId = new Uint8Array(8).fill(2);
  await session.run("T.f=" + (free ?? 1e6));
  const run = await bleTap(session, verifierId, testChallenge(verifierId), async () => 0);
  const left = expectNumber(await session.evaluate("T.F"), "T.F");
  await session.run("T.f=0;T.B=undefined");
  return { signed: run.reply.length === 95 && run.reply[0] === 0, free: left, peak: run.peak };
}

/**
 * The least `free` for which `attempt` signs, by bisection between `low` (taken to fail, never
 * tried: far below it memory would run out before the signer's own check, which a BLE tap does
 * not survive) and `high`.
 */
async function leastFreeToSign(attempt: (free: number) => Promise<{ signed: boolean }>, low = 100, high = 400): Promise<number> {
  if (!(await attempt(high)).signed) throw new Error("a signature fails even with " + high + " variables free");
  while (high - low > 2) {
    const middle = Math.floor((low + high) / 2);
    if ((await attempt(middle)).signed) high = middle;
    else low = middle;
  }
  return high;
}

export async function measureArmStampFigures(launcher: EspruinoLauncher, distDir = DEFAULT_DIST): Promise<ArmStampFigures> {
  const bundle = readFileSync(join(distDir, "stamp.js"), "latin1");
  const blob = readFileSync(join(distDir, "ed25519.bin"), "latin1");
  const preludeOnly = makeStampDirectory("espruino-arm-figures-");
  let preludeOnlyUsage = 0;
  try {
    await uploadFiles(launcher, preludeOnly.path, [{ name: ".boot0", content: ARM_STAMP_PRELUDE }]);
    preludeOnlyUsage = await withSession(launcher, preludeOnly.path, async (session) =>
      expectNumber(await session.evaluateLater("setTimeout(function(){done(T.m0)},20)"), "T.m0"),
    );
  } finally {
    preludeOnly.remove();
  }

  const directory = makeStampDirectory("espruino-arm-figures-");
  try {
    await uploadFiles(launcher, directory.path, [
      { name: ".boot0", content: ARM_STAMP_PRELUDE },
      { name: ".bootcde", content: bundle },
      { name: ED25519_BLOB_FILE, content: blob },
    ]);
    const figures = await withSession(launcher, directory.path, async (session) => {
      const usageAfterBoot = expectNumber(await session.evaluateLater("setTimeout(function(){done(T.m0)},20)"), "T.m0");
      if (expectString(await session.evaluate("STAMP.fault"), "STAMP.fault") !== "") throw new Error("the stamp did not boot cleanly");
      const memoryTotal = expectNumber(await session.evaluate("process.memory().total"), "total");
      const espruinoVersion = expectString(await session.evaluate("process.version"), "process.version");

      const unstarved = await starvedNfcTap(session, undefined);
      if (!unstarved.signed) throw new Error("an NFC tap did not sign");
      const signatureNeeds = await leastFreeToSign((free) => starvedNfcTap(session, free));

      const ble = await starvedBleTap(session, undefined);
      if (!ble.signed) throw new Error("a BLE tap did not sign");
      const bleSignatureNeeds = await leastFreeToSign((free) => starvedBleTap(session, free));

      const problems = session.problems();
      if (problems.length > 0) throw new Error("Espruino reported problems: " + problems.join(" | "));
      await session.evaluate("STAMP.lock()");
      return {
        espruinoVersion: espruinoVersion,
        memoryTotal: memoryTotal,
        usageAfterBoot: usageAfterBoot,
        usageWhenSigning: memoryTotal - unstarved.free,
        signatureNeeds: signatureNeeds,
        bleCallbackPeak: ble.peak,
        bleUsageWhenSigning: memoryTotal - ble.free,
        bleSignatureNeeds: bleSignatureNeeds,
      };
    });
    // The lock closed the console: the session above could not quit() and was killed.
    const air = await AirSession.open(launcher, directory.path);
    let productionUsageAfterBoot: number;
    try {
      productionUsageAfterBoot = expectNumber(expectRecord(await air.command("m"), "process.memory()").usage, "usage");
    } finally {
      air.kill();
    }
    return {
      espruinoVersion: figures.espruinoVersion,
      bundleBytes: Buffer.byteLength(bundle, "latin1"),
      memoryTotal: figures.memoryTotal,
      usageAfterBoot: figures.usageAfterBoot,
      preludeOnlyUsage: preludeOnlyUsage,
      usageWhenSigning: figures.usageWhenSigning,
      signatureNeeds: figures.signatureNeeds,
      signaturePeak: figures.usageWhenSigning + figures.signatureNeeds,
      bleCallbackPeak: figures.bleCallbackPeak,
      bleUsageWhenSigning: figures.bleUsageWhenSigning,
      bleSignatureNeeds: figures.bleSignatureNeeds,
      bleTapPeak: Math.max(figures.bleCallbackPeak, figures.bleUsageWhenSigning + figures.bleSignatureNeeds),
      productionUsageAfterBoot: productionUsageAfterBoot,
    };
  } finally {
    directory.remove();
  }
}

/** BENCHMARKS.md lines for the figures. */
export function formatArmStampFigures(f: ArmStampFigures): string[] {
  const percent = (n: number) => ((100 * n) / f.memoryTotal).toFixed(1) + " %";
  const row = (what: string, used: number) => `| ${what} | ${used} | ${percent(used)} | ${f.memoryTotal - used} |`;
  return [
    `ARM build under qemu-arm (${f.espruinoVersion}, 13-byte variables as on a Puck.js): the whole stamp as shipped — \`.bootcde\` (${f.bundleBytes.toLocaleString("en-US")} bytes) and the native blob running in place from memory-mapped flash — beside the radio-and-board prelude of the ARM test suite (test/firmware/arm-stamp-rig.ts):`,
    "",
    "| | variables used | of 2,630 | spare |",
    "|---|---:|---:|---:|",
    row("after boot, every mode loaded (NFC mailbox, button and BLE central, console entries; key made by the blob)", f.usageAfterBoot),
    `| of which the test prelude alone (radio and board stand-ins, emulated station; not on a Puck.js) | ${f.preludeOnlyUsage} | ${percent(f.preludeOnlyUsage)} | - |`,
    row(`at the peak of an NFC signature (${f.usageWhenSigning} when signing starts + the ${f.signatureNeeds} free it needs)`, f.signaturePeak),
    row(`during a BLE tap (${f.bleCallbackPeak} at the station's callbacks; its signature: ${f.bleUsageWhenSigning} + ${f.bleSignatureNeeds})`, f.bleTapPeak),
    row("after boot in production mode (locked, console closed)", f.productionUsageAfterBoot),
    "",
    `A signature's peak is measured as the least free memory with which it still completes (ballast taken right before it, bisected); that includes the ${SIGN_HEADROOM} variables the signer insists on before it copies the seed. The bounds (issue 16): at most 50 % used after boot, at least 300 spare at every peak.`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const binary = process.env.ESPRUINO_ARM_BIN || resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "tools", "espruino-puckjs-armhf");
  measureArmStampFigures(qemuArmLauncher(resolve(binary), process.env.QEMU_ARM || "qemu-arm")).then(
    (figures) => {
      console.log(JSON.stringify(figures, null, 2));
      console.log(formatArmStampFigures(figures).join("\n"));
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
