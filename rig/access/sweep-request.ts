import { authorityOf, RawRequest } from "./raw-http";

/** A JSON request to the target with the legitimate Host and the given extra headers. */
export function jsonRequest(baseUrl: string, method: string, path: string, body: object | undefined, headers: Record<string, string> = {}): RawRequest {
  const bytes = body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(body));
  return {
    method: method,
    path: path,
    headers: { host: authorityOf(baseUrl), accept: "application/json", ...(bytes === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: bytes,
  };
}

/** A bearer token's header. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
