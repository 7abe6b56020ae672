/**
 * The dashboard's stylesheet, served as /dashboard/assets/dashboard.css (the CSP allows no inline
 * style). The phone pages' palette and system fonts (Korean ones first where present); one column
 * at 360 px, wider on a desktop; a focus ring on every control; colour never the only signal
 * (each verdict also says "counted" or "not counted" in words).
 */
export const DASHBOARD_STYLESHEET = `
:root {
  color-scheme: light;
  --ink: #1c1b1f;
  --muted: #54565c;
  --paper: #f6f4ef;
  --card: #ffffff;
  --line: #d9d2c5;
  --accent: #b3261e;
  --accent-ink: #ffffff;
  --good: #17603a;
  --good-bg: #e5f3ea;
  --bad: #9b1c1c;
  --bad-bg: #fde8e8;
  --warn: #7a4300;
  --warn-bg: #fff1db;
  --focus: #1747c9;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--paper); color: var(--ink);
  font-family: system-ui, -apple-system, "Apple SD Gothic Neo", "Noto Sans KR", "Malgun Gothic", NanumGothic, "Segoe UI", Roboto, sans-serif;
  font-size: 1rem; line-height: 1.55; word-break: keep-all; overflow-wrap: anywhere;
}
a { color: var(--focus); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 4px; }
.skip { position: absolute; left: -999rem; top: .5rem; background: var(--card); padding: .5rem 1rem; z-index: 2; }
.skip:focus { left: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.top {
  display: flex; align-items: center; justify-content: space-between; flex-wrap: wrap; gap: .25rem .75rem;
  padding: .5rem max(1rem, calc((100% - 58rem) / 2)); background: var(--card); border-bottom: 1px solid var(--line);
}
.brand { font-weight: 700; color: var(--ink); text-decoration: none; display: inline-flex; align-items: center; gap: .5rem; min-height: 2.75rem; }
.brand::before { content: ""; width: 1.1rem; height: 1.1rem; border-radius: 50%; background: var(--accent); box-shadow: inset 0 0 0 3px #e98a84; }
.top nav { display: flex; gap: .25rem; align-items: center; flex-wrap: wrap; }
.top nav a, .link { padding: .5rem .6rem; min-height: 2.75rem; display: inline-flex; align-items: center; }
.top nav a[aria-current="page"] { font-weight: 700; color: var(--ink); text-decoration-thickness: 3px; text-underline-offset: .35rem; }
.inline { display: inline; margin: 0; }
.link { font: inherit; color: var(--focus); background: none; border: 0; text-decoration: underline; cursor: pointer; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
.who { color: var(--muted); font-size: .9rem; margin: 0; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .5rem 0 .5rem; }
h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
h3 { font-size: 1.1rem; margin: 0 0 .25rem; }
p { margin: 0 0 .75rem; }
.muted { color: var(--muted); }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 1rem; padding: 1rem 1rem .25rem; margin: 0 0 1rem; }
.notice { border-radius: .75rem; padding: .85rem 1rem; margin: 0 0 1rem; font-weight: 600; border-left: .4rem solid; }
.notice.good { background: var(--good-bg); color: var(--good); border-color: var(--good); }
.notice.warn { background: var(--warn-bg); color: var(--warn); border-color: var(--warn); }
.note { font-size: .9rem; color: var(--warn); margin: .25rem 0; }
.button {
  display: flex; align-items: center; justify-content: center; width: 100%;
  min-height: 3rem; padding: .7rem 1rem; margin: .25rem 0 .75rem;
  font: inherit; font-weight: 700; text-align: center; text-decoration: none;
  color: var(--accent-ink); background: var(--accent); border: 0; border-radius: .8rem; cursor: pointer;
}
.button.quiet { color: var(--ink); background: var(--card); border: 2px solid var(--line); }
.button.danger { background: var(--bad); }
.button:disabled { opacity: .6; cursor: progress; }
[hidden] { display: none !important; }
.status:empty { display: none; }
.status { margin: .25rem 0 .5rem; font-weight: 600; }
label { display: block; font-weight: 600; font-size: .95rem; margin: .5rem 0 .25rem; }
input[type="text"] { width: 100%; font: inherit; padding: .6rem .75rem; min-height: 2.75rem; border: 2px solid var(--line); border-radius: .6rem; background: var(--card); color: var(--ink); }
.connection { font-weight: 600; color: var(--muted); }
.feed[data-state="live"] .connection { color: var(--good); }
.feed[data-state="live"] .connection::before { content: "● "; }
.feed[data-state="reconnecting"] .connection { color: var(--warn); }
.verdicts { list-style: none; padding: 0; margin: 0; display: grid; gap: .6rem; }
.verdict { border-radius: .9rem; padding: .75rem 1rem; border-left: .5rem solid; background: var(--card); }
.verdict p { margin: 0 0 .25rem; }
.verdict.good { background: var(--good-bg); border-color: var(--good); }
.verdict.bad { background: var(--bad-bg); border-color: var(--bad); }
.verdict-head { display: flex; flex-wrap: wrap; gap: 0 .75rem; align-items: baseline; }
.verdict.good strong { color: var(--good); font-size: 1.25rem; }
.verdict.bad strong { color: var(--bad); font-size: 1.25rem; }
.verdict-stamp { font-weight: 700; }
.verdict-time { margin-left: auto; color: var(--muted); font-variant-numeric: tabular-nums; }
.verdict-where { color: var(--muted); font-size: .9rem; }
.stamps, .alerts { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: .75rem; }
.stamp { background: var(--card); border: 1px solid var(--line); border-radius: 1rem; padding: 1rem; }
.stamp.quarantined { border-color: var(--warn); border-width: 2px; }
.stamp.revoked { background: #f1efea; }
.status-pill { display: inline-block; font-weight: 700; font-size: .85rem; padding: .1rem .6rem; border-radius: 1rem; margin-right: .25rem; }
.status-pill.active { background: var(--good-bg); color: var(--good); }
.status-pill.quarantined { background: var(--warn-bg); color: var(--warn); }
.status-pill.revoked { background: #e4e1da; color: var(--muted); }
.action { border-top: 1px solid var(--line); padding-top: .5rem; margin-top: .5rem; }
.alerts li { border-top: 1px solid var(--line); padding-top: .5rem; }
.alerts li:first-child { border-top: 0; padding-top: 0; }
.alerts p { margin: 0 0 .25rem; }
input[type="number"] { width: 100%; font: inherit; padding: .6rem .75rem; min-height: 2.75rem; border: 2px solid var(--line); border-radius: .6rem; background: var(--card); color: var(--ink); font-variant-numeric: tabular-nums; }
.chart { margin: 0 0 1rem; }
.chart figcaption { font-weight: 600; margin: 0 0 .5rem; }
.chart-key { list-style: none; padding: 0; margin: 0 0 .25rem; display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .9rem; color: var(--muted); }
.chart-key li::before { content: ""; display: inline-block; width: .9rem; height: .9rem; margin-right: .35rem; vertical-align: -.1rem; border-radius: .15rem; }
.key-stamps::before { background: #b3261e; }
.key-customers::before { background: #1747c9; height: .25rem !important; vertical-align: .2rem !important; }
.plot { width: 100%; min-height: 1px; margin: 0 0 .75rem; overflow: hidden; }
.table-wrap { overflow-x: auto; margin: 0 0 1rem; }
.numbers { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
.numbers th, .numbers td { text-align: left; padding: .4rem .35rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.numbers thead th { font-size: .9rem; color: var(--muted); border-bottom-width: 2px; overflow-wrap: normal; }
.numbers tbody th { font-weight: 600; }
.numbers td, .numbers th { overflow-wrap: normal; }
.numbers .kind { display: block; font-weight: 400; font-size: .85rem; color: var(--muted); }
.numbers .status-pill { white-space: nowrap; }
.numbers .number { white-space: nowrap; }
.numbers .number, [data-daily] td { text-align: right; }
.card-id { font-size: .85rem; word-break: break-all; white-space: normal; }
.hours { display: block; }
.hours-bar { display: block; width: 100%; max-width: 12rem; height: .8rem; }
.filters { display: grid; gap: .75rem; grid-template-columns: 1fr 1fr; align-items: end; margin: 0 0 1rem; }
.filters .button { margin: 0; min-height: 2.75rem; }
.filters > div:last-child { grid-column: 1 / -1; }
.fields { display: grid; gap: 0 .75rem; grid-template-columns: 1fr; }
.settings { margin: .5rem 0 0; }
.settings .button { margin-top: .75rem; }
.help { font-size: .85rem; color: var(--muted); margin: .25rem 0 0; }
.summary { font-weight: 600; font-size: 1.05rem; }
.plain { padding-left: 1.25rem; margin: 0 0 1rem; }
.workers { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: .75rem; }
.worker { border: 1px solid var(--line); border-radius: .9rem; padding: .75rem 1rem .25rem; }
.worker p { margin: 0 0 .5rem; }
.invitation { background: var(--good-bg); border-left: .4rem solid var(--good); border-radius: .75rem; padding: .75rem 1rem; margin: .5rem 0; }
.invitation h4 { margin: 0 0 .25rem; font-size: 1rem; }
.link-text { word-break: break-all; font-size: .9rem; }
.qr { width: 12rem; max-width: 100%; background: #ffffff; padding: .25rem; border-radius: .5rem; }
.qr svg { display: block; width: 100%; height: auto; }
@media (min-width: 48rem) {
  main { padding-top: 1.5rem; }
  .button { width: auto; min-width: 14rem; }
  .stamps { grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); }
  .filters { grid-template-columns: 1fr 1fr auto; }
  .filters > div:last-child { grid-column: auto; }
  .fields { grid-template-columns: 1fr 1fr; }
  .workers { grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); }
}
`;
