import { CampaignResult } from "../campaign";
import { markdownCell as md } from "./markdown-text";
import { RigReport } from "./rig-report";

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1) + " s";
}

function campaignRow(c: CampaignResult): string {
  return `| ${md(c.campaign)} | ${c.attempts} | ${c.accepted} | ${c.flagged} | ${c.legitimate} | ${c.falseRejections} | ${seconds(c.durationMs)} |`;
}

function details(c: CampaignResult): string[] {
  const against = c.host === undefined ? [] : [`Against ${md(c.host)}.`, ""];
  const lines = [`### ${md(c.campaign)}`, "", md(c.attacks), "", ...against, "| attack | sent | accepted | flagged | answered |", "|---|---:|---:|---:|---|"];
  for (const a of c.byAttack) lines.push(`| ${md(a.attack)} | ${a.sent} | ${a.accepted} | ${a.flagged} | ${md(a.answers.join(", "))} |`);
  for (const f of c.figures) lines.push("", `- ${md(f.name)}: ${md(f.value)}${f.ok ? "" : " (out of bounds)"}`);
  if (c.error !== undefined) lines.push("", `- **stopped before its end**: ${md(c.error)}`);
  for (const n of c.notRun) lines.push("", `- not run: ${md(n.attack)}: ${md(n.why)}`);
  for (const e of c.acceptedExamples) lines.push("", `- accepted: ${md(e.attack)} (${md(e.answer)})`);
  lines.push("");
  return lines;
}

/** The report for people reading it in a repository or a terminal. */
export function reportMarkdown(report: RigReport): string {
  const lines = [
    "# Security rig report",
    "",
    `- started: ${md(report.startedAt)}`,
    `- target: ${md(report.target)}`,
    `- run: ${report.budget}`,
    `- result: ${report.passed ? "**passed**" : "**FAILED**"}`,
    ...report.failures.map((f) => `  - ${md(f)}`),
    "",
    "## Against the host",
    "",
    "| campaign | attempts | accepted | flagged | legitimate taps | false rejections | time |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...report.campaigns.map(campaignRow),
    "",
    "## Against each weakened twin (each must be caught: accepted > 0)",
    "",
    "| campaign | weakness | attempts | accepted | caught |",
    "|---|---|---:|---:|---|",
    ...report.twins.map((t) => `| ${md(t.campaign)} | ${md(t.weakness ?? "no twin yet")} | ${t.result?.attempts ?? "-"} | ${t.result?.accepted ?? "-"} | ${t.result !== undefined && t.result.accepted > 0 ? "yes" : "NO" + (t.error === undefined ? "" : ": " + md(t.error))} |`),
    "",
    "## Campaigns in detail (against the host)",
    "",
    ...report.campaigns.flatMap(details),
  ];
  return lines.join("\n") + "\n";
}
