/**
 * The frame of every dashboard page: language, viewport, the dashboard's own stylesheet and
 * script (and the WebAuthn library on the login pages, the chart library on the reports page),
 * all from this host; a header with the views, the language switch and "log out"; a skip link
 * for keyboard users; the page's main content under a single h1.
 */
import { Html, html } from "../web/html";
import { Language } from "../web/i18n/language";
import { DashboardContext } from "./dashboard-context";
import { dashboardMessagesFor } from "./i18n/dashboard-messages";

export interface DashboardPageContent {
  title: string;
  main: Html;
  /** Loads the WebAuthn library: the login and enrolment pages. */
  passkeys?: boolean;
  /** Loads uPlot (before the dashboard's script, which draws with it): the reports page. */
  charts?: boolean;
  /** Which view the page is, to mark it in the navigation. */
  current?: DashboardView;
}

export type DashboardView = "counter" | "stamps" | "reports" | "programs";

function otherLanguage(language: Language): Language {
  return language === "ko" ? "en" : "ko";
}

function navLink(href: string, text: string, isCurrent: boolean): Html {
  return isCurrent ? html`<a href="${href}" aria-current="page">${text}</a>` : html`<a href="${href}">${text}</a>`;
}

export function dashboardDocument(context: DashboardContext, content: DashboardPageContent): Html {
  const m = context.messages;
  const other = otherLanguage(context.language);
  const signedIn = context.person === undefined
    ? ""
    : html`${navLink("/dashboard", m.counterNav, content.current === "counter")}${navLink("/dashboard/stamps", m.stampsNav, content.current === "stamps")}${navLink("/dashboard/reports", m.reportsNav, content.current === "reports")}${navLink("/dashboard/programs", m.programsNav, content.current === "programs")}`;
  const logOut = context.person === undefined
    ? ""
    : html`<form method="post" action="/dashboard/logout" class="inline"><button type="submit" class="link">${m.logOut}</button></form>`;
  const who = context.person === undefined ? "" : html`<p class="who">${m.signedInAs(context.person.name, context.person.role)}</p>`;
  return html`<!doctype html>
<html lang="${context.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${content.title} · ${m.siteName}</title>
${content.charts === true ? html`<link rel="stylesheet" href="/dashboard/assets/uplot.css">\n` : ""}<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
${content.passkeys === true ? html`<script src="/assets/webauthn.js" defer></script>\n` : ""}${content.charts === true ? html`<script src="/dashboard/assets/uplot.js" defer></script>\n` : ""}<script src="/dashboard/assets/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${m.skipToContent}</a>
<header class="top">
<a class="brand" href="/dashboard">${m.siteName}</a>
<nav aria-label="${m.navigationLabel}">
${signedIn}<a href="${context.path}?lang=${other}" hreflang="${other}" lang="${other}">${dashboardMessagesFor(other).languageName}</a>${logOut}
</nav>
</header>
<main id="main">
${who}${content.main}
</main>
</body>
</html>
`;
}
