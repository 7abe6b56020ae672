/** A dashboard page that only says something: an error, a missing page, a link that cannot be used. */
import { Html, html } from "../../web/html";
import { DashboardContext } from "../dashboard-context";
import { dashboardDocument } from "../layout";

export function dashboardMessagePage(context: DashboardContext, title: string, sentence: string): Html {
  const main = html`<h1>${title}</h1>
<p>${sentence}</p>
<p><a class="button quiet" href="/dashboard">${context.messages.siteName}</a></p>`;
  return dashboardDocument(context, { title: title, main: main });
}
