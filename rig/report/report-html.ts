import { CampaignResult } from "../campaign";
import { htmlText as h } from "./html-text";
import { RigReport, TwinRun } from "./rig-report";

/** Inline only: the page is one file that opens anywhere, offline, loading nothing. */
const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#a00;font-weight:bold}.good{color:#060;font-weight:bold}
h1,h2,h3{line-height:1.2}code{font-family:ui-monospace,monospace}`;

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1) + " s";
}

function num(value: number, badWhenAboveZero = false): string {
  return `<td class="n${badWhenAboveZero && value > 0 ? " bad" : ""}">${value}</td>`;
}

function campaignRow(c: CampaignResult): string {
  return `<tr><td>${h(c.campaign)}</td>${num(c.attempts)}${num(c.accepted, true)}${num(c.flagged)}${num(c.legitimate)}${num(c.falseRejections, true)}<td class="n">${seconds(c.durationMs)}</td></tr>`;
}

function twinRow(t: TwinRun): string {
  const caught = t.result !== undefined && t.result.accepted > 0;
  const why = t.error === undefined ? "" : `: ${h(t.error)}`;
  return `<tr><td>${h(t.campaign)}</td><td>${h(t.weakness ?? "no twin yet")}</td><td class="n">${t.result?.attempts ?? "-"}</td><td class="n">${t.result?.accepted ?? "-"}</td><td class="${caught ? "good" : "bad"}">${caught ? "yes" : "NO" + why}</td></tr>`;
}

function details(c: CampaignResult): string {
  const rows = c.byAttack.map((a) => `<tr><td>${h(a.attack)}</td>${num(a.sent)}${num(a.accepted, true)}${num(a.flagged)}<td>${h(a.answers.join(", "))}</td></tr>`).join("");
  const figures = c.figures.map((f) => `<li>${h(f.name)}: <span class="${f.ok ? "good" : "bad"}">${h(f.value)}</span></li>`).join("");
  const stopped = c.error === undefined ? "" : `<li class="bad">stopped before its end: ${h(c.error)}</li>`;
  const notRun = stopped + c.notRun.map((n) => `<li>not run: ${h(n.attack)}: ${h(n.why)}</li>`).join("");
  const examples = c.acceptedExamples.map((e) => `<li class="bad">accepted: ${h(e.attack)} (${h(e.answer)})</li>`).join("");
  const against = c.host === undefined ? "" : `<p>Against ${h(c.host)}.</p>`;
  return `<h3>${h(c.campaign)}</h3><p>${h(c.attacks)}</p>${against}<table><tr><th>attack</th><th>sent</th><th>accepted</th><th>flagged</th><th>answered</th></tr>${rows}</table><ul>${figures}${notRun}${examples}</ul>`;
}

/** The report as one self-contained page: inline style, no script, no external reference; all text escaped. */
export function reportHtml(report: RigReport): string {
  const failures = report.failures.map((f) => `<li>${h(f)}</li>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Security rig report ${h(report.startedAt)}</title><style>${STYLE}</style></head><body>
<h1>Security rig report</h1>
<p>Started ${h(report.startedAt)} against ${h(report.target)}, ${h(report.budget)} run: <span class="${report.passed ? "good" : "bad"}">${report.passed ? "passed" : "FAILED"}</span></p>
${failures === "" ? "" : `<ul>${failures}</ul>`}
<h2>Against the host</h2>
<table><tr><th>campaign</th><th>attempts</th><th>accepted</th><th>flagged</th><th>legitimate taps</th><th>false rejections</th><th>time</th></tr>${report.campaigns.map(campaignRow).join("")}</table>
<h2>Against each weakened twin (each must be caught: accepted &gt; 0)</h2>
<table><tr><th>campaign</th><th>weakness</th><th>attempts</th><th>accepted</th><th>caught</th></tr>${report.twins.map(twinRow).join("")}</table>
<h2>Campaigns in detail</h2>
${report.campaigns.map(details).join("\n")}
</body></html>
`;
}
