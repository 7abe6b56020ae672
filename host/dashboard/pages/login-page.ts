/** GET /dashboard/login: log in with a passkey; nothing else is asked. */
import { Html, html } from "../../web/html";
import { DashboardContext } from "../dashboard-context";
import { dashboardDocument } from "../layout";
import { passkeyCeremony } from "./passkey-ceremony";

export function loginPage(context: DashboardContext, hasPublicUrl: boolean): Html {
  const m = context.messages;
  const ceremony = hasPublicUrl ? passkeyCeremony(context, { kind: "login", url: "/dashboard/login", button: m.loginButton }) : html`<p>${m.noPublicUrl}</p>`;
  const main = html`<h1>${m.loginTitle}</h1>
<section class="panel">
<p>${m.loginExplain}</p>
${ceremony}
</section>
<p class="muted">${m.loginLost}</p>`;
  return dashboardDocument(context, { title: m.loginTitle, main: main, passkeys: true });
}
