/**
 * The full run's summary in BENCHMARKS.md, between two markers so that `npm run rig` rewrites
 * only it and `npm run bench` (which rewrites the rest of the file) carries it over: pure.
 */
import { markdownCell as md } from "./markdown-text";
import { RigReport } from "./rig-report";

export const RIG_SECTION_START = "<!-- security-rig:start (written by `npm run rig`, kept by `npm run bench`) -->";
export const RIG_SECTION_END = "<!-- security-rig:end -->";

/** Where and how the run was made, as the rest of BENCHMARKS.md gives it. */
export interface RunContext {
  /** e.g. "AMD EPYC …, 2 cores, 3.8 GiB, Linux 6.1, Node v20.20.2". */
  machine: string;
  /** The command line as typed, e.g. "npm run rig". */
  command: string;
  finishedAt: string;
  durationMs: number;
}

function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

const count = (n: number) => n.toLocaleString("en-US");

/** The section, markers included. */
export function rigBenchmarksSection(report: RigReport, run: RunContext): string {
  const twinOf = (campaign: string) => report.twins.find((t) => t.campaign === campaign);
  const caught = report.twins.filter((t) => t.result !== undefined && t.result.accepted > 0);
  const notRun = report.campaigns.flatMap((c) => c.notRun.map((n) => `- ${md(c.campaign)}: ${md(n.attack)}: ${md(n.why)}`));
  const lines = [
    RIG_SECTION_START,
    "## Security rig (full run)",
    "",
    `Written by \`${md(run.command)}\` (rig/rig-main.ts) on ${run.finishedAt}, against ${md(report.target)}; the whole run (campaigns and twins) took ${minutes(run.durationMs)}.`,
    "",
    `Machine: ${md(run.machine)}.`,
    "",
    `Result: ${report.passed ? "**passed**" : `**FAILED** (${report.failures.length} failures)`}. Twins caught: ${caught.length} of ${report.twins.length}. Reports: reports/rig-<start>.{json,md,html}; docs/rig.md says what each number means.`,
    "",
    "| campaign | attempts | accepted | flagged | legitimate taps | false rejections | time | twin: accepted of attempts |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
    ...report.campaigns.map((c) => {
      const twin = twinOf(c.campaign);
      const twinCell = twin?.result === undefined ? `not caught${twin?.error === undefined ? "" : ": " + md(twin.error)}` : `${count(twin.result.accepted)} of ${count(twin.result.attempts)}${twin.result.accepted > 0 ? "" : " (not caught)"}`;
      return `| ${md(c.campaign)}${c.error === undefined ? "" : " (stopped)"} | ${count(c.attempts)} | ${count(c.accepted)} | ${count(c.flagged)} | ${count(c.legitimate)} | ${count(c.falseRejections)} | ${(c.durationMs / 1000).toFixed(1)} s | ${twinCell} |`;
    }),
    "",
    ...(notRun.length === 0 ? ["Not run: nothing."] : ["Not run (never counted as passed):", "", ...notRun]),
    ...(report.failures.length === 0 ? [] : ["", "Failures:", "", ...report.failures.map((f) => `- ${md(f)}`)]),
    RIG_SECTION_END,
  ];
  return lines.join("\n") + "\n";
}

/** The section in a BENCHMARKS.md text, markers included, or undefined when it has none. */
export function rigSectionIn(text: string): string | undefined {
  const start = text.indexOf(RIG_SECTION_START);
  if (start === -1) return undefined;
  const end = text.indexOf(RIG_SECTION_END, start);
  if (end === -1) return undefined;
  return text.slice(start, end + RIG_SECTION_END.length) + "\n";
}

/** The text with its section replaced by `section`, or `section` appended after a blank line. */
export function withRigSection(text: string, section: string): string {
  const old = rigSectionIn(text);
  if (old !== undefined) {
    const start = text.indexOf(RIG_SECTION_START);
    const after = text.slice(start + old.length - 1).replace(/^\n/, "");
    return text.slice(0, start) + section + after;
  }
  return text.replace(/\n*$/, "\n\n") + section;
}
