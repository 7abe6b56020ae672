import { FastifyInstance } from "fastify";
import { issueChallenge } from "../../core/challenge-service";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { principal } from "../principal";
import { emptyBody } from "../schemas";
import { challengeView } from "../views";

/** Only a counter station asks, for its own verifier; the body is empty (or absent). */
export function registerChallengeRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post("/v1/challenges", { schema: { body: { anyOf: [emptyBody, { type: "null" }] } } }, async (request, reply) => {
    const issued = await issueChallenge(deps.store, principal(request), deps.now());
    if (!issued.ok) return sendCoreError(reply, issued.error);
    return reply.code(201).send(challengeView(issued.value));
  });
}
