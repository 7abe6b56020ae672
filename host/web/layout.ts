/**
 * The frame of every phone page: language attribute, viewport for phones, the one stylesheet and
 * script from this host, a header with the card list and the language switch, and the page's
 * main content under a single h1 (written by the page).
 */
import { Html, html } from "./html";
import { Language } from "./i18n/language";
import { messagesFor } from "./i18n/messages";
import { PageContext } from "./page-context";
import { PHONE_TAP_PATH } from "../../shared/phone-url";

export interface PageContent {
  title: string;
  main: Html;
  /** Loads the WebAuthn library: pages with passkey buttons. */
  passkeys?: boolean;
}

function otherLanguage(language: Language): Language {
  return language === "ko" ? "en" : "ko";
}

export function pageDocument(context: PageContext, content: PageContent): Html {
  const other = otherLanguage(context.language);
  const tapPrefix = context.publicUrl === undefined ? "" : context.publicUrl + PHONE_TAP_PATH;
  return html`<!doctype html>
<html lang="${context.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${content.title} · ${context.messages.siteName}</title>
<link rel="stylesheet" href="/assets/stamp.css">
${content.passkeys === true ? html`<script src="/assets/webauthn.js" defer></script>\n` : ""}<script src="/assets/stamp.js" defer></script>
</head>
<body data-tap-prefix="${tapPrefix}">
<header class="top">
<a class="brand" href="/card">${context.messages.siteName}</a>
<nav aria-label="${context.messages.navigationLabel}">
<a href="/card">${context.messages.myCards}</a>
<a href="${context.path}?lang=${other}" hreflang="${other}" lang="${other}">${messagesFor(other).languageName}</a>
</nav>
</header>
<main>
${content.main}
</main>
</body>
</html>
`;
}
