/**
 * The action each API route performs, so that the caller's role is checked as soon as the caller
 * is known: before the request's shape (path, query, body) is validated. A caller who may not
 * call a route gets 401 or 403 whatever it sent; a 400 would already tell a stranger what the
 * route expects, and which ids and fields it reads. The core checks the same action again (and
 * the merchant's and verifier's scope on top), so this table can only refuse earlier, never
 * allow more. Every non-public route must have a row: the server refuses to start otherwise.
 */
import { FastifyInstance, RouteOptions } from "fastify";
import { ACTION_WORDS } from "../core/access/action-words";
import { Action, can } from "../core/access/permissions";
import { Principal } from "../core/access/principal";

export const ROUTE_ACTIONS: Readonly<Record<string, Action>> = {
  "POST /v1/merchants": "merchant.create",
  "GET /v1/merchants": "merchant.read",
  "POST /v1/shops": "shop.create",
  "GET /v1/shops": "shop.read",
  "PUT /v1/shops/:id/location": "shop.configure",
  "DELETE /v1/shops/:id/location": "shop.configure",
  "POST /v1/verifiers": "verifier.create",
  "GET /v1/verifiers": "verifier.read",
  "PATCH /v1/verifiers/:id": "verifier.configure",
  "POST /v1/challenges": "challenge.issue",
  "POST /v1/taps": "tap.submit",
  "GET /v1/stations/registry": "station.registry",
  "POST /v1/stations/offline-taps": "offline-tap.upload",
  "POST /v1/provisioning-challenges": "provisioning.challenge",
  "POST /v1/stamps": "stamp.register",
  "GET /v1/stamps": "stamp.read",
  "GET /v1/stamps/:id": "stamp.read",
  "POST /v1/stamps/:id/revoke": "stamp.revoke",
  "POST /v1/stamps/:id/reinstate": "stamp.reinstate",
  "GET /v1/events": "event.read",
  "GET /v1/alerts": "alert.read",
  "GET /v1/audit": "audit.read",
  "POST /v1/tokens": "token.issue",
  "GET /v1/credentials": "credential.read",
  "POST /v1/credentials/:id/revoke": "credential.revoke",
  "POST /v1/enrolment-codes": "enrolment-code.issue",
  "POST /v1/firmware": "firmware.approve",
  "GET /v1/firmware": "firmware.read",
  "POST /v1/ledger/check": "ledger.check",
  "POST /v1/ledger/checkpoints": "ledger.checkpoint",
  "GET /v1/ledger/checkpoints": "ledger.checkpoint",
  "POST /v1/merchants/:id/workers": "worker.create",
  "GET /v1/merchants/:id/workers": "worker.read",
  "POST /v1/workers/:id/invitations": "worker.invite",
  "POST /v1/merchants/:id/dashboard-invitations": "dashboard.invite",
  "POST /v1/dashboard-people/:id/recovery-links": "dashboard.recover",
  "PUT /v1/merchants/:id/loyalty": "loyalty.configure",
  "GET /v1/merchants/:id/loyalty": "loyalty.read",
  "POST /v1/merchants/:id/coupons": "coupon.issue",
  "GET /v1/merchants/:id/vouchers": "coupon.read",
  "GET /v1/merchants/:id/analytics/daily": "analytics.read",
  "GET /v1/merchants/:id/analytics/frequency": "analytics.read",
  "GET /v1/merchants/:id/analytics/come-back": "analytics.read",
  "GET /v1/merchants/:id/analytics/attendance": "analytics.read",
};

/** "GET /v1/stamps/:id": a route as the table names it. HEAD is Fastify's twin of a GET, and is judged as that GET. */
export function routeName(method: string, url: string): string {
  return `${method === "HEAD" ? "GET" : method} ${url}`;
}

/** The action of a route; undefined for a route the table does not know. */
export function routeAction(method: string, url: string): Action | undefined {
  return ROUTE_ACTIONS[routeName(method, url)];
}

/**
 * Why the principal's role may not call the route at all, in the core's own words ("check the
 * ledger", completing "this credential may not …"), or undefined when it may. A route missing
 * from the table is refused: forgetting a row must fail closed (and the server does not start
 * with one missing).
 */
export function routeRefusal(principal: Principal, method: string, url: string): string | undefined {
  const action = routeAction(method, url);
  if (action === undefined) return `call ${routeName(method, url)}`;
  return can(principal, action) ? undefined : ACTION_WORDS[action];
}

/** Refuses to build a server with a non-public route that has no action in the table. */
export function requireRouteActions(app: FastifyInstance): void {
  app.addHook("onRoute", (route: RouteOptions) => {
    if (route.config?.public === true) return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (routeAction(method, route.url) === undefined) throw new Error(`route ${method} ${route.url} needs a credential but has no action in host/http/route-permissions.ts`);
    }
  });
}
