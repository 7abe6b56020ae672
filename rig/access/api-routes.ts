import { ApiMethod } from "../../host/client/transports";
import { sendRaw, authorityOf } from "./raw-http";

/** One route of the JSON API as its OpenAPI document names it, path parameters as ":name". */
export interface ApiRoute {
  method: ApiMethod;
  path: string;
  /** The document says `security: []`: no credential needed (health, this document, an enrolment). */
  public: boolean;
}

/** OpenAPI's operation keys and the methods they stand for. */
const METHODS: readonly (readonly [string, ApiMethod])[] = [
  ["get", "GET"],
  ["post", "POST"],
  ["put", "PUT"],
  ["patch", "PATCH"],
  ["delete", "DELETE"],
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every operation of an OpenAPI 3 document: pure. The rig reads the routes from the host it
 * attacks (GET /v1/openapi.json, public) rather than from a list of its own, so a route added
 * to a deployment is attacked without anyone remembering to add it here.
 */
export function apiRoutesOf(document: unknown): ApiRoute[] {
  if (!isRecord(document) || !isRecord(document.paths)) throw new Error("the OpenAPI document has no paths");
  const routes: ApiRoute[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (!isRecord(item)) continue;
    for (const [key, method] of METHODS) {
      const operation = item[key];
      if (!isRecord(operation)) continue;
      const security = operation.security;
      routes.push({ method: method, path: path.replace(/\{(\w+)\}/g, ":$1"), public: Array.isArray(security) && security.length === 0 });
    }
  }
  return routes;
}

/** The target's own OpenAPI document, fetched without a credential. */
export async function fetchApiRoutes(baseUrl: string): Promise<ApiRoute[]> {
  const answer = await sendRaw(baseUrl, { method: "GET", path: "/v1/openapi.json", headers: { host: authorityOf(baseUrl), accept: "application/json" } });
  if (answer.status !== 200) throw new Error(`GET /v1/openapi.json: HTTP ${answer.status}`);
  return apiRoutesOf(JSON.parse(answer.text));
}
