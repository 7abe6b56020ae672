import { FastifyInstance } from "fastify";
import { aboutRoute, OPENAPI_PATH, successAnswer } from "../openapi";
import { emptyQuery } from "../schemas";

/** The API's OpenAPI document (../openapi.ts), public: it describes the API and holds nothing secret. */
export function registerReferenceRoutes(app: FastifyInstance): void {
  app.get(
    OPENAPI_PATH,
    {
      schema: {
        ...aboutRoute("reference", "This API's OpenAPI document", "OpenAPI 3.1, generated from the schemas the server validates requests with; needs no credential."),
        querystring: emptyQuery,
        response: successAnswer(200, "The OpenAPI 3.1 document."),
      },
      config: { public: true },
    },
    async () => app.swagger(),
  );
}
