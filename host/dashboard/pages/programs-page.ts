/**
 * GET /dashboard/programs: the merchant's loyalty program, its latest rewards and coupons, and its
 * workers. An owner or manager changes the program (stamps per reward, stamps per press, the
 * reward and how long it stays valid), adds a worker and makes a worker's one-time invitation
 * link; an auditor sees the same without the forms. Forms post to this host only and come back
 * here with the result in words; a new invitation link is the answer to its POST itself, shown
 * once (it never goes into an address, a history or a log).
 */
import { LoyaltyProgram, Worker } from "../../core/phone/card-model";
import { MAX_REWARD_VALID_DAYS, MAX_STAMPS_PER_REWARD, REWARD_LABEL_MAX_LENGTH } from "../../core/phone/loyalty";
import { Voucher, voucherState } from "../../core/phone/voucher-model";
import { NAME_MAX_LENGTH, MAX_TAP_QUANTITY } from "../../core/registry";
import { eventTime } from "../../web/clock-text";
import { Html, html } from "../../web/html";
import { DashboardContext } from "../dashboard-context";
import { dashboardDocument } from "../layout";

export interface NewInvitation {
  workerId: string;
  workerName: string;
  link: string;
  expiresAt: number;
  /** The link as a QR code: SVG made by the qrcode package from the link alone. */
  qrSvg: Html;
}

export interface LoyaltyDraft {
  stampsPerReward: string;
  stampsPerPress: string;
  rewardLabel: string;
  /** Empty: rewards never expire. */
  rewardValidDays: string;
}

export interface ProgramsPageInput {
  program: LoyaltyProgram;
  /** What the form shows: the program, or what was typed when saving it was refused. */
  draft: LoyaltyDraft;
  canConfigure: boolean;
  workers: Worker[];
  canManageWorkers: boolean;
  /** The link just made, shown this once. */
  invitation: NewInvitation | undefined;
  /** The latest rewards and coupons, newest first. */
  vouchers: Voucher[];
  now: number;
  notice: { tone: "good" | "warn"; text: string } | undefined;
}

function loyaltySection(context: DashboardContext, input: ProgramsPageInput): Html {
  const m = context.messages;
  const { program, draft } = input;
  const summary = html`<p class="summary" data-loyalty-summary>${m.loyaltySummary(program.stampsPerReward, program.rewardLabel, program.stampsPerPress, program.rewardValidDays)}</p>`;
  const form = !input.canConfigure
    ? ""
    : html`<form method="post" action="/dashboard/programs/loyalty" class="settings">
<div class="fields">
<div><label for="stamps-per-reward">${m.stampsPerRewardLabel}</label><input id="stamps-per-reward" name="stampsPerReward" type="number" inputmode="numeric" min="1" max="${MAX_STAMPS_PER_REWARD}" step="1" required value="${draft.stampsPerReward}"></div>
<div><label for="stamps-per-press">${m.stampsPerPressLabel}</label><input id="stamps-per-press" name="stampsPerPress" type="number" inputmode="numeric" min="1" max="${MAX_TAP_QUANTITY}" step="1" required value="${draft.stampsPerPress}"></div>
</div>
<div class="fields">
<div><label for="reward-label">${m.rewardLabelLabel}</label><input id="reward-label" name="rewardLabel" type="text" required maxlength="${REWARD_LABEL_MAX_LENGTH}" autocomplete="off" value="${draft.rewardLabel}"></div>
<div><label for="reward-valid-days">${m.rewardValidDaysLabel}</label><input id="reward-valid-days" name="rewardValidDays" type="number" inputmode="numeric" min="1" max="${MAX_REWARD_VALID_DAYS}" step="1" value="${draft.rewardValidDays}" aria-describedby="reward-valid-days-help"><p class="help" id="reward-valid-days-help">${m.rewardValidDaysHelp}</p></div>
</div>
<button type="submit" class="button">${m.saveLoyaltyButton}</button>
</form>`;
  return html`<section class="panel" aria-labelledby="loyalty-title">
<h2 id="loyalty-title">${m.loyaltyTitle}</h2>
<p class="muted">${m.loyaltyExplain}</p>
${summary}
${form}
</section>`;
}

function invitationBox(context: DashboardContext, invitation: NewInvitation): Html {
  const m = context.messages;
  return html`<div class="invitation" data-invitation>
<h4>${m.invitationTitle(invitation.workerName)}</h4>
<p>${m.invitationExplain(invitation.workerName, eventTime(invitation.expiresAt, context.language, context.timeZone))}</p>
<p class="link-text"><a href="${invitation.link}" data-invitation-link>${invitation.link}</a></p>
<div class="qr" role="img" aria-label="${m.invitationQrLabel(invitation.workerName)}">${invitation.qrSvg}</div>
</div>`;
}

function workerItem(context: DashboardContext, input: ProgramsPageInput, worker: Worker): Html {
  const m = context.messages;
  const clock = worker.clockedInSince === undefined ? m.notClockedIn : m.clockedInSince(eventTime(worker.clockedInSince, context.language, context.timeZone));
  const invite = !input.canManageWorkers
    ? ""
    : html`<form method="post" action="/dashboard/programs/workers/${worker.id}/invitation" class="action"><button type="submit" class="button quiet">${m.inviteButton(worker.name)}</button></form>`;
  const shown = input.invitation !== undefined && input.invitation.workerId === worker.id ? invitationBox(context, input.invitation) : "";
  return html`<li class="worker" data-worker="${worker.id}">
<h3>${worker.name}</h3>
<p class="muted">${clock}</p>
${shown}${invite}
</li>`;
}

function workersSection(context: DashboardContext, input: ProgramsPageInput): Html {
  const m = context.messages;
  const add = !input.canManageWorkers
    ? ""
    : html`<form method="post" action="/dashboard/programs/workers" class="settings">
<label for="worker-name">${m.workerNameLabel}</label><input id="worker-name" name="name" type="text" required maxlength="${NAME_MAX_LENGTH}" autocomplete="off">
<button type="submit" class="button">${m.addWorkerButton}</button>
</form>`;
  const list = input.workers.length === 0 ? html`<p class="muted">${m.noWorkers}</p>` : html`<ul class="workers">${input.workers.map((worker) => workerItem(context, input, worker))}</ul>`;
  return html`<section class="panel" aria-labelledby="workers-title">
<h2 id="workers-title">${m.workersTitle}</h2>
<p class="muted">${m.workersExplain}</p>
${list}
${add}
</section>`;
}

function vouchersSection(context: DashboardContext, input: ProgramsPageInput): Html {
  const m = context.messages;
  const rows = input.vouchers.map((voucher) => {
    const state = voucherState(voucher, input.now);
    return html`<tr><th scope="row">${voucher.label}<span class="kind">${m.voucherKindNames[voucher.kind]}</span></th><td><span class="status-pill ${state === "usable" ? "active" : "revoked"}">${m.voucherStateNames[state]}</span></td><td>${eventTime(voucher.issuedAt, context.language, context.timeZone)}</td></tr>`;
  });
  const body =
    input.vouchers.length === 0
      ? html`<p class="muted">${m.noVouchers}</p>`
      : html`<div class="table-wrap"><table class="numbers" data-vouchers>
<thead><tr><th scope="col">${m.voucherColumn}</th><th scope="col">${m.voucherStateColumn}</th><th scope="col">${m.issuedColumn}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
  return html`<section class="panel" aria-labelledby="vouchers-title">
<h2 id="vouchers-title">${m.vouchersTitle}</h2>
<p class="muted">${m.vouchersExplain}</p>
${body}
</section>`;
}

export function programsPage(context: DashboardContext, input: ProgramsPageInput): Html {
  const m = context.messages;
  const notice = input.notice === undefined ? "" : html`<p class="notice ${input.notice.tone}" role="status">${input.notice.text}</p>`;
  const readOnly = input.canConfigure || input.canManageWorkers ? "" : html`<p class="muted">${m.programsReadOnly}</p>`;
  const main = html`${notice}<h1>${m.programsTitle}</h1>
${readOnly}
${loyaltySection(context, input)}
${vouchersSection(context, input)}
${workersSection(context, input)}`;
  return dashboardDocument(context, { title: m.programsTitle, main: main, current: "programs" });
}
