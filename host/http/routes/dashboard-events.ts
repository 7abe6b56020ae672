/**
 * GET /dashboard/events: the counter view's stream (server-sent events). Each verdict of the
 * logged-in person's merchant that this process decides (host/core/staff/verdict-feed.ts) goes
 * out as one `verdict` event, worded in the viewer's language. Before each event the session is
 * checked again, so a revoked person's open view stops at once. A comment line every 25 s keeps
 * proxies from closing a quiet stream; the streams end when the server closes.
 */
import { ServerResponse } from "node:http";
import { FastifyInstance } from "fastify";
import { can } from "../../core/access/permissions";
import { sessionPrincipal } from "../../core/staff/staff-sessions";
import { VerdictNotice } from "../../core/staff/verdict-feed";
import { DashboardContext } from "../../dashboard/dashboard-context";
import { verdictLine } from "../../dashboard/verdict-line";
import { DASHBOARD_PAGE, dashboardContext, sessionSecretOf, staffOf } from "../dashboard-request";
import { PhoneDeps } from "../deps";
import { sendError } from "../errors";
import { languageQuery } from "../phone-page-request";

const KEEP_ALIVE_MS = 25_000;

/** Display names looked up once per stream: labels and shop names change rarely, and a stale one is still a name. */
class NameCache {
  private readonly stamps = new Map<string, string | undefined>();
  private readonly shops = new Map<string, string | undefined>();

  constructor(
    private readonly deps: PhoneDeps,
    private readonly merchantId: string,
  ) {}

  async stampLabel(notice: VerdictNotice): Promise<string | undefined> {
    if (notice.stampLabel !== undefined) return notice.stampLabel;
    if (notice.stampId === undefined) return undefined;
    if (!this.stamps.has(notice.stampId)) {
      const stamp = await this.deps.store.getStamp(notice.stampId);
      this.stamps.set(notice.stampId, stamp !== undefined && stamp.merchantId === this.merchantId ? stamp.label : undefined);
    }
    return this.stamps.get(notice.stampId);
  }

  async shopName(notice: VerdictNotice): Promise<string | undefined> {
    if (notice.shopId === undefined) return undefined;
    if (!this.shops.has(notice.shopId)) {
      const shop = await this.deps.store.getShop(notice.shopId);
      this.shops.set(notice.shopId, shop !== undefined && shop.merchantId === this.merchantId ? shop.name : undefined);
    }
    return this.shops.get(notice.shopId);
  }
}

export function registerDashboardEvents(app: FastifyInstance, deps: PhoneDeps): void {
  const open = new Set<ServerResponse>();
  app.addHook("preClose", async () => {
    for (const stream of open) stream.end();
  });

  app.get("/dashboard/events", { ...DASHBOARD_PAGE, schema: { hide: true, querystring: languageQuery } }, async (request, reply) => {
    const staff = await staffOf(deps, request);
    const secret = sessionSecretOf(request);
    // Pages never answer 401 (that is the API asking for a credential): to the login, like every page; EventSource then stops.
    if (staff === undefined || secret === undefined) return reply.redirect("/dashboard/login", 303);
    if (!can(staff.principal, "event.read")) return sendError(reply, 403, "FORBIDDEN", "this person may not see taps");
    const context: DashboardContext = dashboardContext(deps, request, reply, staff);
    const merchantId = staff.principal.merchantId;
    const names = new NameCache(deps, merchantId);

    reply.hijack();
    const stream = reply.raw;
    // The security headers helmet set on the reply go out with the stream's own.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) stream.setHeader(name, typeof value === "number" ? String(value) : value);
    stream.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" });
    stream.write(": live\n\n");
    open.add(stream);

    let chain = Promise.resolve();
    const send = async (notice: VerdictNotice): Promise<void> => {
      if ((await sessionPrincipal(deps.store, secret, deps.now())) === undefined) return void stream.end();
      const line = verdictLine(context, notice, { stampLabel: await names.stampLabel(notice), shopName: await names.shopName(notice) });
      stream.write(`event: verdict\ndata: ${JSON.stringify(line)}\n\n`);
    };
    const unsubscribe = deps.verdicts.subscribe(merchantId, (notice) => {
      chain = chain.then(() => send(notice)).catch((error: unknown) => {
        request.log.error({ err: error }, "counter view event failed");
        stream.end();
      });
    });
    const keepAlive = setInterval(() => stream.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
    stream.on("close", () => {
      unsubscribe();
      clearInterval(keepAlive);
      open.delete(stream);
    });
  });
}
