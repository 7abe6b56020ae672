/**
 * GET /card/:merchantId: this browser's card at one merchant. A customer's card shows the stamps
 * towards the next reward and the rewards ready; a worker's card whether they are clocked in and
 * their hours by day (a shift without a clock-out counts nothing, and says so). After a tap the
 * result comes first, in words.
 */
import { Purpose } from "../../../shared/protocol-constants";
import { DEFAULT_LOYALTY_PROGRAM } from "../../core/phone/card-model";
import { CardView } from "../../core/phone/cards";
import { clockTime, dayText, eventTime } from "../clock-text";
import { Html, html } from "../html";
import { pageDocument } from "../layout";
import { PageContext } from "../page-context";
import { isGoodNews, refusalSentence, TapResult } from "../tap-result";
import { notice } from "./notice";
import { keepCardsSection } from "./passkey-section";
import { stampHereSection } from "./stamp-here-section";

/** Up to this many stamps per reward are drawn one by one; more become a progress bar. */
const MOST_DOTS = 20;

type Worker = NonNullable<CardView["worker"]>;

/** The sentence for the tap that led here, with the figures from the card itself. */
function tapSentence(context: PageContext, card: CardView, result: TapResult): Html {
  const m = context.messages;
  const latest = card.recent[0];
  switch (result) {
    case "stamped":
      return notice(m.stamped(latest?.quantity ?? 1), "good");
    case "clocked-in":
      return notice(m.clockedIn(clockTime(card.worker?.since ?? latest?.at ?? 0, context.language, context.timeZone)), "good");
    case "redeemed": {
      const latestUse = card.vouchers.filter((voucher) => voucher.usedAt !== undefined).sort((a, b) => (b.usedAt ?? 0) - (a.usedAt ?? 0))[0];
      return notice(m.redeemed(latestUse === undefined ? m.recentRedeem : voucherLabel(context, latestUse.label)), "good");
    }
    case "clocked-out": {
      const at = latest?.at ?? 0;
      // The card's events are newest first: the clock-out, then the clock-in that opened its shift.
      const opened = card.recent[1];
      const minutes = latest?.purpose === Purpose.CLOCK_OUT && opened?.purpose === Purpose.CLOCK_IN ? Math.floor((at - opened.at) / 60_000) : 0;
      return notice(m.clockedOut(clockTime(at, context.language, context.timeZone), minutes), "good");
    }
    default:
      return notice(refusalSentence(result, m), "warn");
  }
}

function progress(context: PageContext, card: CardView): Html {
  const have = card.stamps % card.stampsPerReward;
  const label = context.messages.progressLabel(have, card.stampsPerReward);
  if (card.stampsPerReward > MOST_DOTS) return html`<progress max="${card.stampsPerReward}" value="${have}" aria-label="${label}"></progress>`;
  const dots = Array.from({ length: card.stampsPerReward }, (_, i) => (i < have ? html`<li class="on"></li>` : html`<li></li>`));
  return html`<ul class="dots" role="img" aria-label="${label}">${dots}</ul>`;
}

function recentLine(context: PageContext, event: CardView["recent"][number]): Html {
  const m = context.messages;
  const what = { [Purpose.STAMP]: m.recentStamp(event.quantity), [Purpose.REDEEM]: m.recentRedeem, [Purpose.CLOCK_IN]: m.recentClockIn, [Purpose.CLOCK_OUT]: m.recentClockOut }[event.purpose];
  const where = event.shopName === null ? "" : ` · ${m.atShop(event.shopName)}`;
  return html`<li><span>${what}</span><span class="muted">${eventTime(event.at, context.language, context.timeZone)}${where}</span></li>`;
}

function recentSection(context: PageContext, card: CardView): Html {
  const m = context.messages;
  const list = card.recent.length === 0 ? html`<p class="muted">${m.noRecent}</p>` : html`<ul class="recent">${card.recent.map((event) => recentLine(context, event))}</ul>`;
  return html`<section class="panel" aria-labelledby="recent"><h2 id="recent">${m.recentTitle}</h2>${list}</section>`;
}

/** A reward's words: the merchant's own label, or the default one in the page's language. */
function voucherLabel(context: PageContext, label: string): string {
  return label === DEFAULT_LOYALTY_PROGRAM.rewardLabel ? context.messages.defaultRewardLabel : label;
}

function rewardLabel(context: PageContext, card: CardView): string {
  return voucherLabel(context, card.rewardLabel);
}

type CardVoucher = CardView["vouchers"][number];

/** A usable voucher has a button that asks for it with the next press; the others say when they were used or expired. */
function voucherLine(context: PageContext, card: CardView, voucher: CardVoucher): Html {
  const m = context.messages;
  const when = (at: number) => eventTime(at, context.language, context.timeZone);
  const kind = voucher.kind === "reward" ? m.rewardKind : m.couponKind;
  const label = voucherLabel(context, voucher.label);
  const state =
    voucher.state === "used"
      ? m.usedOn(when(voucher.usedAt ?? 0))
      : voucher.state === "expired"
        ? m.expiredOn(when(voucher.expiresAt ?? 0))
        : voucher.expiresAt === undefined
          ? ""
          : m.validUntil(when(voucher.expiresAt));
  const action =
    voucher.state !== "usable" || card.redeeming?.voucherId === voucher.id
      ? ""
      : html`<form method="post" action="/card/${encodeURIComponent(card.merchantId)}/redeem" ><input type="hidden" name="voucherId" value="${voucher.id}"><button type="submit" class="button">${m.useButton}</button></form>`;
  return html`<li class="${voucher.state}"><span><span class="badge">${kind}</span> <strong>${label}</strong></span><span class="muted">${state}</span>${action}</li>`;
}

/** What the card holds besides stamps, with the redemption the holder asked for on top. */
function vouchersSection(context: PageContext, card: CardView): Html | string {
  const m = context.messages;
  if (card.vouchers.length === 0) return "";
  const asked = card.redeeming === undefined ? undefined : card.vouchers.find((voucher) => voucher.id === card.redeeming?.voucherId);
  const pending =
    asked === undefined || card.redeeming === undefined
      ? ""
      : html`<div class="notice good" role="status"><p>${m.redeemPending(voucherLabel(context, asked.label), clockTime(card.redeeming.expiresAt, context.language, context.timeZone))}</p>
<form method="post" action="/card/${encodeURIComponent(card.merchantId)}/redeem/cancel"><button type="submit" class="button quiet">${m.cancelButton}</button></form></div>`;
  return html`<section class="panel" aria-labelledby="vouchers"><h2 id="vouchers">${m.vouchersTitle}</h2>${pending}<ul class="vouchers">${card.vouchers.map((voucher) => voucherLine(context, card, voucher))}</ul></section>`;
}

/** The card's code for a counter reader, as a QR code and as text: the station's tap then counts on this card. */
function counterCodeSection(context: PageContext, counter: CounterCodeView | undefined): Html | string {
  if (counter === undefined) return "";
  const m = context.messages;
  return html`<section class="panel counter-code" aria-labelledby="counter-code"><h2 id="counter-code">${m.counterCodeTitle}</h2>
<div class="qr" role="img" aria-label="${m.counterCodeTitle}: ${counter.code}">${counter.qrSvg}</div>
<p class="code"><code>${counter.code}</code></p>
<p class="muted">${m.counterCodeExplain(clockTime(counter.expiresAt, context.language, context.timeZone))}</p></section>`;
}

function customerCard(context: PageContext, card: CardView, counter: CounterCodeView | undefined): Html {
  const m = context.messages;
  const reward = rewardLabel(context, card);
  return html`<p class="badge">${m.customerBadge}</p>
<section class="panel">
<p class="count">${m.stampsCount(card.stamps)}</p>
${progress(context, card)}
<p>${m.nextReward(card.nextRewardIn, reward)}</p>
${card.rewardsReady > 0 ? html`<p class="reward">${m.rewardsReady(card.rewardsReady, reward)}</p>` : ""}
</section>
${vouchersSection(context, card)}
<section class="panel">${stampHereSection(context, m.holdHint)}</section>
${counterCodeSection(context, counter)}
${recentSection(context, card)}`;
}

function hoursTable(context: PageContext, worker: Worker): Html {
  const m = context.messages;
  if (worker.days.length === 0) return html`<p class="muted">${m.noHours}</p>`;
  const rows = worker.days.map(
    (day) =>
      html`<tr><td>${dayText(day.day, context.language)}</td><td class="minutes">${m.duration(day.minutes)}${day.missingClockOut ? html`<span class="note">${m.missingClockOut}</span>` : ""}</td></tr>`,
  );
  return html`<table><thead><tr><th scope="col">${m.dayColumn}</th><th scope="col">${m.hoursColumn}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function workerCard(context: PageContext, worker: Worker): Html {
  const m = context.messages;
  const clock = worker.clockedIn && worker.since !== undefined ? m.clockedInSince(clockTime(worker.since, context.language, context.timeZone)) : m.clockedOutNow;
  return html`<p class="badge">${m.workerCardTitle(worker.name)}</p>
<section class="panel">
<p class="count">${clock}</p>
${stampHereSection(context, m.pressToClock)}
</section>
<section class="panel" aria-labelledby="hours"><h2 id="hours">${m.hoursTitle}</h2>${hoursTable(context, worker)}</section>`;
}

/** What the holder's last redemption request came to (the form posts, then returns here). */
export type RedeemNotice = "cancelled" | "used" | "expired" | "unknown";

/** The card's code for counter readers (a customer's card only). */
export interface CounterCodeView {
  code: string;
  expiresAt: number;
  qrSvg: Html;
}

export interface CardPageInput {
  card: CardView;
  counter: CounterCodeView | undefined;
  /** The tap that led here, if any. */
  tap: TapResult | undefined;
  redeem: RedeemNotice | undefined;
  /** The phone was just linked to this worker. */
  linked: boolean;
}

function redeemNotice(context: PageContext, redeem: RedeemNotice): Html {
  const m = context.messages;
  const sentences: Record<RedeemNotice, string> = { cancelled: m.redeemCancelled, used: m.voucherUsed, expired: m.voucherExpired, unknown: m.redeemUnknown };
  return notice(sentences[redeem], redeem === "cancelled" ? "good" : "warn");
}

export function cardPage(context: PageContext, input: CardPageInput): Html {
  const { card, tap } = input;
  const worker = card.worker;
  const banner = [
    tap === undefined ? "" : tapSentence(context, card, tap),
    input.linked && worker !== undefined ? notice(context.messages.linked(worker.name, card.merchantName), "good") : "",
    input.redeem === undefined ? "" : redeemNotice(context, input.redeem),
  ];
  const main = html`${banner}<h1>${card.merchantName}</h1>
${worker === undefined ? customerCard(context, card, input.counter) : workerCard(context, worker)}
${keepCardsSection(context)}`;
  const title = tap !== undefined && isGoodNews(tap) ? `${card.merchantName} ✓` : card.merchantName;
  return pageDocument(context, { title: title, main: main, passkeys: true });
}
