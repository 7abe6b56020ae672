/**
 * `npm run bench`: measures and writes BENCHMARKS.md (machine, command, figures, and the
 * comparisons measured in the same run). Espruino figures use ESPRUINO_BIN / ESPRUINO_ARM_BIN,
 * or the copies in ../shared/tools when those exist. The security rig's section ("Security rig
 * (full run)", written by `npm run rig`) is kept as it is.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { qemuArmLauncher, x86Launcher } from "../test/support/espruino-session";
import { measureEspruinoFigures } from "./firmware/espruino-figures";
import { formatArmStampFigures, measureArmStampFigures } from "./firmware/arm-stamp-figures";
import { measureNfcHandlerLatency } from "./firmware/nfc-handler-latency";
import { formatPhoneUrlFigures, measurePhoneUrlFigures } from "./firmware/phone-url-figures";
import { measureHostFigures } from "./host-figures";
import { formatAnalyticsFigures, measureAnalyticsFigures } from "./host/analytics-figures";
import { formatLedgerGrowth, measureLedgerGrowth } from "./host/ledger-growth-figures";
import { formatShardFigures, measureShardFigures } from "./host/shard-figures";
import { formatLoadFigures, measureLoadFigures } from "./load/load-figures";
import { formatCliStartup, measureCliStartup } from "./cli-startup";
import { formatEd25519BenchmarkMarkdown, runEd25519Benchmark } from "./native/ed25519-bench";
import { measureBleTapFigures } from "./ble/ble-tap-figures";
import { FlashFigures, measureFlash, measureToolUpload } from "./flashing/flash-figures";
import { deviceKinds } from "../test/flashing/device-bridge";
import { formatNfcTapFigures, measureNfcTapFigures } from "./nfc/nfc-tap-figures";
import { rigSectionIn, withRigSection } from "../rig/report/benchmarks-section";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist", "firmware");

function binary(variable: string, fallback: string): string | undefined {
  const fromEnv = process.env[variable];
  if (fromEnv !== undefined && fromEnv !== "") return resolve(fromEnv);
  const shared = resolve(root, "..", "shared", "tools", fallback);
  return existsSync(shared) ? shared : undefined;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const thousands = (value: number) => Math.round(value).toLocaleString("en-US");

async function main(): Promise<void> {
  const lines: string[] = [];
  const out = (line = "") => lines.push(line);
  const started = new Date();
  out("# Benchmarks");
  out();
  out(`Written by \`npm run bench\` (bench/run-benchmarks.ts) on ${started.toISOString()}.`);
  out();
  out(`Machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${fixed(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}.`);
  out();

  const stampJs = readFileSync(join(dist, "stamp.js"));
  const blobBytes = statSync(join(dist, "ed25519.bin")).size;
  out("## Firmware image");
  out();
  out("| file | Storage name | bytes | gzip |");
  out("|---|---|---:|---:|");
  out(`| dist/firmware/stamp.js | .bootcde | ${thousands(stampJs.length)} | ${thousands(gzipSync(stampJs).length)} |`);
  out(`| dist/firmware/ed25519.bin | stamp.ed25519 | ${thousands(blobBytes)} | - |`);
  out(`| together, of the Puck.js's 40,960-byte Storage | | ${thousands(stampJs.length + blobBytes)} (${fixed((100 * (stampJs.length + blobBytes)) / 40960)} %) | |`);
  out();

  const x86 = binary("ESPRUINO_BIN", "espruino-puckjs-x86_64");
  out("## Memory on the Puck-like Espruino (2v29, 2,630 variables)");
  out();
  if (x86 === undefined) out("Not measured: set ESPRUINO_BIN.");
  else {
    const figures = await measureEspruinoFigures(x86);
    out(`x86-64 build (${figures.espruinoVersion}), bundle booted from Storage as \`.bootcde\` beside a test prelude (stub radio, recording signer):`);
    out();
    out("| | variables | of 2,630 |");
    out("|---|---:|---:|");
    out(`| after first boot (key created) | ${figures.memoryUsageAfterBoot} | ${figures.usagePercentAfterBoot} % |`);
    out(`| after second boot (key loaded) | ${figures.memoryUsageAfterSecondBoot} | ${fixed((100 * figures.memoryUsageAfterSecondBoot) / figures.memoryTotal)} % |`);
    out(`| test prelude alone | ${figures.preludeOnlyUsage} | ${fixed((100 * figures.preludeOnlyUsage) / figures.memoryTotal)} % |`);
    out(`| the firmware's own share | ${figures.bundleUsage} | ${fixed((100 * figures.bundleUsage) / figures.memoryTotal)} % |`);
    out();
    out(`Storage free: ${thousands(figures.storageFreeAfterUpload)} bytes after the upload (${figures.uploadWrites} console writes), ${thousands(figures.storageFreeAfterFirstBoot)} after the first boot.`);
    out();
    out("NFC frame handler inside Espruino (x86-64 build at ~3 GHz: a lower bound for the 64 MHz Puck.js; the budget is 4.8 ms), getTime() around the NFCrx handler:");
    out();
    out("| frame | mean ms | max ms | frames |");
    out("|---|---:|---:|---:|");
    for (const latency of await measureNfcHandlerLatency(x86Launcher(x86), join(dist, "stamp.js"))) {
      out(`| ${latency.frame} | ${fixed(latency.meanMs, 3)} | ${fixed(latency.maxMs, 3)} | ${latency.frames} |`);
    }
  }
  out();
  const arm = binary("ESPRUINO_ARM_BIN", "espruino-puckjs-armhf");
  if (arm !== undefined) {
    for (const line of formatArmStampFigures(await measureArmStampFigures(qemuArmLauncher(arm), dist))) out(line);
    out();
    for (const line of formatPhoneUrlFigures(await measurePhoneUrlFigures(qemuArmLauncher(arm), dist))) out(line);
    out();
  }

  out("## Flashing station (`stamp flash`, one stamp, on the Puck-like Espruino behind socat)");
  out();
  const kinds = deviceKinds({ ...process.env, ESPRUINO_BIN: x86 ?? "", ESPRUINO_ARM_BIN: arm ?? "" });
  const flashes: FlashFigures[] = [];
  if (kinds.x86 !== undefined) flashes.push(await measureFlash(kinds.x86));
  if (kinds.arm !== undefined) flashes.push(await measureFlash(kinds.arm));
  if (flashes.length === 0) out(`Not measured: ${kinds.missing.join("; ")}.`);
  else {
    const stepNames = [...new Set(flashes.flatMap((f) => f.steps.map((s) => s.step)))];
    out(`| step | ${flashes.map((f) => f.device).join(" | ")} |`);
    out(`|---|${flashes.map(() => "---:").join("|")}|`);
    for (const step of stepNames) out(`| ${step} | ${flashes.map((f) => `${thousands(f.steps.find((s) => s.step === step)?.ms ?? 0)} ms`).join(" | ")} |`);
    out(`| **whole flash** | ${flashes.map((f) => `**${fixed(f.totalMs / 1000)} s**`).join(" | ")} |`);
    out(`| console lines sent | ${flashes.map((f) => thousands(f.traffic.lines)).join(" | ")} |`);
    out(`| bytes to the stamp (image: ${thousands(flashes[0].uploadBytes)} bytes) | ${flashes.map((f) => thousands(f.traffic.bytesSent)).join(" | ")} |`);
    out(`| bytes from the stamp | ${flashes.map((f) => thousands(f.traffic.bytesReceived)).join(" | ")} |`);
    out(`| rig's main-loop hold per answer (0 on a Puck.js) | ${flashes.map((f) => `${f.holdMs} ms`).join(" | ")} |`);
    out();
    out(
      "Every console line waits for its answer before the next is sent (one round trip per 300-byte chunk of the image). After each " +
        "answer the Linux rig holds its main loop until the next line has arrived, at most the hold, so that line is not garbled " +
        "(`host/flashing/station-console.ts`); a Puck.js needs no hold. The lock step includes the silence the station waits for " +
        "to prove the console closed (1 s on x86, 4 s on ARM). The ARM build runs under qemu-arm and signs with the real native blob.",
    );
    out();
  }
  if (kinds.x86 !== undefined) {
    const tool = await measureToolUpload(kinds.x86);
    out(`Comparison, same rig (x86), same two files, fresh device: espruino-tools' own CLI (\`espruino --no-ble -p tcp://… --storage .bootcde:… --storage stamp.ed25519:…\`):`);
    out();
    out("| | time |");
    out("|---|---:|");
    out(`| the CLI, whole command (start-up, connection, upload, exit) | ${fixed(tool.commandMs / 1000)} s |`);
    out(`| the CLI's upload, from its "Connected" to its "Upload Complete" | ${fixed(tool.uploadMs / 1000)} s |`);
    out(`| station's upload step, with each write answered and both files checked by SHA-256 on the device | ${fixed((flashes[0]?.steps.find((s) => s.step === "upload")?.ms ?? 0) / 1000)} s |`);
    out();
    out(`The files written by the CLI read back ${tool.verified ? "intact" : "**damaged**"} (length and SHA-256 on the device). The CLI does not check what it wrote; the station does, then also reboots, proves, locks and registers.`);
    out();
  }

  out(formatEd25519BenchmarkMarkdown(await runEd25519Benchmark({ skipBuild: false })));
  out();

  const host = await measureHostFigures();
  out("## Host verification");
  out();
  out("| | per operation |");
  out("|---|---:|");
  out(`| Ed25519 verify, strict (S < L and canonical R checked first, then node:crypto) | ${fixed(host.strictVerifyMicros)} µs |`);
  out(`| Ed25519 verify, node:crypto alone (comparison) | ${fixed(host.plainVerifyMicros)} µs |`);
  out(`| whole tap through the core on SQLite (WAL, synchronous=FULL): verify, consume challenge, keep the signature, counter, ledger append | ${fixed(host.tapMillis, 2)} ms (${thousands(host.tapsPerSecond)} taps/s over ${host.taps}) |`);
  out(`| a station signs one request (RFC 9421, Ed25519, Content-Digest) | ${fixed(host.signRequestMicros)} µs |`);
  out(`| the host parses and verifies one signed request (nonce store not included) | ${fixed(host.verifyRequestMicros)} µs |`);
  out();
  out(
    `Challenge + tap over HTTP on loopback (${host.httpTaps} taps each; client and server in one process, so both sides' costs count), measured in the same run on the same store: ` +
      "with the station's signature checked on both requests (and its nonce stored), and the same two routes behind the same Host, cross-site, header and rate-limit hooks with a fixed principal and no authentication (a bench-only server; the product has none).",
  );
  out();
  out("| concurrency | authenticated taps/s | p50 / p99 ms | without authentication taps/s | p50 / p99 ms | cost of authentication |");
  out("|---:|---:|---:|---:|---:|---:|");
  host.authenticated.forEach((a, i) => {
    const u = host.unauthenticated[i];
    out(`| ${a.concurrency} | ${thousands(a.tapsPerSecond)} | ${fixed(a.p50Millis, 2)} / ${fixed(a.p99Millis, 2)} | ${thousands(u.tapsPerSecond)} | ${fixed(u.p50Millis, 2)} / ${fixed(u.p99Millis, 2)} | ${fixed(1000 / a.tapsPerSecond - 1000 / u.tapsPerSecond, 2)} ms per tap |`);
  });
  out();

  for (const line of formatAnalyticsFigures(await measureAnalyticsFigures())) out(line);
  out();

  for (const line of formatLedgerGrowth(await measureLedgerGrowth())) out(line);

  for (const line of formatShardFigures(await measureShardFigures())) out(line);
  out();

  // Short runs here (the whole bench stays near ten minutes); `npm run bench:load` rewrites this section with longer ones.
  for (const line of formatLoadFigures(await measureLoadFigures({ seconds: 3, verifySeconds: 2, stores: ["sqlite", "postgres"] }))) out(line);
  out();

  out(formatCliStartup(measureCliStartup()));
  out();

  out(formatNfcTapFigures(await measureNfcTapFigures(200)));
  out();

  const ble = await measureBleTapFigures(30);
  out("## BLE tap (bleno's own HCI/L2CAP/ATT/GATT code over the emulated controller)");
  out();
  out("| | MTU 23 | MTU 53 |");
  out("|---|---:|---:|");
  out(`| ATT round trips after connecting | ${ble.mtu23.roundTrips} | ${ble.mtu53.roundTrips} |`);
  out(`| of which MTU exchange and discovery | ${ble.mtu23.discoveryRoundTrips} | ${ble.mtu53.discoveryRoundTrips} |`);
  out(`| of which the tap (read challenge, write reply, read verdict) | ${ble.mtu23.tapRoundTrips} | ${ble.mtu53.tapRoundTrips} |`);
  out(`| ATT bytes per tap | ${ble.mtu23.attBytes} | ${ble.mtu53.attBytes} |`);
  out(`| modelled press to verdict at a ${ble.parameters.connectionIntervalMs} ms connection interval | ${fixed(ble.mtu23.modelledMs)} ms | ${fixed(ble.mtu53.modelledMs)} ms |`);
  out();
  out(
    `Model: scan ${ble.parameters.scanMs} ms + half an advertising interval + connection set-up + round trips × connection interval + signing ` +
      `(${thousands(ble.parameters.signatureInstructions)} Thumb instructions at ${ble.parameters.cpuHz / 1e6} MHz) + host judging measured through bleno, the in-process API with the station's signed requests, and SQLite (${fixed(ble.hostJudgeMs, 2)} ms median). See docs/ble.md.`,
  );
  out();

  // The security rig's full-run summary is written by `npm run rig`, not measured here: carried over as it is.
  const path = join(root, "BENCHMARKS.md");
  const rigSection = existsSync(path) ? rigSectionIn(readFileSync(path, "utf8")) : undefined;
  const text = rigSection === undefined ? lines.join("\n") : withRigSection(lines.join("\n"), rigSection);
  writeFileSync(path, text);
  console.log(text);
}

main().catch((error: unknown) => {
  console.error(`benchmarks failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
