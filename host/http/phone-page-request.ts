/**
 * What the phone pages' routes share: the visitor's language (and remembering a switch), the
 * card holder behind this browser's cookie, and answering with a page. Pages are for people, so
 * even their failures are pages, in their language (pageErrorHandler), never the API's JSON.
 */
import { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { newHolder, resolveHolder } from "../core/phone/cards";
import { cardCookie, cardSecretOf, cookieValue, LANGUAGE_COOKIE, languageCookie } from "../web/cookies";
import { Html } from "../web/html";
import { chooseLanguage, isLanguage } from "../web/i18n/language";
import { messagesFor } from "../web/i18n/messages";
import { PageContext } from "../web/page-context";
import { messagePage } from "../web/pages/message-page";
import { PhoneDeps } from "./deps";

/** Route config and schema flags every phone page shares: no API credential, not in the API reference. */
export const PHONE_PAGE = { config: { public: true, phonePage: true } } as const;

/** Page queries: links travel through messengers that append their own parameters, which pages ignore. */
export interface LanguageQuery {
  lang?: string;
}
export const languageQuery = { type: "object", properties: { lang: { type: "string", maxLength: 8 } } } as const;

function pathOf(request: FastifyRequest): string {
  return request.url.split("?")[0];
}

/** The page context for this request; a language picked with the switch (?lang=) is remembered in a cookie. */
export function pageContext(deps: PhoneDeps, request: FastifyRequest<{ Querystring: LanguageQuery }>, reply: FastifyReply): PageContext {
  const picked = request.query?.lang;
  const language = chooseLanguage({ query: picked, cookie: cookieValue(request.headers.cookie, LANGUAGE_COOKIE), acceptLanguage: request.headers["accept-language"] });
  if (isLanguage(picked)) reply.header("set-cookie", languageCookie(picked));
  return { language: language, messages: messagesFor(language), publicUrl: deps.publicUrl(), path: pathOf(request), timeZone: deps.timeZone };
}

/**
 * Pages send their referrer to this origin only (the API's no-referrer would make a browser
 * label the pages' own form posts `Origin: null`, which the cross-site checks refuse); no other
 * site ever sees a page's address.
 */
export function sendPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).header("referrer-policy", "same-origin").type("text/html; charset=utf-8").send(page.text);
}

/** The holder this browser's card cookie names, if it names one. */
export async function holderOf(deps: PhoneDeps, request: FastifyRequest): Promise<string | undefined> {
  const secret = cardSecretOf(request.headers.cookie);
  return secret === undefined ? undefined : resolveHolder(deps.store, secret);
}

/** The holder behind this browser, made (with its cookie) when the browser has none. */
export async function holderOrNew(deps: PhoneDeps, request: FastifyRequest, reply: FastifyReply): Promise<string> {
  const known = await holderOf(deps, request);
  if (known !== undefined) return known;
  const made = await newHolder(deps.store, deps.now());
  reply.header("set-cookie", cardCookie(made.secret));
  return made.holderId;
}

/** Failures of page routes as pages: a bad address is "not found", anything else "something went wrong" (logged). */
export function pageErrorHandler(deps: PhoneDeps): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, request, reply) => {
    const context = pageContext(deps, request as FastifyRequest<{ Querystring: LanguageQuery }>, reply);
    const m = context.messages;
    const status = typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500 ? 404 : 500;
    if (status === 500) request.log.error({ err: error }, "page failed");
    return sendPage(reply, status, messagePage(context, status === 404 ? m.notFoundTitle : m.errorTitle, status === 404 ? m.notFoundExplain : m.errorExplain));
  };
}
