/** GET /p, where a stamp's tag points between presses: what to do, in words, and the Web NFC button where there is one. */
import { Html, html } from "../html";
import { pageDocument } from "../layout";
import { PageContext } from "../page-context";
import { stampHereSection } from "./stamp-here-section";

export function pressPage(context: PageContext): Html {
  const m = context.messages;
  const main = html`<h1>${m.pressTitle}</h1>
<p class="muted">${m.pressExplain}</p>
<section class="panel">
${context.publicUrl === undefined ? html`<p>${m.noPublicUrl}</p>` : stampHereSection(context, m.holdHint)}
</section>
<p><a class="button quiet" href="/card">${m.myCards}</a></p>`;
  return pageDocument(context, { title: m.pressTitle, main: main });
}
