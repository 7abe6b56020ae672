/**
 * The full run's summary in BENCHMARKS.md: rendered from a report, spliced between its markers
 * by `npm run rig`, and carried over unchanged when `npm run bench` rewrites the rest.
 */
import { describe, expect, it } from "vitest";
import { CampaignResult } from "../../rig/campaign";
import { RIG_SECTION_END, RIG_SECTION_START, rigBenchmarksSection, rigSectionIn, withRigSection } from "../../rig/report/benchmarks-section";
import { judge, RigReport, TwinRun } from "../../rig/report/rig-report";
import { tally } from "../../rig/tally";

function campaign(name: string, accepted: boolean, durationMs: number, notRun: CampaignResult["notRun"] = []): CampaignResult {
  const attack = { attack: `${name} attack`, legitimate: false, accepted: accepted, flagged: !accepted, answer: accepted ? "ACCEPTED" : "BAD_SIGNATURE" };
  const legitimate = { attack: "legitimate tap", legitimate: true, accepted: true, flagged: false, answer: "ACCEPTED" };
  return tally(name, `${name} attacks`, { attempts: [attack, legitimate], counted: [{ ...attack, accepted: false, flagged: false, answer: "fresh", count: 1_234_566 }], notRun: notRun, figures: [] }, durationMs);
}

function report(): RigReport {
  const campaigns = [campaign("nonce-quality", false, 345_678), campaign("floods", false, 12_300, [{ attack: "floods | by radio", why: "no <radio>" }])];
  const twins: TwinRun[] = [
    { campaign: "nonce-quality", weakness: "counter nonces", result: campaign("nonce-quality", true, 900), error: undefined },
    { campaign: "floods", weakness: "no limits", result: undefined, error: "spawn failed" },
  ];
  const failures = judge(campaigns, twins);
  return { startedAt: "2026-12-02T14:00:00.000Z", target: "embedded host (SQLite)", budget: "full", campaigns: campaigns, twins: twins, failures: failures, passed: failures.length === 0 };
}

const RUN = { machine: "Test CPU, 2 cores, 3.8 GiB, Linux 6.1, Node v20.20.2", command: "npm run rig", finishedAt: "2026-12-02T14:12:00.000Z", durationMs: 725_000 };

describe("rig: the full run's section in BENCHMARKS.md", () => {
  it("gives machine, command, date, time, and per campaign its counts, time and twin", () => {
    const section = rigBenchmarksSection(report(), RUN);
    expect(section.startsWith(RIG_SECTION_START + "\n## Security rig (full run)\n")).toBe(true);
    expect(section.endsWith(RIG_SECTION_END + "\n")).toBe(true);
    expect(section).toContain("Written by `npm run rig` (rig/rig-main.ts) on 2026-12-02T14:12:00.000Z, against embedded host (SQLite); the whole run (campaigns and twins) took 12 min 05 s.");
    expect(section).toContain("Machine: Test CPU, 2 cores, 3.8 GiB, Linux 6.1, Node v20.20.2.");
    // Counted attempts count as attempts: 1 + 1,234,566.
    expect(section).toContain("| nonce-quality | 1,234,567 | 0 | 1 | 1 | 0 | 345.7 s | 1 of 1,234,567 |");
    expect(section).toContain("| floods | 1,234,567 | 0 | 1 | 1 | 0 | 12.3 s | not caught: spawn failed |");
    expect(section).toContain("Twins caught: 1 of 2.");
    expect(section).toContain("- floods: floods \\| by radio: no &lt;radio&gt;");
    expect(section).toContain("**FAILED** (1 failures)");
    expect(section).toContain("- floods: its twin could not be run: spawn failed");
  });

  it("is appended to a file without one, replaced in a file with one, and nothing else changes", () => {
    const before = "# Benchmarks\n\n## Firmware image\n\ntable\n";
    const first = rigBenchmarksSection(report(), RUN);
    const once = withRigSection(before, first);
    expect(once).toBe(before + "\n" + first);
    expect(rigSectionIn(once)).toBe(first);
    const second = rigBenchmarksSection(report(), { ...RUN, durationMs: 1_000 });
    const middle = withRigSection(once + "\n## After it\n\nmore\n", second);
    expect(middle).toBe(before + "\n" + second + "\n## After it\n\nmore\n");
    expect(rigSectionIn(middle)).toBe(second);
  });

  it("is carried over when the benchmarks rewrite the rest of the file (npm run bench), and absent when it never was", () => {
    const old = withRigSection("# Benchmarks\n\n## Old figures\n", rigBenchmarksSection(report(), RUN));
    const rewritten = "# Benchmarks\n\n## New figures\n";
    const kept = rigSectionIn(old);
    expect(kept).toBeDefined();
    const next = withRigSection(rewritten, kept ?? "");
    expect(next.startsWith(rewritten)).toBe(true);
    expect(rigSectionIn(next)).toBe(kept);
    expect(next).not.toContain("Old figures");
    expect(rigSectionIn("# Benchmarks\n")).toBeUndefined();
    expect(rigSectionIn(`# Benchmarks\n${RIG_SECTION_START}\nno end`)).toBeUndefined();
  });
});
