/**
 * GET /w/:code: an owner's invitation to make this phone a worker's card. Nothing happens until
 * the person presses the button, which posts the form back to the same address.
 */
import { Html, html } from "../html";
import { pageDocument } from "../layout";
import { PageContext } from "../page-context";

export interface InvitationPreview {
  workerName: string;
  merchantName: string;
}

export function invitationPage(context: PageContext, code: string, preview: InvitationPreview | undefined): Html {
  const m = context.messages;
  const explain = preview === undefined ? m.inviteExplainUnnamed : m.inviteExplain(preview.workerName, preview.merchantName);
  const main = html`<h1>${m.inviteTitle}</h1>
<section class="panel">
<p>${explain}</p>
<form method="post" action="/w/${encodeURIComponent(code)}">
<button type="submit" class="button">${m.inviteButton}</button>
</form>
</section>`;
  return pageDocument(context, { title: m.inviteTitle, main: main });
}
