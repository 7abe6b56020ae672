/**
 * Everything wired the way buildServer and `stamp serve` are meant to: clientErrorHandler as a
 * server option, then, synchronously and before the routes, security headers, rate limits, the
 * allowed-hosts hook and the cross-site hook.
 */
import { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowedHostsHook, defaultAllowedHosts } from "../../host/http/hardening/allowed-hosts";
import { clientErrorHandler } from "../../host/http/hardening/client-errors";
import { crossSiteHook } from "../../host/http/hardening/cross-site";
import { registerRateLimits } from "../../host/http/hardening/rate-limits";
import { registerSecurityHeaders } from "../../host/http/hardening/security-headers";
import { exchangeRaw, listenOnLoopback, parseRawResponse, send, testApp } from "./harness";

const TIMEOUT = 30_000;
const PER_ADDRESS = 8;

describe("the hardening pieces together", () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = testApp({ clientErrorHandler: clientErrorHandler });
    const allowed = defaultAllowedHosts("127.0.0.1", 0, []);
    registerSecurityHeaders(app, { tls: false });
    registerRateLimits(app, { perAddressPerMinute: PER_ADDRESS, perCredentialPerMinute: 100, credentialOf: () => undefined });
    app.addHook("onRequest", allowedHostsHook(allowed));
    app.addHook("onRequest", crossSiteHook(allowed));
    port = await listenOnLoopback(app);
  }, TIMEOUT);

  afterAll(async () => {
    await app.close();
  });

  it(
    "answers each refusal in the API's error format, with the security headers and no-store",
    async () => {
      const misdirected = await send(port, { path: "/v1/things", headers: { host: "evil.example" } });
      const crossSite = await send(port, { method: "POST", path: "/v1/things", headers: { origin: "http://evil.example", "content-type": "application/json" }, body: "{}" });
      const served = await send(port, { path: "/v1/things" });
      expect([misdirected.status, crossSite.status, served.status]).toEqual([421, 403, 200]);
      expect(misdirected.json).toMatchObject({ error: { code: "MISDIRECTED_REQUEST" } });
      expect(crossSite.json).toMatchObject({ error: { code: "CROSS_SITE_REQUEST" } });

      // Every request above counted against this address, refused ones too.
      const remaining = PER_ADDRESS - 3;
      for (let index = 0; index < remaining; index += 1) expect((await send(port, { path: "/v1/things" })).status).toBe(200);
      const limited = await send(port, { path: "/v1/things", headers: { host: "evil.example" } });
      expect(limited.status).toBe(429);
      expect(limited.json).toMatchObject({ error: { code: "RATE_LIMITED" } });

      for (const answer of [misdirected, crossSite, served, limited]) {
        expect(answer.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
        expect(answer.headers["cache-control"]).toBe("no-store");
      }
    },
    TIMEOUT,
  );

  it(
    "answers a request Node cannot parse in the same format",
    async () => {
      const response = parseRawResponse(await exchangeRaw(port, "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n"));
      expect(response.statusLine).toBe("HTTP/1.1 400 Bad Request");
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: "BAD_REQUEST" } });
    },
    TIMEOUT,
  );
});
