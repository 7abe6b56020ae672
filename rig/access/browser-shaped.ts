import { Attempt } from "../campaign";
import { AccessWorld } from "./access-world";
import { describeAnswer } from "./judge-answer";
import { pageRequest } from "./page-request";
import { PAGE_ROUTES } from "./page-routes";
import { fillPath } from "./route-path";
import { RawAnswer, RawRequest, sendRaw } from "./raw-http";
import { bearer, jsonRequest } from "./sweep-request";

/** The names a rebinding page would arrive under: an attacker's, with and without the port, and look-alikes of ours. */
export function attackerHosts(authority: string): string[] {
  const port = new URL(`http://${authority}`).port;
  const withPort = (name: string) => (port === "" ? name : `${name}:${port}`);
  return [withPort("evil.example"), "evil.example", withPort("localhost.evil.example"), withPort("127.0.0.1.evil.example")];
}

/** What a browser on another site labels a forged request with: each alone is enough to refuse it. */
export const CROSS_SITE_LABELS: readonly { name: string; headers: Record<string, string> }[] = [
  { name: "Sec-Fetch-Site: cross-site", headers: { "sec-fetch-site": "cross-site" } },
  { name: "Sec-Fetch-Site: same-site", headers: { "sec-fetch-site": "same-site" } },
  { name: "foreign Origin", headers: { origin: "https://evil.example" } },
  { name: "Origin: null", headers: { origin: "null" } },
];

/** Page POSTs a forged form could aim at: each acts for whoever holds the browser's cookie. */
const PAGE_POSTS = ["/dashboard/logout", "/dashboard/login/options", "/dashboard/stamps/:id/revoke", "/dashboard/programs/workers", "/card/passkey/login/options", "/card/:merchantId/redeem/cancel", "/w/:code"];

/** A forged request got past the browser checks when it was not refused as cross-site (403) or misdirected (421). */
function pastTheCheck(attack: string, answer: RawAnswer, refusal: number): Attempt {
  return { attack: attack, legitimate: false, accepted: answer.status !== refusal, flagged: false, answer: describeAnswer(answer) };
}

function pagePost(url: string, template: string, path: string, labels: Record<string, string>): RawRequest {
  const route = PAGE_ROUTES.find((r) => r.method === "POST" && r.path === template);
  if (route === undefined) throw new Error(`POST ${template} is not one of the page routes`);
  return pageRequest(url, route, path, labels);
}

/**
 * CSRF: an owner's state-changing API request carrying a cross-site label, and each page POST
 * with a cross-site label or with no proof of origin at all (a page POST needs one). Each must be
 * refused as cross-site (403), before the handler: any other answer means the check let it pass.
 * The legitimate twins: the API request without browser labels and a page POST from the host's
 * own origin are not refused as cross-site.
 */
export async function csrfAttacks(access: AccessWorld): Promise<Attempt[]> {
  const { url, ownerToken } = access.world.target;
  const origin = new URL(url).origin;
  const attempts: Attempt[] = [];
  let serial = 0;
  const shopBody = () => ({ id: `rig-${access.world.run}-csrf-${++serial}`, merchantId: access.ids.merchant, name: "Rig CSRF" });
  for (const label of CROSS_SITE_LABELS) {
    attempts.push(pastTheCheck(`CSRF on the API (${label.name}): POST /v1/shops`, await sendRaw(url, jsonRequest(url, "POST", "/v1/shops", shopBody(), { ...bearer(ownerToken), ...label.headers })), 403));
  }
  const plain = await sendRaw(url, jsonRequest(url, "POST", "/v1/shops", shopBody(), bearer(ownerToken)));
  attempts.push({ attack: "API client without browser labels: POST /v1/shops", legitimate: true, accepted: plain.status === 201, flagged: false, answer: describeAnswer(plain) });
  for (const template of PAGE_POSTS) {
    const path = fillPath(template, access.ids, "0".repeat(32));
    for (const label of [...CROSS_SITE_LABELS, { name: "no Origin, no Sec-Fetch-Site", headers: {} }]) {
      attempts.push(pastTheCheck(`CSRF on a page (${label.name}): POST ${template}`, await sendRaw(url, pagePost(url, template, path, label.headers)), 403));
    }
  }
  const own = await sendRaw(url, pagePost(url, "/dashboard/logout", "/dashboard/logout", { origin: origin }));
  attempts.push({ attack: "page POST from the host's own origin: POST /dashboard/logout", legitimate: true, accepted: own.status !== 403, flagged: false, answer: describeAnswer(own) });
  return attempts;
}

/**
 * DNS rebinding: requests that arrive under an attacker's host name (a page on evil.example
 * whose name now points at the host): public ones and an owner's, read and write. Each must be
 * refused as misdirected (421). The legitimate twin: the same read under the host's own name.
 */
export async function rebindingAttacks(access: AccessWorld): Promise<Attempt[]> {
  const { url, ownerToken } = access.world.target;
  const attempts: Attempt[] = [];
  const requests: { name: string; request: RawRequest }[] = [
    { name: "GET /healthz", request: jsonRequest(url, "GET", "/healthz", undefined) },
    { name: "GET /p", request: jsonRequest(url, "GET", "/p", undefined) },
    { name: "GET /v1/stamps (owner)", request: jsonRequest(url, "GET", "/v1/stamps", undefined, bearer(ownerToken)) },
    { name: "PATCH /v1/verifiers/:id (owner)", request: jsonRequest(url, "PATCH", `/v1/verifiers/${access.ids.verifier}`, { label: `rig ${access.world.run} rebound` }, bearer(ownerToken)) },
  ];
  for (const host of attackerHosts(new URL(url).host)) {
    for (const { name, request } of requests) {
      attempts.push(pastTheCheck(`DNS rebinding (Host: ${host}): ${name}`, await sendRaw(url, { ...request, headers: { ...request.headers, host: host } }), 421));
    }
  }
  const own = await sendRaw(url, jsonRequest(url, "GET", "/v1/stamps", undefined, bearer(ownerToken)));
  attempts.push({ attack: "owner's read under the host's own name: GET /v1/stamps", legitimate: true, accepted: own.status === 200, flagged: false, answer: describeAnswer(own) });
  return attempts;
}
