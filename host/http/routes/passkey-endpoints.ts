/**
 * The JSON endpoints the card pages' script calls to keep a card with a passkey (register) and to
 * bring cards to a new browser (log in). WebAuthn itself is the core's (host/core/phone/passkeys):
 * challenges single use, bound to this host's public URL (relying party id = its host name,
 * origin = its origin). A login sets this browser's card cookie to a new secret of the passkey's
 * holder; the old browser keeps its own.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { issueHolderSecret } from "../../core/phone/cards";
import { passkeyLoginOptions, passkeyRegistrationOptions, verifyPasskeyLogin, verifyPasskeyRegistration } from "../../core/phone/passkeys";
import { cardCookie } from "../../web/cookies";
import { PhoneDeps } from "../deps";
import { sendCoreError, sendError } from "../errors";
import { holderOf, PHONE_PAGE } from "../phone-page-request";
import { emptyBody, emptyQuery } from "../schemas";

/** What a browser's WebAuthn answer looks like from outside; the core checks everything inside `response`. */
const credentialJson = {
  type: "object",
  properties: {
    id: { type: "string", minLength: 1, maxLength: 1400 },
    rawId: { type: "string", minLength: 1, maxLength: 1400 },
    type: { type: "string", const: "public-key" },
    response: { type: "object", maxProperties: 12 },
    clientExtensionResults: { type: "object", maxProperties: 12 },
    authenticatorAttachment: { type: "string", maxLength: 40 },
  },
  required: ["id", "rawId", "type", "response", "clientExtensionResults"],
  additionalProperties: false,
} as const;

interface CeremonyBody {
  response: Parameters<typeof verifyPasskeyRegistration>[1]["response"] & Parameters<typeof verifyPasskeyLogin>[1]["response"];
}
const ceremonyBody = { type: "object", properties: { response: credentialJson }, required: ["response"], additionalProperties: false } as const;

const ROUTE = { ...PHONE_PAGE, schema: { hide: true, querystring: emptyQuery } } as const;

/** The public URL, or an answer saying the host has none. */
function baseUrlOr(deps: PhoneDeps, reply: FastifyReply): string | undefined {
  const baseUrl = deps.publicUrl();
  if (baseUrl === undefined) sendError(reply, 409, "CONFLICT", "this host has no public URL, so passkeys cannot be bound to it: start it with --public-url");
  return baseUrl;
}

async function holderOrRefuse(deps: PhoneDeps, request: FastifyRequest, reply: FastifyReply): Promise<string | undefined> {
  const holderId = await holderOf(deps, request);
  if (holderId === undefined) sendError(reply, 401, "UNAUTHENTICATED", "this browser has no card yet: a passkey keeps a card, so get one first by opening a stamp's link");
  return holderId;
}

export function registerPasskeyEndpoints(app: FastifyInstance, deps: PhoneDeps): void {
  app.post("/card/passkey/register/options", { ...ROUTE, schema: { ...ROUTE.schema, body: emptyBody } }, async (request, reply) => {
    const baseUrl = baseUrlOr(deps, reply);
    const holderId = baseUrl === undefined ? undefined : await holderOrRefuse(deps, request, reply);
    if (baseUrl === undefined || holderId === undefined) return reply;
    const options = await passkeyRegistrationOptions(deps.store, { holderId: holderId, baseUrl: baseUrl, now: deps.now() });
    return options.ok ? options.value : sendCoreError(reply, options.error);
  });

  app.post<{ Body: CeremonyBody }>("/card/passkey/register", { ...ROUTE, schema: { ...ROUTE.schema, body: ceremonyBody } }, async (request, reply) => {
    const baseUrl = baseUrlOr(deps, reply);
    const holderId = baseUrl === undefined ? undefined : await holderOrRefuse(deps, request, reply);
    if (baseUrl === undefined || holderId === undefined) return reply;
    const verified = await verifyPasskeyRegistration(deps.store, { holderId: holderId, baseUrl: baseUrl, response: request.body.response, now: deps.now() });
    return verified.ok ? { registered: true } : sendCoreError(reply, verified.error);
  });

  app.post("/card/passkey/login/options", { ...ROUTE, schema: { ...ROUTE.schema, body: emptyBody } }, async (_request, reply) => {
    const baseUrl = baseUrlOr(deps, reply);
    if (baseUrl === undefined) return reply;
    const options = await passkeyLoginOptions(deps.store, { baseUrl: baseUrl, now: deps.now() });
    return options.ok ? options.value : sendCoreError(reply, options.error);
  });

  app.post<{ Body: CeremonyBody }>("/card/passkey/login", { ...ROUTE, schema: { ...ROUTE.schema, body: ceremonyBody } }, async (request, reply) => {
    const baseUrl = baseUrlOr(deps, reply);
    if (baseUrl === undefined) return reply;
    const verified = await verifyPasskeyLogin(deps.store, { baseUrl: baseUrl, response: request.body.response, now: deps.now() });
    if (!verified.ok) return sendCoreError(reply, verified.error);
    const secret = await issueHolderSecret(deps.store, verified.value.holderId, deps.now());
    reply.header("set-cookie", cardCookie(secret));
    return { next: "/card" };
  });
}
