import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reportHtml } from "./report-html";
import { reportJson } from "./report-json";
import { reportMarkdown } from "./report-markdown";
import { RigReport } from "./rig-report";

/** The file name stem of a report: rig-<date and time of its start>, safe in any file system. */
export function reportStem(report: RigReport): string {
  return "rig-" + report.startedAt.replace(/[:.]/g, "-");
}

/** Writes <dir>/rig-<start>.{json,md,html} and returns the three paths. */
export function writeReports(report: RigReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, reportStem(report));
  const files: [string, string][] = [
    [stem + ".json", reportJson(report)],
    [stem + ".md", reportMarkdown(report)],
    [stem + ".html", reportHtml(report)],
  ];
  for (const [path, text] of files) writeFileSync(path, text);
  return files.map(([path]) => path);
}
