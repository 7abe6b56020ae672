import { randomBytes } from "node:crypto";
import { Attempt } from "../campaign";
import { AccessWorld } from "./access-world";
import { ApiRoute } from "./api-routes";
import { attackOf, legitimateOf } from "./judge-answer";
import { pageRequest } from "./page-request";
import { PAGE_ROUTES } from "./page-routes";
import { sendRaw } from "./raw-http";
import { bodyFor } from "./request-bodies";
import { fillPath } from "./route-path";
import { jsonRequest } from "./sweep-request";

/** A browser's same-origin label: a page route's POST then reaches the check of its cookie or code, not the CSRF refusal. */
const SAME_ORIGIN = { "sec-fetch-site": "same-origin" };

/**
 * Every API route without any credential, on the rig's real objects: each must be refused
 * (never 2xx). The public ones (health, the OpenAPI document) must answer normally; the
 * enrolment, public because it carries its own proof, is sent without that proof and must be
 * refused too.
 */
export async function anonymousApiSweep(access: AccessWorld, routes: readonly ApiRoute[]): Promise<Attempt[]> {
  const url = access.world.target.url;
  const attempts: Attempt[] = [];
  for (const route of routes) {
    const path = fillPath(route.path, access.ids, randomBytes(8).toString("hex"));
    const body = route.path === "/v1/enrolments" ? { code: "AAAA-AAAA-AAAA-AAAA", publicKey: "00".repeat(32), label: "rig" } : bodyFor(route.method, route.path, access.ids, `rig-${access.world.run}-anon`);
    const answer = await sendRaw(url, jsonRequest(url, route.method, path, body));
    const name = `${route.method} ${route.path}`;
    if (route.public && route.method === "GET") attempts.push(legitimateOf(`public route answers: ${name}`, answer));
    else attempts.push(attackOf(`no credential: ${name}`, answer));
  }
  return attempts;
}

/**
 * Every page without a cookie: open pages must answer; session, card and code pages must not
 * serve anything (a redirect to the login, a refusal, a "not found"). POSTs carry a same-origin
 * label, so that what refuses them is the missing session or code, not the CSRF check. An API
 * token sent to a dashboard page must change nothing.
 */
export async function anonymousPageSweep(access: AccessWorld): Promise<Attempt[]> {
  const { url, ownerToken } = access.world.target;
  const attempts: Attempt[] = [];
  for (const route of PAGE_ROUTES) {
    if (route.access === "ceremony") continue;
    const path = fillPath(route.path, access.ids, randomBytes(16).toString("hex"));
    const request = pageRequest(url, route, path, route.method === "POST" ? SAME_ORIGIN : {});
    const answer = await sendRaw(url, request);
    const name = `${route.method} ${route.path}`;
    if (route.access === "open") attempts.push(legitimateOf(`public page answers: ${name}`, answer));
    else attempts.push(attackOf(`no ${route.access}: ${name}`, answer));
    if (route.access === "session") {
      const withToken = await sendRaw(url, { ...request, headers: { ...request.headers, authorization: `Bearer ${ownerToken}` } });
      attempts.push(attackOf(`API token on a dashboard page: ${name}`, withToken));
    }
  }
  return attempts;
}
