/**
 * Everything of the dashboard on the server: its API routes beside the others, and its pages in a
 * plugin of their own, whose form parser (the stamp, program and worker forms) must not reach the
 * JSON API.
 */
import { FastifyInstance } from "fastify";
import { PhoneDeps } from "../deps";
import { registerDashboardEvents } from "./dashboard-events";
import { registerDashboardInvitationRoutes } from "./dashboard-invitations";
import { registerDashboardManagePages } from "./dashboard-manage-pages";
import { registerDashboardPages } from "./dashboard-pages";
import { registerDashboardPasskeys } from "./dashboard-passkeys";

/** Form bodies (a reason of at most 500 characters, encoded) are small. */
const FORM_BODY_LIMIT = 4096;

export function registerDashboard(app: FastifyInstance, deps: PhoneDeps): void {
  registerDashboardInvitationRoutes(app, deps);
  app.register(async (pages) => {
    pages.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    registerDashboardPages(pages, deps);
    registerDashboardManagePages(pages, deps);
    registerDashboardPasskeys(pages, deps);
    registerDashboardEvents(pages, deps);
  });
}
