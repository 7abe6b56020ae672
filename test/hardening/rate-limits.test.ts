import { FastifyInstance, FastifyRequest } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { registerRateLimits, tooManyRequestsMessage } from "../../host/http/hardening/rate-limits";
import { Answer, listenOnLoopback, send, testApp } from "./harness";

const TIMEOUT = 30_000;

interface LimitedApp {
  port: number;
  /** How many requests reached (simulated) authentication. */
  authentications: () => number;
}

describe("registerRateLimits", () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  /**
   * Built the way buildServer will: registerRateLimits called synchronously, between route
   * declarations. Authentication is simulated in preValidation: the credential named in
   * x-test-credential is taken as verified.
   */
  async function start(perAddressPerMinute: number, perCredentialPerMinute: number): Promise<LimitedApp> {
    const app = testApp();
    const verified = new WeakMap<FastifyRequest, string>();
    let authentications = 0;
    app.addHook("preValidation", async (request) => {
      authentications += 1;
      const claimed = request.headers["x-test-credential"];
      if (typeof claimed === "string") verified.set(request, claimed);
    });
    registerRateLimits(app, { perAddressPerMinute, perCredentialPerMinute, credentialOf: (request) => verified.get(request) });
    app.post("/v1/taps", async () => ({ accepted: true }));
    apps.push(app);
    return { port: await listenOnLoopback(app), authentications: () => authentications };
  }

  function tap(port: number, credential?: string): Promise<Answer> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (credential !== undefined) headers["x-test-credential"] = credential;
    return send(port, { method: "POST", path: "/v1/taps", headers: headers, body: "{}" });
  }

  async function statuses(requests: Array<() => Promise<Answer>>): Promise<number[]> {
    const result: number[] = [];
    for (const request of requests) result.push((await request()).status);
    return result;
  }

  it(
    "answers 429 RATE_LIMITED with Retry-After once an address is over its limit, with no credential at all",
    async () => {
      const { port } = await start(5, 100);
      expect(await statuses(Array.from({ length: 5 }, () => () => tap(port)))).toEqual([200, 200, 200, 200, 200]);
      const refused = await tap(port);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers["retry-after"]);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      expect(refused.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(refused.json).toEqual({ error: { code: "RATE_LIMITED", message: `too many requests: retry in ${retryAfter} s` } });
    },
    TIMEOUT,
  );

  it(
    "counts every route of the address together, the not-found handler and the routes declared before it included",
    async () => {
      const { port } = await start(3, 100);
      const mixed = [() => send(port, { path: "/v1/things" }), () => send(port, { path: "/v1/no-such-route" }), () => tap(port), () => send(port, { path: "/healthz" })];
      expect(await statuses(mixed)).toEqual([200, 404, 200, 429]);
      expect((await send(port, { path: "/v1/no-such-route" })).status).toBe(429);
    },
    TIMEOUT,
  );

  it(
    "refuses a flood before authentication runs, so it costs no signature checks",
    async () => {
      const app = await start(4, 100);
      const flood = await statuses(Array.from({ length: 20 }, () => () => tap(app.port, "station-a")));
      expect(flood.filter((status) => status === 429)).toHaveLength(16);
      expect(app.authentications()).toBe(4);
    },
    TIMEOUT,
  );

  it(
    "keeps a separate count for each credential from one address",
    async () => {
      const { port } = await start(100, 2);
      const sequence = [
        () => tap(port, "station-a"),
        () => tap(port, "station-a"),
        () => tap(port, "station-a"),
        () => tap(port, "station-b"),
        () => tap(port, "station-b"),
        () => tap(port, "station-b"),
        () => tap(port),
        () => tap(port),
        () => tap(port),
      ];
      expect(await statuses(sequence)).toEqual([200, 200, 429, 200, 200, 429, 200, 200, 200]);
      const refused = await tap(port, "station-a");
      expect(refused.json).toMatchObject({ error: { code: "RATE_LIMITED", message: tooManyRequestsMessage(Number(refused.headers["retry-after"])) } });
    },
    TIMEOUT,
  );

  it(
    "applies the address limit even when each credential is under its own",
    async () => {
      const { port } = await start(4, 3);
      const sequence = [() => tap(port, "station-a"), () => tap(port, "station-a"), () => tap(port, "station-b"), () => tap(port, "station-b"), () => tap(port, "station-c")];
      expect(await statuses(sequence)).toEqual([200, 200, 200, 200, 429]);
    },
    TIMEOUT,
  );

  it("refuses limits that are not positive whole numbers, at once", () => {
    const app = testApp();
    const credentialOf = () => undefined;
    expect(() => registerRateLimits(app, { perAddressPerMinute: 0, perCredentialPerMinute: 5, credentialOf })).toThrow(/perAddressPerMinute/);
    expect(() => registerRateLimits(app, { perAddressPerMinute: 5, perCredentialPerMinute: 1.5, credentialOf })).toThrow(/perCredentialPerMinute/);
  });
});
