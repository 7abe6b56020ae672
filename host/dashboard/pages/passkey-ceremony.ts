/**
 * A passkey button and its status line. The button stays hidden until the dashboard script
 * finds WebAuthn; the sentence for a browser without it is shown instead (and hidden by the
 * script when it finds WebAuthn). Sentences the script needs travel in data- attributes.
 */
import { Html, html } from "../../web/html";
import { DashboardContext } from "../dashboard-context";

export function passkeyCeremony(context: DashboardContext, input: { kind: "login" | "enrol"; url: string; button: string }): Html {
  const m = context.messages;
  return html`<div data-ceremony="${input.kind}" data-url="${input.url}" data-working="${m.passkeyWorking}" data-failed="${m.passkeyFailed}">
<p data-no-webauthn>${m.noWebAuthn}</p>
<button type="button" class="button" data-start hidden>${input.button}</button>
<p class="status" role="status" data-status></p>
</div>`;
}
