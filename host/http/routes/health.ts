import { FastifyInstance } from "fastify";
import { emptyQuery } from "../schemas";

export function registerHealthRoutes(app: FastifyInstance): void {
  app.get("/healthz", { schema: { querystring: emptyQuery }, config: { public: true } }, async () => ({ status: "ok" }));
}
