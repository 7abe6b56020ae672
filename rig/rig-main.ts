/**
 * `npm run rig`: every campaign against a host (one the rig starts, or a deployment), then each
 * against its weakened twin, and the report in reports/ as JSON, Markdown and HTML. Exits 1
 * when the run failed (an attack accepted, a legitimate tap refused, a twin not caught).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { emulatedBleBench } from "../test/rig/ble-bench-emulated";
import { startFullRunBenches } from "../test/rig/full-run-benches";
import { startNfcBenchIfInstalled } from "../test/rig/nfc-bench-pcscd";
import { ALL_TWINS } from "../test/rig/twins/all-twins";
import { softwarePasskeys } from "../test/rig/twins/software-passkeys";
import { FULL_BUDGET } from "./campaign";
import { ALL_CAMPAIGNS } from "./campaigns/all-campaigns";
import { bleStationCampaign } from "./campaigns/ble-station";
import { nfcStationCampaign } from "./campaigns/nfc-station";
import { startEmbeddedHost } from "./embedded-host";
import { writeRigSection } from "./report/write-benchmarks-section";
import { writeReports } from "./report/write-reports";
import { rigOptions, USAGE } from "./rig-options";
import { runRig } from "./runner";
import { RunningHost } from "./twin";

async function main(): Promise<number> {
  const parsed = rigOptions(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n\n${USAGE}\n`);
    return 2;
  }
  const options = parsed.options;
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const runStarted = performance.now();
  const unknown = options.campaigns.filter((name) => !ALL_CAMPAIGNS.some((c) => c.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown campaign ${unknown.join(", ")}: the campaigns are ${ALL_CAMPAIGNS.map((c) => c.name).join(", ")}\n`);
    return 2;
  }
  const campaigns = ALL_CAMPAIGNS.filter((c) => options.campaigns.length === 0 || options.campaigns.includes(c.name));
  const deployment = options.deployment;
  const host: RunningHost =
    deployment === undefined
      ? await startEmbeddedHost()
      : { target: { label: deployment.url, url: deployment.url, ownerToken: deployment.ownerToken, merchantId: deployment.merchantId, clock: Date.now, foreignOwnerToken: deployment.foreignOwnerToken }, stop: async () => undefined };
  let ble: ReturnType<typeof emulatedBleBench> | undefined;
  let nfc: Awaited<ReturnType<typeof startNfcBenchIfInstalled>> | undefined;
  let benches: Awaited<ReturnType<typeof startFullRunBenches>> | undefined;
  const stopEverything = async (): Promise<void> => {
    benches?.stop();
    if (nfc?.ok === true) await nfc.running.stop();
    await host.stop();
  };
  // Interrupted (Ctrl-C), the rig still stops what it started: its pcscd, Espruino and host processes.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`rig: ${signal}: stopping the benches and hosts it started\n`);
      void stopEverything().finally(() => process.exit(130));
    });
  }
  try {
    // The BLE station path needs a radio the rig reaches: bleno over an emulated HCI controller
    // (rig test code, test/rig/ble-bench-emulated.ts), when this machine can run it; else the campaign says it did not run.
    ble = campaigns.includes(bleStationCampaign) ? emulatedBleBench() : undefined;
    if (ble !== undefined && !ble.ok) process.stderr.write(`rig: no BLE bench on this machine: ${ble.why}\n`);
    // The NFC station path needs a PC/SC reader with virtual cards: a private pcscd + vpcd (rig test
    // code, test/rig/nfc-bench-pcscd.ts) when they are installed; else the campaign says it did not run.
    nfc = campaigns.includes(nfcStationCampaign) ? await startNfcBenchIfInstalled() : undefined;
    if (nfc !== undefined && !nfc.ok) process.stderr.write(`rig: no NFC bench on this machine: ${nfc.why}\n`);
    // Dashboard sessions: a software WebAuthn authenticator (rig test code) makes the rig's dashboard people their passkeys.
    const target = { ...host.target, passkeys: softwarePasskeys, ...(ble?.ok === true ? { bleBench: ble.bench } : {}), ...(nfc?.ok === true ? { nfcBench: nfc.running.bench } : {}) };
    // On its own host the rig also runs what a deployment cannot give it: floods against a host
    // process with the product's limits, nonce quality on a host thread of its own, and the locked
    // Espruino consoles (test/rig/full-run-benches.ts).
    benches = deployment === undefined ? await startFullRunBenches(campaigns.map((c) => c.name)) : undefined;
    for (const missing of benches?.missing ?? []) process.stderr.write(`rig: not provided: ${missing}\n`);
    process.stderr.write(`rig: ${options.budget.kind} run against ${host.target.label}, ${options.budget.nonceSamples} nonce samples\n`);
    const report = await runRig({ target: benches?.equip(target) ?? target, ownHosts: benches?.ownHosts, campaigns: campaigns, twins: benches?.twins(ALL_TWINS) ?? [...ALL_TWINS], budget: options.budget, onResult: (line) => process.stderr.write(`  ${line}\n`) });
    for (const path of writeReports(report, options.outDir)) process.stdout.write(path + "\n");
    // Only the whole full run on the rig's own host is summarised in BENCHMARKS.md (a subset or another budget would overwrite it with less).
    if (deployment === undefined && options.campaigns.length === 0 && options.budget.kind === "full" && options.budget.nonceSamples === FULL_BUDGET.nonceSamples) {
      const path = join(dirname(fileURLToPath(import.meta.url)), "..", "BENCHMARKS.md");
      writeRigSection(path, report, { command: ["npm run rig", ...process.argv.slice(2)].join(" "), finishedAt: new Date().toISOString(), durationMs: performance.now() - runStarted });
      process.stdout.write(path + "\n");
    }
    for (const failure of report.failures) process.stderr.write(`FAILED: ${failure}\n`);
    return report.passed ? 0 : 1;
  } finally {
    await stopEverything();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`rig: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
