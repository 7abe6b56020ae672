/**
 * The pages a phone opens without an app. A stamp's tag holds `<public URL>/p` between presses
 * and `<public URL>/t/<token>` for a few seconds after one: opening the token is the tap. The
 * core decides everything (openPhoneTap, cardView); these routes turn the browser's cookie into a
 * card holder and the answers into pages.
 */
import { FastifyInstance } from "fastify";
import { decodePhoneTokenText } from "../../../shared/phone-url";
import { cardsOfHolder, cardView } from "../../core/phone/cards";
import { openPhoneTap } from "../../core/phone/phone-tap";
import { issueCounterCode } from "../../core/phone/counter-codes";
import { qrSvg } from "../../web/qr-code";
import { cardPage, RedeemNotice } from "../../web/pages/card-page";
import { cardsPage, noCardPage } from "../../web/pages/cards-page";
import { messagePage } from "../../web/pages/message-page";
import { pressPage } from "../../web/pages/press-page";
import { isTapResult, TapResult, tapResultOf } from "../../web/tap-result";
import { PhoneDeps } from "../deps";
import { holderOf, holderOrNew, LanguageQuery, languageQuery, PHONE_PAGE, pageContext, pageErrorHandler, sendPage } from "../phone-page-request";
import { SLUG_PATTERN } from "../schemas";
import { verdictNotice } from "../verdict-notice";

const REDEEM_NOTICES = ["cancelled", "used", "expired", "unknown"] as const satisfies readonly RedeemNotice[];

interface CardQuery extends LanguageQuery {
  tap?: string;
  linked?: string;
  redeem?: string;
}
const cardQuery = {
  type: "object",
  properties: { ...languageQuery.properties, tap: { type: "string", maxLength: 20 }, linked: { type: "string", maxLength: 1 }, redeem: { type: "string", maxLength: 20 } },
} as const;

function redeemOf(query: CardQuery): RedeemNotice | undefined {
  return REDEEM_NOTICES.find((notice) => notice === query.redeem);
}

/** Any text up to a bound: a token that is not one is answered "not genuine" by the page, not refused by the schema. */
const tokenParams = { type: "object", properties: { token: { type: "string", maxLength: 200 } }, required: ["token"] } as const;
const merchantParams = { type: "object", properties: { merchantId: { type: "string", pattern: SLUG_PATTERN } }, required: ["merchantId"] } as const;

function tapOf(query: CardQuery): TapResult | undefined {
  return isTapResult(query.tap) ? query.tap : undefined;
}

export function registerPhonePageRoutes(app: FastifyInstance, deps: PhoneDeps): void {
  const errorHandler = pageErrorHandler(deps);

  app.get<{ Params: { token: string }; Querystring: LanguageQuery }>(
    "/t/:token",
    { ...PHONE_PAGE, schema: { hide: true, params: tokenParams, querystring: languageQuery }, errorHandler: errorHandler },
    async (request, reply) => {
      const baseUrl = deps.publicUrl();
      if (baseUrl === undefined) {
        const context = pageContext(deps, request, reply);
        return sendPage(reply, 503, messagePage(context, context.messages.errorTitle, context.messages.noPublicUrl));
      }
      // Text that is no token at all makes no card holder: that is most of what a guesser sends.
      if (!decodePhoneTokenText(request.params.token).ok) return reply.redirect(`/card?tap=${"not-genuine" satisfies TapResult}`, 303);
      const holderId = await holderOrNew(deps, request, reply);
      const outcome = await openPhoneTap(deps.store, { baseUrl: baseUrl, tokenText: request.params.token, holderId: holderId, now: deps.now() });
      if (outcome.merchantId !== undefined) deps.verdicts.publish(verdictNotice(outcome.merchantId, "phone", outcome.verdict, deps.now()));
      const result = tapResultOf(outcome.verdict.reason, outcome.purpose);
      // 303: a reload shows the card again instead of opening the URL again, and the token leaves the address bar.
      const target = outcome.merchantId === undefined ? `/card?tap=${result}` : `/card/${encodeURIComponent(outcome.merchantId)}?tap=${result}`;
      return reply.redirect(target, 303);
    },
  );

  app.get<{ Querystring: LanguageQuery }>("/p", { ...PHONE_PAGE, schema: { hide: true, querystring: languageQuery }, errorHandler: errorHandler }, async (request, reply) =>
    sendPage(reply, 200, pressPage(pageContext(deps, request, reply))),
  );

  app.get<{ Querystring: CardQuery }>("/card", { ...PHONE_PAGE, schema: { hide: true, querystring: cardQuery }, errorHandler: errorHandler }, async (request, reply) => {
    const context = pageContext(deps, request, reply);
    const holderId = await holderOf(deps, request);
    const cards = holderId === undefined ? [] : await cardsOfHolder(deps.store, holderId);
    return sendPage(reply, 200, cardsPage(context, { cards: cards, hasHolder: holderId !== undefined, tap: tapOf(request.query) }));
  });

  app.get<{ Params: { merchantId: string }; Querystring: CardQuery }>(
    "/card/:merchantId",
    { ...PHONE_PAGE, schema: { hide: true, params: merchantParams, querystring: cardQuery }, errorHandler: errorHandler },
    async (request, reply) => {
      const context = pageContext(deps, request, reply);
      const holderId = await holderOf(deps, request);
      const card = holderId === undefined ? undefined : await cardView(deps.store, holderId, request.params.merchantId, deps.now(), deps.timeZone);
      const tap = tapOf(request.query);
      if (card === undefined || holderId === undefined) return sendPage(reply, 200, noCardPage(context, tap));
      // A fresh code for each view of a customer's card: one that leaked is good for minutes only.
      const counter = card.kind === "customer" ? await issueCounterCode(deps.store, { holderId: holderId, merchantId: card.merchantId, now: deps.now() }) : undefined;
      const counterView = counter === undefined ? undefined : { ...counter, qrSvg: await qrSvg(counter.code) };
      return sendPage(reply, 200, cardPage(context, { card: card, counter: counterView, tap: tap, linked: request.query.linked === "1", redeem: redeemOf(request.query) }));
    },
  );
}
