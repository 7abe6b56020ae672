/** A page that only says something: an error, a missing page, an invitation that cannot be used. */
import { Html, html } from "../html";
import { pageDocument } from "../layout";
import { PageContext } from "../page-context";

export function messagePage(context: PageContext, title: string, sentence: string): Html {
  const main = html`<h1>${title}</h1>
<p>${sentence}</p>
<p><a class="button quiet" href="/card">${context.messages.myCards}</a></p>`;
  return pageDocument(context, { title: title, main: main });
}
