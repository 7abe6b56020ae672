import { FastifyInstance } from "fastify";
import { ApiDeps } from "../deps";
import { emptyQuery, EventsQuery, eventsQuery, LimitQuery, limitQuery, listLimit } from "../schemas";
import { alertView, eventView } from "../views";

/** The largest SQLite LIMIT: "all of them". */
const ALL = Number.MAX_SAFE_INTEGER;

/**
 * The ledger and the alerts, oldest first. `limit` keeps the most recent entries: what a person
 * at the counter or a monitoring job wants to see.
 */
export function registerHistoryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: EventsQuery }>("/v1/events", { schema: { querystring: eventsQuery } }, async (request) => {
    const { stampId, shopId, limit } = request.query;
    const events = await deps.store.listEvents({ stampId: stampId, shopId: shopId });
    return events.slice(-listLimit(limit)).map(eventView);
  });

  app.get<{ Querystring: LimitQuery }>("/v1/alerts", { schema: { querystring: limitQuery } }, async (request) => {
    const alerts = await deps.store.listAlerts(ALL);
    return alerts.slice(-listLimit(request.query.limit)).map(alertView);
  });

  app.get("/v1/ledger/check", { schema: { querystring: emptyQuery } }, async () => deps.store.checkLedger());
}
