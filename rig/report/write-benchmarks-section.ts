import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { RigReport } from "./rig-report";
import { rigBenchmarksSection, RunContext, withRigSection } from "./benchmarks-section";

/** This machine, described as bench/run-benchmarks.ts describes it. */
export function thisMachine(): string {
  return `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}`;
}

/** Writes the full run's section into the BENCHMARKS.md at `path` (the rest of the file untouched). */
export function writeRigSection(path: string, report: RigReport, run: Omit<RunContext, "machine">): void {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  writeFileSync(path, withRigSection(text, rigBenchmarksSection(report, { ...run, machine: thisMachine() })));
}
