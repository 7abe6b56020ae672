import { FastifyInstance } from "fastify";
import { listAlerts, listAudit, listEvents } from "../../core/queries";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { principal } from "../principal";
import { EventsQuery, eventsQuery, HistoryQuery, historyQuery, listBefore, listLimit } from "../schemas";
import { alertView, auditView, eventView, pageView } from "../views";

/**
 * The ledger, the alerts and the audit chain, newest first, one page at a time in SQL: `next`
 * is the `before` cursor of the following page.
 */
export function registerHistoryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: EventsQuery }>("/v1/events", { schema: { querystring: eventsQuery } }, async (request, reply) => {
    const { stampId, shopId } = request.query;
    const limit = listLimit(request.query.limit);
    const listed = await listEvents(deps.store, principal(request), { stampId: stampId, shopId: shopId, limit: limit, before: listBefore(request.query.before) });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, eventView, (e) => e.sequence);
  });

  app.get<{ Querystring: HistoryQuery }>("/v1/alerts", { schema: { querystring: historyQuery } }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listAlerts(deps.store, principal(request), { limit: limit, before: listBefore(request.query.before) });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, alertView, (a) => a.id);
  });

  app.get<{ Querystring: HistoryQuery }>("/v1/audit", { schema: { querystring: historyQuery } }, async (request, reply) => {
    const limit = listLimit(request.query.limit);
    const listed = await listAudit(deps.store, principal(request), { limit: limit, before: listBefore(request.query.before) });
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return pageView(listed.value, limit, auditView, (a) => a.sequence);
  });
}
