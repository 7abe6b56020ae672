import { Attempt } from "../campaign";
import { AccessWorld } from "./access-world";
import { ApiRoute } from "./api-routes";
import { attackOf, describeAnswer, judged, legitimateOf } from "./judge-answer";
import { sendRaw } from "./raw-http";
import { existenceProbe, madeUpIds } from "./existence-probe";
import { bodyFor } from "./request-bodies";
import { fillPath } from "./route-path";
import { bearer, jsonRequest } from "./sweep-request";

/** Routes an owner calls with a body naming the merchant's objects: a foreign owner must not reach into them. */
const REACHING_IN = new Set(["POST /v1/shops", "POST /v1/verifiers", "POST /v1/enrolment-codes", "POST /v1/tokens"]);

/** Lists an owner may read: a foreign owner's must be served (its own), and hold nothing of the rig's. */
export const OWNER_LISTS: readonly string[] = ["/v1/merchants", "/v1/shops", "/v1/verifiers", "/v1/stamps", "/v1/events", "/v1/alerts", "/v1/audit", "/v1/credentials"];

/** Texts that appear only in the rig's merchant's objects: its id as a JSON string, its stamp, verifier and the run's names. */
export function rigMarkers(access: AccessWorld): string[] {
  return [`"${access.ids.merchant}"`, access.ids.stamp, access.ids.verifier, access.ids.worker, access.ids.credential, `rig-${access.world.run}`];
}

/** Which of `markers` a text contains: pure. */
export function leakedMarkers(text: string, markers: readonly string[]): string[] {
  return markers.filter((marker) => text.includes(marker));
}

/**
 * Another merchant's owner, on every route that names one of the rig's objects (in the path or
 * in the body): never served (docs/security.md: 404 as if it did not exist). Then that owner's
 * lists: served, and with nothing of the rig's in them.
 */
export async function foreignSweep(access: AccessWorld, routes: readonly ApiRoute[], foreignToken: string): Promise<Attempt[]> {
  const url = access.world.target.url;
  const attempts: Attempt[] = [];
  for (const route of routes) {
    const name = `${route.method} ${route.path}`;
    if (route.public || !(route.path.includes(":") || REACHING_IN.has(name))) continue;
    const label = `rig-${access.world.run}-foreign`;
    const path = fillPath(route.path, access.ids, "0".repeat(16));
    const answer = await sendRaw(url, jsonRequest(url, route.method, path, bodyFor(route.method, route.path, access.ids, label), bearer(foreignToken)));
    attempts.push(attackOf(`another merchant's owner: ${name}`, answer));
    const none = madeUpIds();
    const nowhere = await sendRaw(url, jsonRequest(url, route.method, fillPath(route.path, none, "0".repeat(16)), bodyFor(route.method, route.path, none, label), bearer(foreignToken)));
    attempts.push(existenceProbe(`another merchant's object told apart from none: ${name}`, answer, access.ids, nowhere, none));
    // The same read by the rig's own owner must be served: the foreign refusal is then the merchant check, not a bad request.
    if (route.method === "GET") attempts.push(legitimateOf(`the owner reads its own: ${name}`, await sendRaw(url, jsonRequest(url, "GET", path, undefined, bearer(access.world.target.ownerToken)))));
  }
  const markers = rigMarkers(access);
  for (const list of OWNER_LISTS.filter((path) => routes.some((r) => r.method === "GET" && r.path === path))) {
    const answer = await sendRaw(url, jsonRequest(url, "GET", list, undefined, bearer(foreignToken)));
    attempts.push(legitimateOf(`another merchant's owner lists its own: GET ${list}`, answer));
    const leaked = leakedMarkers(answer.text, markers);
    attempts.push(judged(`another merchant's list holds the rig's objects: GET ${list}`, leaked.length > 0, leaked.length > 0 ? `leaked ${leaked.join(", ")}` : describeAnswer(answer)));
  }
  return attempts;
}
