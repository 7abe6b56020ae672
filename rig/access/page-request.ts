import { PageRoute } from "./page-routes";
import { RawRequest } from "./raw-http";
import { jsonRequest } from "./sweep-request";

/**
 * A page request as a browser sends it: a GET, a form post with the route's well-formed form,
 * or JSON for a page script's endpoint; `labels` are the browser's origin headers (same-origin
 * for a legitimate page, a cross-site label for a forged one, none at all).
 */
export function pageRequest(url: string, route: PageRoute, path: string, labels: Record<string, string>): RawRequest {
  if (route.method === "GET") return jsonRequest(url, "GET", path, undefined, labels);
  if (route.json === true) return jsonRequest(url, "POST", path, {}, labels);
  const form = jsonRequest(url, "POST", path, undefined, { ...labels, "content-type": "application/x-www-form-urlencoded" });
  return { ...form, body: new TextEncoder().encode(route.form ?? "") };
}
