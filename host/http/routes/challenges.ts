import { FastifyInstance } from "fastify";
import { issueChallenge } from "../../core/challenge-service";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { ChallengeBody, challengeBody } from "../schemas";
import { challengeView } from "../views";

/** Only a counter station asks, for its own verifier; the body is empty (or absent). */
export function registerChallengeRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const issue = {
    ...aboutRoute(
      "taps",
      "Issue a challenge",
      "A counter station asks for a fresh 32-byte challenge for its own verifier, to hand to the stamp. What a tap is worth (purpose, quantity) is the verifier's configuration, or a redemption the customer asked for on the card whose code (`card`, the card page's QR code) the station scanned; an accepted tap counts on that card. `receipt` is the till's order: its reference, amount in the currency's smallest unit, and ISO 4217 currency, kept in the ledger event. No body, an empty object, or either field.",
    ),
    body: { anyOf: [challengeBody, { type: "null" }] },
    response: successAnswer(201, "The challenge's bytes in hex, its nonce, verifier, purpose, quantity, issue and expiry times."),
  };
  app.post<{ Body: ChallengeBody | null }>("/v1/challenges", { schema: issue }, async (request, reply) => {
    const issued = await issueChallenge(deps.store, principal(request), deps.now(), request.body ?? {});
    if (!issued.ok) return sendCoreError(reply, issued.error);
    return reply.code(201).send(challengeView(issued.value));
  });
}
