/**
 * "Hold your phone to the stamp", always shown, and the Web NFC "stamp here" button, hidden until
 * the page script finds NDEFReader (Chrome on Android). Sentences the script needs travel in
 * data- attributes, in the page's language.
 */
import { Html, html } from "../html";
import { PageContext } from "../page-context";

export function stampHereSection(context: PageContext, hint: string): Html {
  const m = context.messages;
  return html`<p>${hint}</p>
<div data-nfc hidden data-scanning="${m.nfcScanning}" data-no-link="${m.nfcNoLink}" data-failed="${m.nfcFailed}">
<button type="button" class="button" data-nfc-start>${m.nfcButton}</button>
<p class="status" role="status" data-status></p>
</div>`;
}
