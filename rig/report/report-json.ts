import { RigReport } from "./rig-report";

/** The report for machines: the RigReport itself. */
export function reportJson(report: RigReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
