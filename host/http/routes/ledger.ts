import { FastifyInstance } from "fastify";
import { Checkpoint } from "../../ledger/checkpoint";
import { checkLedgerEvidence, listCheckpoints, makeCheckpoints } from "../../core/ledger-evidence";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { emptyQuery, LedgerCheckBody, ledgerCheckBody } from "../schemas";

/**
 * The ledger's evidence, for the operator: a check (stamp signatures re-verified, both chains,
 * checkpoints, including ones the operator kept outside the database and sends along), and
 * checkpoints signed now with the host's key.
 */
export function registerLedgerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const check = {
    ...aboutRoute(
      "ledger",
      "Check the ledger's evidence",
      "Re-verifies every accepted tap's stamp signature, both hash chains and the signed checkpoints, with the ones the operator kept outside the database sent along. With incremental: true, only the entries after the newest checkpoint the host key signed are re-verified (linked to its head; every checkpoint still compared with its stored entry; the stamps' status not refolded): checkedAfter says where each chain began. No body, an empty object, or { checkpoints, incremental }.",
    ),
    body: { anyOf: [ledgerCheckBody, { type: "null" }] },
    response: successAnswer(200, "The report: what was checked, and every finding."),
  };
  app.post<{ Body: LedgerCheckBody | null }>("/v1/ledger/check", { schema: check }, async (request, reply) => {
    const kept: Checkpoint[] = request.body?.checkpoints ?? [];
    const checked = await checkLedgerEvidence(deps.store, principal(request), { keptCheckpoints: kept, hostPublicKey: deps.hostKey?.publicKey, incremental: request.body?.incremental === true });
    if (!checked.ok) return sendCoreError(reply, checked.error);
    return { ...checked.value, hostKeyId: deps.hostKey?.id ?? null };
  });

  const sign = {
    ...aboutRoute("ledger", "Sign checkpoints", "Signs the heads of the ledger and of the audit chain now, with the host's key. No body, or an empty object."),
    body: { anyOf: [{ type: "object", additionalProperties: false }, { type: "null" }] },
    response: successAnswer(201, "The checkpoints signed: { items, next: null }."),
  };
  app.post("/v1/ledger/checkpoints", { schema: sign }, async (request, reply) => {
    const made = await makeCheckpoints(deps.store, principal(request), deps.hostKey, deps.now());
    if (!made.ok) return sendCoreError(reply, made.error);
    return reply.code(201).send({ items: made.value, next: null });
  });

  const list = {
    ...aboutRoute("ledger", "List checkpoints", "The checkpoints signed so far."),
    querystring: emptyQuery,
    response: successAnswer(200, "The checkpoints: { items, next: null }."),
  };
  app.get("/v1/ledger/checkpoints", { schema: list }, async (request, reply) => {
    const listed = await listCheckpoints(deps.store, principal(request));
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return { items: listed.value, next: null };
  });
}
