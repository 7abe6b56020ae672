import { describe, expect, it } from "vitest";
import { CampaignResult } from "../../rig/campaign";
import { reportHtml } from "../../rig/report/report-html";
import { reportMarkdown } from "../../rig/report/report-markdown";
import { judge, RigReport } from "../../rig/report/rig-report";
import { tally } from "../../rig/tally";

const HOSTILE = `<img src="https://evil.example/x.png" onerror='alert(1)'>|x|\`y\``;

function result(accepted: number, falseRejections = 0): CampaignResult {
  const attempts = [
    { attack: HOSTILE, legitimate: false, accepted: accepted > 0, flagged: true, answer: "BAD_SIGNATURE" },
    { attack: "legitimate tap", legitimate: true, accepted: falseRejections === 0, flagged: false, answer: "ACCEPTED" },
  ];
  return tally("forgery", HOSTILE, { attempts: attempts, notRun: [{ attack: "expired", why: HOSTILE }], figures: [{ name: HOSTILE, value: HOSTILE, ok: true }] }, 1234);
}

function report(campaign: CampaignResult): RigReport {
  const twins = [{ campaign: "forgery", weakness: HOSTILE, result: result(1), error: undefined }];
  const failures = judge([campaign], twins);
  return { startedAt: "2026-12-02T10:00:00.000Z", target: HOSTILE, budget: "short", campaigns: [campaign], twins: twins, failures: failures, passed: failures.length === 0 };
}

describe("rig: tally, verdict and report text", () => {
  it("counts attacks and legitimate taps apart", () => {
    const r = result(1, 1);
    expect({ attempts: r.attempts, accepted: r.accepted, flagged: r.flagged, legitimate: r.legitimate, falseRejections: r.falseRejections }).toEqual({ attempts: 1, accepted: 1, flagged: 1, legitimate: 1, falseRejections: 1 });
    expect(r.acceptedExamples).toHaveLength(1);
    expect(r.byAttack[0].answers).toEqual(["BAD_SIGNATURE"]);
  });

  it("fails a run on an accepted attack, a refused legitimate tap, a figure out of bounds, or a twin not caught or missing", () => {
    expect(judge([result(0)], [{ campaign: "forgery", weakness: "lax", result: result(1), error: undefined }])).toEqual([]);
    expect(judge([result(1, 1)], [])).toHaveLength(2);
    const bad = { ...result(0), figures: [{ name: "repeated nonces", value: "2", ok: false }] };
    expect(judge([bad], [])).toEqual(["forgery: repeated nonces = 2"]);
    expect(judge([], [{ campaign: "forgery", weakness: "lax", result: result(0), error: undefined }])[0]).toMatch(/did not catch its weakened twin/);
    expect(judge([], [{ campaign: "clone", weakness: undefined, result: undefined, error: undefined }])[0]).toMatch(/no weakened twin/);
    expect(judge([], [{ campaign: "forgery", weakness: "lax", result: undefined, error: "spawn failed" }])[0]).toMatch(/could not be run: spawn failed/);
    expect(judge([{ ...result(0), error: "HTTP 429" }], [])).toEqual(["forgery: stopped before its end: HTTP 429"]);
  });

  it("escapes every text in the HTML page, which references nothing outside itself", () => {
    const html = reportHtml(report(result(0)));
    expect(html).not.toContain("<img");
    // Text is escaped, so the only tags are the page's own: none loads or runs anything.
    expect(html).not.toMatch(/<[^>]*\s(src|href|on\w+)\s*=/i);
    expect(html).toContain("&lt;img src=&quot;https://evil.example/x.png&quot; onerror=&#39;alert(1)&#39;&gt;");
    expect(html).not.toMatch(/<script|<link/i);
  });

  it("keeps Markdown table cells whole", () => {
    const markdown = reportMarkdown(report(result(0)));
    const row = markdown.split("\n").find((line) => line.startsWith("| forgery | &lt;img"));
    expect(row).toBeDefined();
    expect(row?.split(/(?<!\\)\|/).length).toBe(7);
    expect(markdown).not.toContain("<img");
  });

  it("tallies counted attempts as if each were listed, and names a campaign's own host", () => {
    const fresh = { attack: "nonce", legitimate: false, accepted: false, flagged: false, answer: "fresh", count: 999_998 };
    const repeated = { attack: "nonce", legitimate: false, accepted: true, flagged: false, answer: "repeated" };
    const r = tally("nonce-quality", "nonces", { attempts: [repeated], counted: [fresh, { ...repeated, count: 1 }, { ...fresh, legitimate: true, accepted: false, answer: "refused", count: 3 }], notRun: [], figures: [] }, 1);
    expect({ attempts: r.attempts, accepted: r.accepted, legitimate: r.legitimate, falseRejections: r.falseRejections }).toEqual({ attempts: 1_000_000, accepted: 2, legitimate: 3, falseRejections: 3 });
    expect(r.byAttack).toEqual([{ attack: "nonce", sent: 1_000_000, accepted: 2, flagged: 0, answers: ["repeated", "fresh"] }]);
    expect(r.acceptedExamples).toHaveLength(2);
    const md = reportMarkdown({ ...report(result(0)), campaigns: [{ ...result(0), host: "flood host (own process)" }] });
    expect(md).toContain("Against flood host (own process).");
  });
});
