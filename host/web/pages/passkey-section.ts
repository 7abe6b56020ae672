/**
 * The passkey offers. "Keep" (register) is for a browser that has a card; "bring" (log in) for
 * one that wants its cards from another phone. Both are hidden until the page script finds
 * WebAuthn: without it the page asks nothing.
 */
import { Html, html } from "../html";
import { PageContext } from "../page-context";

function section(context: PageContext, action: "register" | "login", title: string, explain: string, button: string, done: string): Html {
  const m = context.messages;
  const id = `passkey-${action}`;
  return html`<section class="panel" aria-labelledby="${id}" data-passkey hidden data-working="${m.passkeyWorking}" data-done="${done}" data-failed="${m.passkeyFailed}">
<h2 id="${id}">${title}</h2>
<p>${explain}</p>
<button type="button" class="button quiet" data-passkey-action="${action}">${button}</button>
<p class="status" role="status" data-status></p>
</section>`;
}

export function keepCardsSection(context: PageContext): Html {
  const m = context.messages;
  return section(context, "register", m.keepTitle, m.keepExplain, m.keepButton, m.keepDone);
}

export function bringCardsSection(context: PageContext): Html {
  const m = context.messages;
  return section(context, "login", m.bringTitle, m.bringExplain, m.bringButton, m.bringDone);
}
