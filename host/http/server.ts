/**
 * The host's HTTP API (JSON, bytes as hex). Built here, started elsewhere (`stamp serve`, tests):
 * buildServer never listens. Validation is strict: Ajv does not coerce types, does not drop
 * unknown fields (they are refused), and bodies are capped at BODY_LIMIT bytes.
 */
import Fastify, { FastifyInstance } from "fastify";
import { Store } from "../store/store";
import { ApiDeps } from "./deps";
import { handleError, handleNotFound } from "./errors";
import { registerChallengeRoutes } from "./routes/challenges";
import { registerHealthRoutes } from "./routes/health";
import { registerHistoryRoutes } from "./routes/history";
import { registerMerchantRoutes } from "./routes/merchants";
import { registerShopRoutes } from "./routes/shops";
import { registerStampRoutes } from "./routes/stamps";
import { registerTapRoutes } from "./routes/taps";
import { registerVerifierRoutes } from "./routes/verifiers";
import { BODY_LIMIT } from "./schemas";

export { BODY_LIMIT };

export interface ServerOptions {
  /** Milliseconds since the epoch; Date.now by default. */
  clock?: () => number;
  /** Fastify's log, JSON lines on stderr: "silent" (the default), "error" (failed requests only) or "info" (every request). */
  logLevel?: "silent" | "error" | "info";
}

export function buildServer(store: Store, options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: { level: options.logLevel ?? "silent", stream: process.stderr },
    bodyLimit: BODY_LIMIT,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
  });
  const deps: ApiDeps = { store: store, now: options.clock ?? Date.now };
  // Bodies are JSON only: plain text would otherwise reach the schema as a string.
  app.removeContentTypeParser("text/plain");
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  registerHealthRoutes(app);
  registerMerchantRoutes(app, deps);
  registerShopRoutes(app, deps);
  registerVerifierRoutes(app, deps);
  registerChallengeRoutes(app, deps);
  registerTapRoutes(app, deps);
  registerStampRoutes(app, deps);
  registerHistoryRoutes(app, deps);
  return app;
}
