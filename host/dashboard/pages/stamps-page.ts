/**
 * GET /dashboard/stamps: the merchant's stamps with their status in words, and for an owner or
 * manager the forms that take one out of service or put a blocked one back, each with a reason
 * for the audit record (POST to this host only, then back here with the result). Below, the
 * latest alerts in words.
 */
import { NamedAlert, StampRecord } from "../../core/model";
import { eventTime } from "../../web/clock-text";
import { Html, html } from "../../web/html";
import { DashboardContext } from "../dashboard-context";
import { dashboardDocument } from "../layout";

export interface StampsPageInput {
  stamps: StampRecord[];
  shopNames: ReadonlyMap<string, string>;
  alerts: NamedAlert[];
  canChange: boolean;
  /** What the last action came to, if the page follows one. */
  notice: { tone: "good" | "warn"; text: string } | undefined;
}

function actionForm(context: DashboardContext, stamp: StampRecord, action: "revoke" | "reinstate"): Html {
  const m = context.messages;
  const id = `reason-${action}-${stamp.id}`;
  const button = action === "revoke" ? m.revokeButton : m.reinstateButton;
  const warning = action === "revoke" ? html`<p class="note" id="${id}-warning">${m.revokeWarning}</p>` : "";
  return html`<form method="post" action="/dashboard/stamps/${stamp.id}/${action}" class="action ${action}">
<label for="${id}">${m.reasonLabel}</label>
<input id="${id}" name="reason" type="text" required maxlength="500" autocomplete="off"${action === "revoke" ? html` aria-describedby="${id}-warning"` : ""}>
${warning}<button type="submit" class="button ${action === "revoke" ? "danger" : "quiet"}">${button}</button>
</form>`;
}

function stampCard(context: DashboardContext, input: StampsPageInput, stamp: StampRecord): Html {
  const m = context.messages;
  const shops = stamp.shopIds.map((id) => input.shopNames.get(id) ?? id).join(", ");
  const forms =
    !input.canChange || stamp.status === "revoked"
      ? ""
      : html`${stamp.status === "quarantined" ? actionForm(context, stamp, "reinstate") : ""}${actionForm(context, stamp, "revoke")}`;
  return html`<li class="stamp ${stamp.status}">
<h3>${stamp.label}</h3>
<p><span class="status-pill ${stamp.status}">${m.statusNames[stamp.status]}</span> ${m.statusHelp[stamp.status]}</p>
<p class="muted">${m.shopsColumn}: ${shops}</p>
${forms}
</li>`;
}

/** What an alert is about: the stamp and shop of a tap, or the station whose own request raised it (a forged registration names no real stamp). */
function alertSubject(context: DashboardContext, alert: NamedAlert): string {
  const m = context.messages;
  if (alert.stationId !== "") return m.alertFromStation(alert.stationLabel ?? alert.stationId);
  return m.alertAbout(alert.stampLabel ?? m.unknownStampName, alert.shopName ?? "");
}

function alertItem(context: DashboardContext, alert: NamedAlert): Html {
  const m = context.messages;
  return html`<li><p>${m.alertKinds[alert.kind]}</p><p class="muted">${alertSubject(context, alert)} · ${eventTime(alert.at, context.language, context.timeZone)}</p></li>`;
}

export function stampsPage(context: DashboardContext, input: StampsPageInput): Html {
  const m = context.messages;
  const notice = input.notice === undefined ? "" : html`<p class="notice ${input.notice.tone}" role="status">${input.notice.text}</p>`;
  const stamps = input.stamps.length === 0 ? html`<p class="muted">${m.noStamps}</p>` : html`<ul class="stamps">${input.stamps.map((stamp) => stampCard(context, input, stamp))}</ul>`;
  const alerts = input.alerts.length === 0 ? html`<p class="muted">${m.noAlerts}</p>` : html`<ul class="alerts">${input.alerts.map((alert) => alertItem(context, alert))}</ul>`;
  const main = html`${notice}<h1>${m.stampsTitle}</h1>
${input.canChange ? "" : html`<p class="muted">${m.readOnly}</p>`}
${stamps}
<section class="panel" aria-labelledby="alerts-title"><h2 id="alerts-title">${m.alertsTitle}</h2>${alerts}</section>`;
  return dashboardDocument(context, { title: m.stampsTitle, main: main, current: "stamps" });
}
