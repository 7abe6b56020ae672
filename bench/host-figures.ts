import { verify } from "node:crypto";
import Fastify, { FastifyInstance } from "fastify";
import { AddressInfo } from "node:net";
import { decodeChallenge } from "../shared/challenge";
import { toHex } from "../shared/hex";
import { tapSignedMessage } from "../shared/signed-message";
import { decodeTapResponse } from "../shared/tap-response";
import { contentDigest } from "../host/auth/content-digest";
import { parseSignatureHeaders, randomNonce, signRequest, verifySignedRequest } from "../host/auth/http-signature";
import { ApiClient, ApiCredential } from "../host/client/api-client";
import { httpTransport } from "../host/client/transports";
import { Principal } from "../host/core/access/principal";
import { publicKeyObject, verifyStrict } from "../host/crypto/ed25519-strict";
import { allowedHostsHook } from "../host/http/hardening/allowed-hosts";
import { crossSiteHook } from "../host/http/hardening/cross-site";
import { registerRateLimits } from "../host/http/hardening/rate-limits";
import { registerSecurityHeaders } from "../host/http/hardening/security-headers";
import { registerChallengeRoutes } from "../host/http/routes/challenges";
import { registerTapRoutes } from "../host/http/routes/taps";
import { buildServer } from "../host/http/server";
import { Store } from "../host/store/store";
import { VerdictFeed } from "../host/core/staff/verdict-feed";
import { createTestWorld, EnrolledStation, TestStamp, TestWorld } from "../test/support/test-world";

export interface HttpTapFigures {
  concurrency: number;
  tapsPerSecond: number;
  p50Millis: number;
  p99Millis: number;
}

export interface HostFigures {
  strictVerifyMicros: number;
  plainVerifyMicros: number;
  signRequestMicros: number;
  verifyRequestMicros: number;
  tapsPerSecond: number;
  tapMillis: number;
  taps: number;
  /** Challenge + tap over HTTP on loopback, each request signed by the station and checked. */
  authenticated: HttpTapFigures[];
  /** The same routes and store with a fixed principal: no authentication (bench only). */
  unauthenticated: HttpTapFigures[];
  httpTaps: number;
}

/** High enough never to refuse a bench request; the limiters still run. */
const BENCH_RATE_LIMITS = { perAddressPerMinute: 1_000_000, perCredentialPerMinute: 1_000_000 };

function microsPer(iterations: number, work: () => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) work();
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * The routes of a counter station's tap behind the same hooks as buildServer's but without
 * authentication: every request acts as `station`. Only for measuring what authentication
 * costs; the product has no such server.
 */
function unauthenticatedServer(store: Store, station: Principal): FastifyInstance {
  const app = Fastify({ logger: false });
  // Everything buildServer puts in front of the routes, but authentication.
  registerSecurityHeaders(app, { tls: false });
  app.addHook("onRequest", allowedHostsHook(["127.0.0.1"]));
  app.addHook("onRequest", crossSiteHook(["127.0.0.1"]));
  app.addHook("preValidation", async (request) => {
    request.principal = station;
  });
  registerRateLimits(app, { ...BENCH_RATE_LIMITS, credentialOf: (request) => request.principal?.credentialId });
  const deps = { store: store, now: Date.now, hostKey: undefined, verdicts: new VerdictFeed() };
  registerChallengeRoutes(app, deps);
  registerTapRoutes(app, deps);
  return app;
}

/** `taps` challenge + tap round trips, `concurrency` at a time, each one a fresh counter. */
async function httpTaps(app: FastifyInstance, credential: ApiCredential, stamp: TestStamp, taps: number, concurrency: number): Promise<HttpTapFigures> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const client = new ApiClient(httpTransport(url), credential);
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < taps) {
      next++;
      const started = performance.now();
      const issued = await client.request("POST", "/v1/challenges");
      const challenge = (issued.body as { challenge: string }).challenge;
      const answer = stamp.answer(Uint8Array.from(Buffer.from(challenge, "hex")));
      const verdict = await client.request("POST", "/v1/taps", { response: toHex(answer) });
      if ((verdict.body as { reason?: string }).reason !== "ACCEPTED") throw new Error(`bench tap refused: ${JSON.stringify(verdict.body)}`);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  await app.close();
  latencies.sort((a, b) => a - b);
  return { concurrency: concurrency, tapsPerSecond: taps / seconds, p50Millis: percentile(latencies, 50), p99Millis: percentile(latencies, 99) };
}

/** The cost of one signed request on each side: the station signing, the host parsing and verifying. */
function requestSigningCosts(station: EnrolledStation): { sign: number; verify: number } {
  const body = new TextEncoder().encode(JSON.stringify({ response: "00".repeat(94) }));
  const request = { method: "POST", authority: "127.0.0.1:8080", path: "/v1/taps", query: "?", contentDigest: contentDigest(body) };
  const key = { keyId: station.keyId, privateKey: station.key.privateKey };
  const sign = microsPer(500, () => {
    signRequest({ ...request, contentDigest: contentDigest(body) }, key, Math.floor(Date.now() / 1000), randomNonce());
  });
  const headers = signRequest(request, key, Math.floor(Date.now() / 1000), randomNonce());
  const verifyMicros = microsPer(500, () => {
    const parsed = parseSignatureHeaders({ signatureInput: headers["signature-input"], signature: headers.signature });
    if (!parsed.ok || contentDigest(body) !== request.contentDigest) throw new Error("bench signature did not parse");
    if (!verifySignedRequest(request, parsed.value, station.key.publicKey, Math.floor(Date.now() / 1000), 60).ok) throw new Error("bench signature did not verify");
  });
  return { sign: sign, verify: verifyMicros };
}

/** Seconds spent submitting `taps` prepared taps (prepared in batches: a verifier holds at most 16 open challenges). */
async function coreTaps(w: TestWorld, taps: number): Promise<number> {
  let spent = 0n;
  for (let done = 0; done < taps; done += 10) {
    const prepared: Uint8Array[] = [];
    for (let i = 0; i < Math.min(10, taps - done); i++) prepared.push(w.stamp.answer(await w.challengeFor(w.gangnamStation)));
    const started = process.hrtime.bigint();
    for (const bytes of prepared) {
      const verdict = await w.submit(w.gangnamStation, bytes);
      if (!verdict.accepted) throw new Error(`bench tap rejected: ${verdict.reason}`);
    }
    spent += process.hrtime.bigint() - started;
  }
  return Number(spent) / 1e9;
}

/**
 * Host-side costs: strict vs plain Ed25519 verification; a station's request signature (sign,
 * verify); whole taps through the core on SQLite (WAL, synchronous=FULL); and challenge + tap
 * over HTTP with and without authentication, measured in the same run on the same store.
 */
export async function measureHostFigures(taps = 300, httpTapCount = 300): Promise<HostFigures> {
  const w = await createTestWorld();
  const challengeBytes = await w.challengeFor(w.gangnamStation);
  // Signed with a counter no tap will reach, and never submitted: only its verification is timed.
  const response = decodeTapResponse(w.stamp.answer(challengeBytes, { counter: 0xffffff }));
  const challenge = decodeChallenge(challengeBytes);
  if (!response.ok || !challenge.ok) throw new Error("bench setup failed");
  const message = tapSignedMessage(challenge.value, response.value.stampId, response.value.counter, response.value.flags);
  const key = publicKeyObject(w.stamp.publicKey);
  const strictVerifyMicros = microsPer(500, () => verifyStrict(key, message, response.value.signature));
  const plainVerifyMicros = microsPer(500, () => verify(null, message, key, response.value.signature));
  const signing = requestSigningCosts(w.gangnamStation);
  const seconds = await coreTaps(w, taps);

  const station: ApiCredential = { kind: "station", keyId: w.gangnamStation.keyId, privateKey: w.gangnamStation.key.privateKey };
  const limits = BENCH_RATE_LIMITS;
  const authenticated: HttpTapFigures[] = [];
  const unauthenticated: HttpTapFigures[] = [];
  for (const concurrency of [1, 8]) {
    authenticated.push(await httpTaps(buildServer(w.store, { rateLimits: limits }), station, w.stamp, httpTapCount, concurrency));
    unauthenticated.push(await httpTaps(unauthenticatedServer(w.store, w.gangnamStation.principal), { kind: "none" }, w.stamp, httpTapCount, concurrency));
  }
  await w.store.close();
  return {
    strictVerifyMicros,
    plainVerifyMicros,
    signRequestMicros: signing.sign,
    verifyRequestMicros: signing.verify,
    tapsPerSecond: taps / seconds,
    tapMillis: (seconds * 1000) / taps,
    taps,
    authenticated,
    unauthenticated,
    httpTaps: httpTapCount,
  };
}
