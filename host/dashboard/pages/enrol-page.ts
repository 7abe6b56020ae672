/** GET /dashboard/enrol/:code: who the link is for, and the button that makes their passkey. */
import { Html, html } from "../../web/html";
import { DashboardContext } from "../dashboard-context";
import { dashboardDocument } from "../layout";
import { passkeyCeremony } from "./passkey-ceremony";

export interface EnrolPreview {
  code: string;
  name: string;
  role: string;
  merchantName: string;
}

export function enrolPage(context: DashboardContext, preview: EnrolPreview, hasPublicUrl: boolean): Html {
  const m = context.messages;
  const ceremony = hasPublicUrl
    ? passkeyCeremony(context, { kind: "enrol", url: `/dashboard/enrol/${encodeURIComponent(preview.code)}`, button: m.enrolButton })
    : html`<p>${m.noPublicUrl}</p>`;
  const main = html`<h1>${m.enrolTitle}</h1>
<section class="panel">
<p>${m.enrolExplain(preview.name, preview.role, preview.merchantName)}</p>
${ceremony}
</section>`;
  return dashboardDocument(context, { title: m.enrolTitle, main: main, passkeys: true });
}
