/** A merchant's loyalty program: how many stamps make a reward, what a press on a phone is worth, and what the reward is. */
import { FastifyInstance } from "fastify";
import { getLoyaltyProgram, setLoyaltyProgram } from "../../core/phone/loyalty";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { emptyQuery, LoyaltyBody, loyaltyBody, MerchantParams, merchantParams } from "../schemas";

export function registerLoyaltyRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const set = {
    ...aboutRoute("loyalty", "Set the loyalty program", "Stamps per reward, stamps per press on a customer's phone, the reward's label, as customers' cards show it, and how many days a reward stays usable; in the audit chain."),
    params: merchantParams,
    querystring: emptyQuery,
    body: loyaltyBody,
    response: successAnswer(200, "The program as set."),
  };
  app.put<{ Params: MerchantParams; Body: LoyaltyBody }>("/v1/merchants/:id/loyalty", { schema: set }, async (request, reply) => {
    const program = { stampsPerReward: request.body.stampsPerReward, stampsPerPress: request.body.stampsPerPress, rewardLabel: request.body.rewardLabel, rewardValidDays: request.body.rewardValidDays };
    const saved = await setLoyaltyProgram(deps.store, principal(request), request.params.id, program, deps.now());
    if (!saved.ok) return sendCoreError(reply, saved.error);
    return saved.value;
  });

  const get = {
    ...aboutRoute("loyalty", "Show the loyalty program", "The merchant's program; the defaults (10 stamps for a free item, 1 per press) until one is set."),
    params: merchantParams,
    querystring: emptyQuery,
    response: successAnswer(200, "The program."),
  };
  app.get<{ Params: MerchantParams }>("/v1/merchants/:id/loyalty", { schema: get }, async (request, reply) => {
    const program = await getLoyaltyProgram(deps.store, principal(request), request.params.id);
    if (!program.ok) return sendCoreError(reply, program.error);
    return program.value;
  });
}
