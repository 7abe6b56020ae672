import { Attempt } from "../campaign";
import { AccessWorld } from "./access-world";
import { ApiRoute } from "./api-routes";
import { attackOf } from "./judge-answer";
import { authorityOf, sendRaw } from "./raw-http";
import { bodyFor } from "./request-bodies";
import { fillPath } from "./route-path";
import { signedRequest } from "./signed-requests";
import { HeldStationKey } from "./station-key";
import { bearer, jsonRequest } from "./sweep-request";

/**
 * What a counter station may call besides the public routes (docs/security.md's counter-station
 * column; test/rig/access-control.test.ts keeps the two equal). Everything else is a person's.
 */
export const COUNTER_STATION_ROUTES: readonly string[] = ["GET /v1/verifiers", "POST /v1/challenges", "POST /v1/taps", "GET /v1/stations/registry", "POST /v1/stations/offline-taps"];

const WRITES: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Routes a credential must be refused on, in the order the document lists them: pure. */
export function routesOutside(routes: readonly ApiRoute[], allowed: (route: ApiRoute) => boolean): ApiRoute[] {
  return routes.filter((route) => !route.public && !allowed(route));
}

/** The rig merchant's auditor on every write route: an auditor only reads, so none may be served. */
export async function auditorWriteSweep(access: AccessWorld, routes: readonly ApiRoute[], auditorToken: string): Promise<Attempt[]> {
  const url = access.world.target.url;
  const attempts: Attempt[] = [];
  for (const route of routesOutside(routes, (r) => !WRITES.has(r.method))) {
    const path = fillPath(route.path, access.ids, "0".repeat(16));
    const answer = await sendRaw(url, jsonRequest(url, route.method, path, bodyFor(route.method, route.path, access.ids, `rig-${access.world.run}-auditor`), bearer(auditorToken)));
    attempts.push(attackOf(`auditor's token on a write: ${route.method} ${route.path}`, answer));
  }
  return attempts;
}

/** The rig's counter station, signing validly, on every route that is a person's: none may be served. */
export async function stationOnPeopleRoutes(access: AccessWorld, routes: readonly ApiRoute[], key: HeldStationKey): Promise<Attempt[]> {
  const url = access.world.target.url;
  const authority = authorityOf(url);
  const attempts: Attempt[] = [];
  for (const route of routesOutside(routes, (r) => COUNTER_STATION_ROUTES.includes(`${r.method} ${r.path}`))) {
    const path = fillPath(route.path, access.ids, "0".repeat(16));
    const body = bodyFor(route.method, route.path, access.ids, `rig-${access.world.run}-station`) ?? {};
    const answer = await sendRaw(url, signedRequest(key, route.method, path, authority, authority, access.world.target.clock(), body));
    attempts.push(attackOf(`counter station's key on a person's route: ${route.method} ${route.path}`, answer));
  }
  return attempts;
}
