/**
 * `npm run rig`: every campaign against a host (one the rig starts, or a deployment), then each
 * against its weakened twin, and the report in reports/ as JSON, Markdown and HTML. Exits 1
 * when the run failed (an attack accepted, a legitimate tap refused, a twin not caught).
 */
import { ALL_TWINS } from "../test/rig/twins/all-twins";
import { ALL_CAMPAIGNS } from "./campaigns/all-campaigns";
import { startEmbeddedHost } from "./embedded-host";
import { rigOptions, USAGE } from "./rig-options";
import { writeReports } from "./report/write-reports";
import { runRig } from "./runner";
import { RunningHost } from "./twin";

async function main(): Promise<number> {
  const parsed = rigOptions(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n\n${USAGE}\n`);
    return 2;
  }
  const options = parsed.options;
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
  try {
    process.stderr.write(`rig: ${options.budget.kind} run against ${host.target.label}, ${options.budget.nonceSamples} nonce samples\n`);
    const report = await runRig({ target: host.target, campaigns: campaigns, twins: [...ALL_TWINS], budget: options.budget, onResult: (line) => process.stderr.write(`  ${line}\n`) });
    for (const path of writeReports(report, options.outDir)) process.stdout.write(path + "\n");
    for (const failure of report.failures) process.stderr.write(`FAILED: ${failure}\n`);
    return report.passed ? 0 : 1;
  } finally {
    await host.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`rig: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
