import { FastifyInstance } from "fastify";
import { listAlerts, listAudit, listEvents } from "../../core/queries";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { EventsQuery, eventsQuery, HistoryQuery, historyQuery, listBefore, listLimit } from "../schemas";
import { alertView, auditView, eventView, pageView } from "../views";

/**
 * The ledger, the alerts and the audit chain, newest first, one page at a time in SQL: `next`
 * is the `before` cursor of the following page.
 */
export function registerHistoryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const events = {
    ...aboutRoute(
      "history",
      "List accepted taps",
      "The ledger's events of the caller's merchant, newest first, with stamp labels, shop names and verifier labels; of one stamp or one shop if asked. `next` is the `before` of the following page.",
    ),
    querystring: eventsQuery,
    response: successAnswer(200, "A page of events: { items, next }."),
  };
  app.get<{ Querystring: EventsQuery }>("/v1/events", { schema: events }, async (request, reply) => {
    const { stampId, shopId } = request.query;
    const limit = listLimit(request.query.limit);
    const listed = await listEvents(deps.store, principal(request), { stampId: stampId, shopId: shopId, limit: limit, before: listBefore(request.query.before) });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, eventView, (e) => e.sequence);
  });

  const alerts = {
    ...aboutRoute(
      "history",
      "List alerts",
      "Taps that point at a clone, a stolen, revoked or quarantined stamp, a late counter or a forged signature, newest first, each with a sentence in plain words. `next` is the `before` of the following page.",
    ),
    querystring: historyQuery,
    response: successAnswer(200, "A page of alerts: { items, next }."),
  };
  app.get<{ Querystring: HistoryQuery }>("/v1/alerts", { schema: alerts }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listAlerts(deps.store, principal(request), { limit: limit, before: listBefore(request.query.before) });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, alertView, (a) => a.id);
  });

  const audit = {
    ...aboutRoute("history", "Read the audit chain", "Every change made through the API (who did what, when), hash-chained, newest first. `next` is the `before` of the following page."),
    querystring: historyQuery,
    response: successAnswer(200, "A page of audit entries: { items, next }."),
  };
  app.get<{ Querystring: HistoryQuery }>("/v1/audit", { schema: audit }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listAudit(deps.store, principal(request), { limit: limit, before: listBefore(request.query.before) });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, auditView, (a) => a.sequence);
  });
}
