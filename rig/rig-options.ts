import { parseArgs } from "node:util";
import { Budget, FULL_BUDGET, SHORT_BUDGET } from "./campaign";

export const USAGE = `npm run rig -- [--short] [--out <dir>] [--nonce-samples <n>] [--campaign <name>]...
             [--url <base URL> --merchant <id>]   (owner token in STAMP_RIG_OWNER_TOKEN)
(or \`stamp rig …\` in a clone of the repository)

Without --url the rig starts its own host (the real server on a temporary SQLite file).
With --url it attacks that deployment as the owner of merchant <id> (docs/rig.md).
The whole full run on its own host also writes its summary into BENCHMARKS.md.`;

export interface RigOptions {
  /** --help: print the usage and run nothing. */
  help: boolean;
  budget: Budget;
  outDir: string;
  /** Campaign names to run; empty: all. */
  campaigns: string[];
  /** A deployment: the rig merchant's owner token, and optionally a second merchant's (STAMP_RIG_FOREIGN_OWNER_TOKEN) for the access-control campaign. */
  deployment: { url: string; merchantId: string; ownerToken: string; foreignOwnerToken: string | undefined } | undefined;
}

/** The command line and environment as options, or what is wrong with them: pure. */
export function rigOptions(args: string[], env: Record<string, string | undefined>): { ok: true; options: RigOptions } | { ok: false; error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: args,
      options: {
        help: { type: "boolean", short: "h", default: false },
        short: { type: "boolean", default: false },
        out: { type: "string", default: "reports" },
        "nonce-samples": { type: "string" },
        campaign: { type: "string", multiple: true, default: [] },
        url: { type: "string" },
        merchant: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const v = parsed.values;
  const base = v.short ? SHORT_BUDGET : FULL_BUDGET;
  const samplesText = v["nonce-samples"];
  const samples = samplesText === undefined ? base.nonceSamples : Number(samplesText);
  if (!Number.isSafeInteger(samples) || samples < 100) return { ok: false, error: "--nonce-samples must be a whole number of at least 100" };
  let deployment: RigOptions["deployment"];
  if (v.url !== undefined || v.merchant !== undefined) {
    const token = env.STAMP_RIG_OWNER_TOKEN;
    if (v.url === undefined || v.merchant === undefined) return { ok: false, error: "--url and --merchant go together" };
    if (token === undefined || token === "") return { ok: false, error: "set STAMP_RIG_OWNER_TOKEN to an owner token of the rig's merchant (not on the command line: it would show in the process list)" };
    const foreign = env.STAMP_RIG_FOREIGN_OWNER_TOKEN;
    deployment = { url: v.url, merchantId: v.merchant, ownerToken: token, foreignOwnerToken: foreign === undefined || foreign === "" ? undefined : foreign };
  }
  return { ok: true, options: { help: v.help, budget: { ...base, nonceSamples: samples }, outDir: v.out, campaigns: v.campaign, deployment: deployment } };
}
