import { FastifyInstance } from "fastify";
import { fromHex } from "../../../shared/hex";
import { Reason } from "../../../shared/reason-codes";
import { submitTap } from "../../core/tap-verifier";
import { ApiDeps } from "../deps";
import { sendError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { TapBody, tapBody } from "../schemas";
import { verdictView } from "../views";
import { verdictNotice } from "../verdict-notice";

/**
 * A well-formed tap from a counter station always gets its verdict with 200, accepted or not: a
 * replay, a clone or a stolen stamp is a valid request with a negative answer. Bytes that do not
 * decode as a tap response are 400; a credential that is not a counter station is 403. The core
 * writes nothing in either case.
 */
export function registerTapRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const submit = {
    ...aboutRoute(
      "taps",
      "Submit a tap",
      "A counter station submits the stamp's 94-byte tap response (docs/protocol.md) over one of its own challenges. A well-formed tap gets its verdict with 200, accepted or not; bytes that do not decode are 400.",
    ),
    body: tapBody,
    response: successAnswer(200, "The verdict: accepted or not, its reason code and sentence, the stamp and its counter."),
  };
  app.post<{ Body: TapBody }>("/v1/taps", { schema: submit }, async (request, reply) => {
    const bytes = fromHex(request.body.response);
    if (!bytes.ok) return sendError(reply, 400, "INVALID_INPUT", `response ${bytes.error}`);
    const who = principal(request);
    if (who.role !== "counter-station") return sendError(reply, 403, "FORBIDDEN", "this credential may not submit taps: only a counter station can");
    const verdict = await submitTap(deps.store, who, bytes.value, deps.now());
    deps.verdicts.publish(verdictNotice(who.merchantId, "station", verdict, deps.now()));
    if (verdict.code === Reason.MALFORMED_RESPONSE) return sendError(reply, 400, "INVALID_INPUT", verdict.message);
    if (verdict.code === Reason.UNKNOWN_VERIFIER) return sendError(reply, 404, "NOT_FOUND", verdict.message);
    return reply.code(200).send(verdictView(verdict));
  });
}
