import { Command } from "commander";
import { appendFile, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Checkpoint, encodeCheckpointLine, parseCheckpointLines } from "../../ledger/checkpoint";
import type { LedgerCheckReport } from "../../core/ledger-evidence";
import { CliContext, Page, print, withApi } from "../context";
import { CliError } from "../io";
import { shortTime } from "../table";

export const DEFAULT_CHECKPOINT_FILE = "./stamp-checkpoints.jsonl";
/** The newest kept checkpoints sent with a check (the API takes at most 40). */
const KEPT_SENT = 40;

async function keptCheckpoints(path: string | undefined): Promise<Checkpoint[]> {
  if (path === undefined) return [];
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CliError(`cannot read the checkpoint file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = parseCheckpointLines(text);
  if (!parsed.ok) throw new CliError(`${path} line ${parsed.error.line}: ${parsed.error.message}`);
  return parsed.value.slice(-KEPT_SENT);
}

function reportText(report: LedgerCheckReport & { hostKeyId: string | null }): string {
  const after = report.checkedAfter;
  const lines = [
    after.ledger === 0 && after.audit === 0
      ? `${report.intact ? "evidence intact" : "EVIDENCE BROKEN"}: ${report.ledgerEvents} ledger events (each stamp signature re-verified), ${report.auditEntries} audit entries, ${report.checkpointsChecked} checkpoints checked`
      : `${report.intact ? "evidence intact" : "EVIDENCE BROKEN"} since the last checkpoints: ledger events ${after.ledger + 1} to ${report.ledgerEvents} (each stamp signature re-verified), audit entries ${after.audit + 1} to ${report.auditEntries}, ${report.checkpointsChecked} checkpoints checked`,
  ];
  if (!report.stampStatesChecked) lines.push("note: incremental: the stamps' status was not refolded from the whole chains (run without --since-checkpoint for that)");
  if (report.hostKeyId === null) lines.push("note: the host has no checkpoint key (--host-key): checkpoints could not be trusted");
  for (const problem of report.problems) lines.push(`  ${problem.chain}${problem.sequence === undefined ? "" : " " + problem.sequence}: ${problem.problem}`);
  if (report.problemsOmitted > 0) lines.push(`  … and ${report.problemsOmitted} more problems`);
  return lines.join("\n") + "\n";
}

export function addLedgerCommands(program: Command, context: CliContext): void {
  const ledger = program.command("ledger").description("the ledger's evidence: accepted taps and the audit chain, re-verified, and signed checkpoints (operator)");
  ledger
    .command("check")
    .description("re-verify every accepted tap's stamp signature, both hash chains and the checkpoints; exits non-zero when anything is wrong")
    .option("--checkpoints <file>", "checkpoints kept outside the database (`stamp ledger checkpoint` appends to one)")
    .option("--since-checkpoint", "check only what came after the newest checkpoint signed by the host key (fast on a large ledger)")
    .option("--json", "print JSON")
    .action(async (options: { checkpoints?: string; sinceCheckpoint?: boolean; json?: boolean }, command: Command) => {
      const kept = await keptCheckpoints(options.checkpoints === undefined ? undefined : resolve(options.checkpoints));
      const body = { checkpoints: kept, incremental: options.sinceCheckpoint === true };
      const report = await withApi(context, command, (api) => api.call<LedgerCheckReport & { hostKeyId: string | null }>("POST", "/v1/ledger/check", body));
      print(context, options.json, report, () => reportText(report));
      if (!report.intact) throw new CliError("the ledger's evidence is broken (see above)", 3);
    });
  ledger
    .command("checkpoint")
    .description("sign both chains' heads now with the host key and append them to a file kept outside the database")
    .option("--out <file>", "the checkpoint file (JSON lines, appended)", DEFAULT_CHECKPOINT_FILE)
    .option("--json", "print JSON")
    .action(async (options: { out: string; json?: boolean }, command: Command) => {
      const page = await withApi(context, command, (api) => api.call<Page<Checkpoint>>("POST", "/v1/ledger/checkpoints"));
      await appendFile(resolve(options.out), page.items.map((c) => encodeCheckpointLine(c) + "\n").join(""), { mode: 0o600 });
      print(context, options.json, page.items, () =>
        page.items.map((c) => `checkpoint ${c.chain}: ${c.count} entries, head ${c.headHash.slice(0, 16)}…, ${shortTime(new Date(c.at).toISOString())}\n`).join("") + `appended to ${resolve(options.out)}\n`,
      );
    });
}
