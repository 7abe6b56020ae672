/**
 * GET /card: every card this browser holds, one link each; and GET /card/:merchantId when the
 * browser has no card there (yet): then the tap's result, if any, and the way to get one.
 */
import { Html, html } from "../html";
import { pageDocument } from "../layout";
import { PageContext } from "../page-context";
import { isGoodNews, refusalSentence, TapResult } from "../tap-result";
import { notice } from "./notice";
import { bringCardsSection, keepCardsSection } from "./passkey-section";
import { stampHereSection } from "./stamp-here-section";

export interface CardLink {
  merchantId: string;
  merchantName: string;
}

function tapNotice(context: PageContext, tap: TapResult | undefined): Html | string {
  if (tap === undefined) return "";
  // Accepted taps always lead to a card: here only a refusal can be shown.
  if (isGoodNews(tap)) return "";
  return notice(refusalSentence(tap, context.messages), "warn");
}

export function cardsPage(context: PageContext, input: { cards: CardLink[]; hasHolder: boolean; tap: TapResult | undefined }): Html {
  const m = context.messages;
  const list =
    input.cards.length === 0
      ? html`<section class="panel">${stampHereSection(context, m.noCards)}</section>`
      : html`<ul class="cards">${input.cards.map((card) => html`<li><a href="/card/${encodeURIComponent(card.merchantId)}">${card.merchantName}<span class="badge" aria-hidden="true">›</span></a></li>`)}</ul>`;
  const main = html`${tapNotice(context, input.tap)}<h1>${m.cardsTitle}</h1>
${list}
${input.hasHolder ? keepCardsSection(context) : ""}
${bringCardsSection(context)}`;
  return pageDocument(context, { title: m.cardsTitle, main: main, passkeys: true });
}

export function noCardPage(context: PageContext, tap: TapResult | undefined): Html {
  const m = context.messages;
  const main = html`${tapNotice(context, tap)}<h1>${m.cardsTitle}</h1>
<section class="panel">${stampHereSection(context, m.noCardHere)}</section>
<p><a class="button quiet" href="/card">${m.myCards}</a></p>`;
  return pageDocument(context, { title: m.cardsTitle, main: main });
}
