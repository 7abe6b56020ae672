import { contentDigest } from "../../host/auth/content-digest";
import { credentialHeaders } from "../../host/client/api-client";
import { ApiMethod } from "../../host/client/transports";
import { Attempt } from "../campaign";
import { RigWorld } from "../world/rig-world";
import { attackOf, legitimateOf } from "./judge-answer";
import { authorityOf, RawRequest, sendRaw } from "./raw-http";
import { HeldStationKey } from "./station-key";

/** Far outside the host's 60 s window for `created` (docs/security.md), either way. */
const OUTSIDE_WINDOW_MS = 5 * 60_000;

/** A station request signed once, as bytes that can be sent again unchanged. */
export function signedRequest(key: HeldStationKey, method: ApiMethod, path: string, authority: string, sendAuthority: string, atMs: number, json: object = {}): RawRequest {
  const body = method === "GET" ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(json));
  const signed = credentialHeaders({ kind: "station", keyId: key.keyId, privateKey: key.privateKey }, { method: method, authority: authority, pathAndQuery: path, body: body }, atMs);
  return {
    method: method,
    path: path,
    headers: { host: sendAuthority, accept: "application/json", ...(method === "GET" ? {} : { "content-type": "application/json" }), ...signed },
    body: method === "GET" ? undefined : body,
  };
}

/**
 * A captured signed request sent again byte for byte (a read and a challenge request), the same
 * signature moved to another path, signed for another host name, and dated outside the window:
 * each must be refused. Each genuine first sending must be served.
 */
export async function signedRequestAttacks(world: RigWorld, key: HeldStationKey): Promise<Attempt[]> {
  const url = world.target.url;
  const authority = authorityOf(url);
  const now = () => world.target.clock();
  const attempts: Attempt[] = [];
  for (const [method, path] of [["GET", "/v1/verifiers"], ["POST", "/v1/challenges"]] as const) {
    const captured = signedRequest(key, method, path, authority, authority, now());
    attempts.push(legitimateOf(`signed request, first sending: ${method} ${path}`, await sendRaw(url, captured)));
    attempts.push(attackOf(`signed request replayed byte for byte: ${method} ${path}`, await sendRaw(url, captured)));
  }
  const elsewhere = signedRequest(key, "GET", "/v1/verifiers", authority, authority, now());
  attempts.push(attackOf("signature moved to another path", await sendRaw(url, { ...elsewhere, path: "/v1/stations/registry" })));
  attempts.push(attackOf("signature kept, query added", await sendRaw(url, { ...signedRequest(key, "GET", "/v1/verifiers", authority, authority, now()), path: "/v1/verifiers?limit=1" })));
  const posted = signedRequest(key, "POST", "/v1/challenges", authority, authority, now());
  attempts.push(attackOf("signature kept, body changed (digest left)", await sendRaw(url, { ...posted, body: new TextEncoder().encode("{ }") })));
  const reDigested = signedRequest(key, "POST", "/v1/challenges", authority, authority, now());
  const otherBody = new TextEncoder().encode("{ }");
  attempts.push(attackOf("signature kept, body and its digest changed", await sendRaw(url, { ...reDigested, headers: { ...reDigested.headers, "content-digest": contentDigest(otherBody) }, body: otherBody })));
  attempts.push(attackOf("signed for another host name", await sendRaw(url, signedRequest(key, "GET", "/v1/verifiers", "evil.example", authority, now()))));
  attempts.push(attackOf("created before the window", await sendRaw(url, signedRequest(key, "GET", "/v1/verifiers", authority, authority, now() - OUTSIDE_WINDOW_MS))));
  attempts.push(attackOf("created after the window", await sendRaw(url, signedRequest(key, "GET", "/v1/verifiers", authority, authority, now() + OUTSIDE_WINDOW_MS))));
  attempts.push(legitimateOf("signed request, fresh", await sendRaw(url, signedRequest(key, "GET", "/v1/verifiers", authority, authority, now()))));
  return attempts;
}

/**
 * One captured signed request sent `count` times at once: the nonce must be spent atomically, so
 * exactly one is served. The first served is the legitimate sending; every further one is an
 * accepted replay; none served at all is a false rejection.
 */
export async function concurrentReplays(world: RigWorld, key: HeldStationKey, count: number): Promise<Attempt[]> {
  const url = world.target.url;
  const authority = authorityOf(url);
  const captured = signedRequest(key, "GET", "/v1/verifiers", authority, authority, world.target.clock());
  const answers = await Promise.all(Array.from({ length: count }, () => sendRaw(url, captured)));
  return concurrentAttemptsOf(answers.map((answer) => ({ served: answer.status >= 200 && answer.status < 300, answer: `HTTP ${answer.status}` })));
}

/** The attempts of N concurrent sendings of one signed request: pure. */
export function concurrentAttemptsOf(sendings: { served: boolean; answer: string }[]): Attempt[] {
  const first = sendings.findIndex((s) => s.served);
  return sendings.map((s, i) => ({ attack: `${sendings.length} concurrent sendings of one signed request`, legitimate: i === (first === -1 ? 0 : first), accepted: s.served, flagged: false, answer: s.answer }));
}
