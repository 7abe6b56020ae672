/**
 * GET /dashboard: the counter view. Each verdict of this merchant arrives from
 * /dashboard/events (server-sent events) as it is decided and goes on top of the list: green
 * when it counted, red when it did not, with the reason in words and the stamp's label. The list
 * is a live region, so a screen reader says each new line.
 */
import { Html, html } from "../../web/html";
import { DashboardContext } from "../dashboard-context";
import { dashboardDocument } from "../layout";

export function counterPage(context: DashboardContext): Html {
  const m = context.messages;
  const main = html`<h1>${m.counterTitle}</h1>
<p class="muted">${m.counterExplain}</p>
<section class="feed" data-feed="/dashboard/events" data-live="${m.live}" data-reconnecting="${m.reconnecting}" data-ended="${m.feedEnded}" aria-labelledby="feed-title">
<h2 id="feed-title" class="visually-hidden">${m.counterTitle}</h2>
<p class="connection" role="status" data-connection>${m.connecting}</p>
<p class="muted" data-empty>${m.noTapsYet}</p>
<ol class="verdicts" aria-live="polite" data-verdicts></ol>
</section>`;
  return dashboardDocument(context, { title: m.counterTitle, main: main, current: "counter" });
}
