import { FastifyInstance } from "fastify";
import { issueChallenge } from "../../core/challenge-service";
import { ApiDeps } from "../deps";
import { sendError } from "../errors";
import { purposeFromName } from "../purpose-names";
import { ChallengeBody, challengeBody } from "../schemas";
import { challengeView } from "../views";

export function registerChallengeRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: ChallengeBody }>("/v1/challenges", { schema: { body: challengeBody } }, async (request, reply) => {
    const { verifierId, purpose, quantity, ttlSeconds } = request.body;
    if ((await deps.store.getVerifier(verifierId)) === undefined) {
      return sendError(reply, 404, "NOT_FOUND", `verifier ${verifierId} is not registered`);
    }
    const wanted = { verifierId: verifierId, purpose: purposeFromName(purpose), quantity: quantity ?? 1, ttlMs: (ttlSeconds ?? 30) * 1000 };
    const issued = await issueChallenge(deps.store, wanted, deps.now());
    if (!issued.ok) return sendError(reply, 400, "INVALID_INPUT", issued.error);
    return reply.code(201).send(challengeView(issued.value));
  });
}
