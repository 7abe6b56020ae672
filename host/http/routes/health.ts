import { FastifyInstance } from "fastify";
import { aboutRoute, successAnswer } from "../openapi";
import { emptyQuery } from "../schemas";

export function registerHealthRoutes(app: FastifyInstance): void {
  app.get(
    "/healthz",
    {
      schema: {
        ...aboutRoute("health", "Health check", 'Answers `{"status":"ok"}` while the service runs; needs no credential.'),
        querystring: emptyQuery,
        response: successAnswer(200, "The service answers."),
      },
      config: { public: true },
    },
    async () => ({ status: "ok" }),
  );
}
