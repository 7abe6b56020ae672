/**
 * The phone pages' one stylesheet, served as /assets/stamp.css (the CSP allows no inline style).
 * Mobile first: one column that reads at 360 px and stays a column on a desktop; system fonts
 * only (Korean ones first where present), nothing fetched from elsewhere; a focus ring on every
 * control for keyboard users; motion kept to none.
 */
export const STYLESHEET = `
:root {
  color-scheme: light;
  --ink: #1c1b1f;
  --muted: #54565c;
  --paper: #faf7f2;
  --card: #ffffff;
  --line: #ddd5c7;
  --accent: #b3261e;
  --accent-ink: #ffffff;
  --good: #17603a;
  --good-bg: #e5f3ea;
  --warn: #7a4300;
  --warn-bg: #fff1db;
  --focus: #1747c9;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--paper);
  color: var(--ink);
  font-family: system-ui, -apple-system, "Apple SD Gothic Neo", "Noto Sans KR", "Malgun Gothic", NanumGothic, "Segoe UI", Roboto, sans-serif;
  font-size: 1.0625rem;
  line-height: 1.55;
  word-break: keep-all;
  overflow-wrap: anywhere;
}
a { color: var(--focus); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 4px; }
.top {
  display: flex; align-items: center; justify-content: space-between; gap: .75rem;
  padding: .75rem max(1rem, calc((100% - 32rem) / 2)); background: var(--card); border-bottom: 1px solid var(--line);
}
.brand { font-weight: 700; color: var(--ink); text-decoration: none; display: inline-flex; align-items: center; gap: .5rem; }
.brand::before { content: ""; width: 1.1rem; height: 1.1rem; border-radius: 50%; background: var(--accent); box-shadow: inset 0 0 0 3px #e98a84; }
.top nav { display: flex; gap: .25rem; align-items: center; flex-wrap: wrap; justify-content: flex-end; }
.top nav a { padding: .5rem .6rem; min-height: 2.75rem; display: inline-flex; align-items: center; }
main { max-width: 34rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .75rem 0 .75rem; }
h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
p { margin: 0 0 .75rem; }
.muted { color: var(--muted); }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 1rem; padding: 1rem 1rem .25rem; margin: 0 0 1rem; }
.notice { border-radius: .75rem; padding: .85rem 1rem; margin: 0 0 1rem; font-weight: 600; border-left: .4rem solid; }
.notice.good { background: var(--good-bg); color: var(--good); border-color: var(--good); font-size: 1.25rem; }
.notice.warn { background: var(--warn-bg); color: var(--warn); border-color: var(--warn); }
.count { font-size: 2.4rem; font-weight: 800; line-height: 1.1; margin: 0 0 .5rem; }
/* Five to a row, like a paper stamp card. */
.dots { display: grid; grid-template-columns: repeat(5, 2rem); gap: .5rem; list-style: none; padding: 0; margin: 0 0 .75rem; }
.dots li { width: 2rem; height: 2rem; border-radius: 50%; border: 2px dashed var(--line); }
.dots li.on { background: var(--accent); border: 2px solid var(--accent); box-shadow: inset 0 0 0 4px #e98a84; }
progress { width: 100%; height: 1rem; accent-color: var(--accent); margin: 0 0 .75rem; }
.reward { font-weight: 700; color: var(--good); }
.button {
  display: flex; align-items: center; justify-content: center; width: 100%;
  min-height: 3rem; padding: .7rem 1rem; margin: .25rem 0 .5rem;
  font: inherit; font-weight: 700; text-align: center; text-decoration: none;
  color: var(--accent-ink); background: var(--accent); border: 0; border-radius: .8rem; cursor: pointer;
}
.button.quiet { color: var(--ink); background: var(--card); border: 2px solid var(--line); }
.button:disabled { opacity: .6; cursor: progress; }
[hidden] { display: none !important; }
.status:empty { display: none; }
.status { margin: .25rem 0 .5rem; font-weight: 600; }
.cards { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: .6rem; }
.cards a {
  display: flex; justify-content: space-between; align-items: center; gap: .75rem; min-height: 3.25rem;
  padding: .75rem 1rem; background: var(--card); border: 1px solid var(--line); border-radius: .8rem;
  color: var(--ink); text-decoration: none; font-weight: 600;
}
.badge { font-size: .85rem; font-weight: 600; color: var(--muted); white-space: nowrap; }
.recent { list-style: none; padding: 0; margin: 0; }
.recent li { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 .75rem; padding: .5rem 0; border-top: 1px solid var(--line); }
.recent li:first-child { border-top: 0; }
.vouchers { list-style: none; padding: 0; margin: 0; }
.vouchers li { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .25rem .75rem; padding: .6rem 0; border-top: 1px solid var(--line); }
.vouchers li:first-child { border-top: 0; }
.vouchers li form { flex-basis: 100%; }
.vouchers li.used, .vouchers li.expired { color: var(--muted); }
.qr { max-width: 14rem; margin: 0 auto .5rem; background: #fff; }
.qr svg { display: block; width: 100%; height: auto; }
.code { text-align: center; font-size: 1.1rem; letter-spacing: .05em; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .45rem .25rem; border-top: 1px solid var(--line); vertical-align: top; }
th { font-size: .9rem; color: var(--muted); border-top: 0; }
td.minutes { white-space: nowrap; }
.note { display: block; font-size: .9rem; color: var(--warn); }
.steps { padding-left: 1.25rem; margin: 0 0 .75rem; }
@media (min-width: 48rem) {
  main { padding-top: 2rem; }
  .button { width: auto; min-width: 16rem; }
}
`;
