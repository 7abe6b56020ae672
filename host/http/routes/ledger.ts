import { FastifyInstance } from "fastify";
import { Checkpoint } from "../../ledger/checkpoint";
import { checkLedgerEvidence, listCheckpoints, makeCheckpoints } from "../../core/ledger-evidence";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { principal } from "../principal";
import { emptyQuery, LedgerCheckBody, ledgerCheckBody } from "../schemas";

/**
 * The ledger's evidence, for the operator: a check (stamp signatures re-verified, both chains,
 * checkpoints, including ones the operator kept outside the database and sends along), and
 * checkpoints signed now with the host's key.
 */
export function registerLedgerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: LedgerCheckBody | null }>("/v1/ledger/check", { schema: { body: { anyOf: [ledgerCheckBody, { type: "null" }] } } }, async (request, reply) => {
    const kept: Checkpoint[] = request.body?.checkpoints ?? [];
    const checked = await checkLedgerEvidence(deps.store, principal(request), { keptCheckpoints: kept, hostPublicKey: deps.hostKey?.publicKey });
    if (!checked.ok) return sendCoreError(reply, checked.error);
    return { ...checked.value, hostKeyId: deps.hostKey?.id ?? null };
  });

  app.post("/v1/ledger/checkpoints", { schema: { body: { anyOf: [{ type: "object", additionalProperties: false }, { type: "null" }] } } }, async (request, reply) => {
    const made = await makeCheckpoints(deps.store, principal(request), deps.hostKey, deps.now());
    if (!made.ok) return sendCoreError(reply, made.error);
    return reply.code(201).send({ items: made.value, next: null });
  });

  app.get("/v1/ledger/checkpoints", { schema: { querystring: emptyQuery } }, async (request, reply) => {
    const listed = await listCheckpoints(deps.store, principal(request));
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return { items: listed.value, next: null };
  });
}
