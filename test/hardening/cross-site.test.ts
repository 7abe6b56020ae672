import { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { parseHostPatterns } from "../../host/http/hardening/allowed-hosts";
import { crossSiteHook, crossSiteReason } from "../../host/http/hardening/cross-site";
import { listenOnLoopback, send, testApp } from "./harness";

const TIMEOUT = 30_000;

describe("crossSiteReason", () => {
  const patterns = parseHostPatterns(["localhost:8080", "127.0.0.1:8080", "shop-pc.local"]);

  it.each(["POST", "PUT", "PATCH", "DELETE"])("refuses %s marked cross-site or same-site", (method) => {
    expect(crossSiteReason(patterns, method, "cross-site", undefined)).toBe("the browser marked it Sec-Fetch-Site: cross-site");
    expect(crossSiteReason(patterns, method, "same-site", "http://localhost:8080")).toBe("the browser marked it Sec-Fetch-Site: same-site");
    expect(crossSiteReason(patterns, method, "Cross-Site", undefined)).toBeDefined();
  });

  it("lets a same-origin or user-initiated (none) request through", () => {
    expect(crossSiteReason(patterns, "POST", "same-origin", "http://localhost:8080")).toBeUndefined();
    expect(crossSiteReason(patterns, "POST", "none", undefined)).toBeUndefined();
  });

  it("lets reads through whatever they carry", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      expect(crossSiteReason(patterns, method, "cross-site", "http://evil.example")).toBeUndefined();
    }
  });

  it("lets non-browser clients (no Sec-Fetch-Site, no Origin) through", () => {
    expect(crossSiteReason(patterns, "POST", undefined, undefined)).toBeUndefined();
  });

  it.each([
    ["http://evil.example", 'its Origin "http://evil.example" is not this server'],
    ["http://localhost:3000", 'its Origin "http://localhost:3000" is not this server'],
    ["http://localhost", 'its Origin "http://localhost" is not this server'],
    ["http://127.0.0.1.evil.example:8080", 'its Origin "http://127.0.0.1.evil.example:8080" is not this server'],
    ["null", 'its Origin is "null" (a sandboxed frame, a local file or a cross-site redirect)'],
    ["not a url", 'its Origin "not a url" is not a valid origin'],
    ["chrome-extension://abcdef", 'its Origin "chrome-extension://abcdef" is not an http or https page'],
  ])("refuses Origin %j", (origin, reason) => {
    expect(crossSiteReason(patterns, "POST", undefined, origin)).toBe(reason);
  });

  it.each(["http://localhost:8080", "http://LOCALHOST:8080", "http://127.0.0.1:8080", "https://shop-pc.local", "http://shop-pc.local:9999"])(
    "accepts our own Origin %j",
    (origin) => {
      expect(crossSiteReason(patterns, "POST", undefined, origin)).toBeUndefined();
    },
  );

  it("refuses a foreign Origin even when Sec-Fetch-Site claims same-origin", () => {
    expect(crossSiteReason(patterns, "POST", "same-origin", "http://evil.example")).toBeDefined();
  });
});

describe("crossSiteHook on a listening server", () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function start(): Promise<number> {
    const app = testApp();
    app.addHook("onRequest", crossSiteHook(["localhost", "127.0.0.1"]));
    apps.push(app);
    return listenOnLoopback(app);
  }

  it(
    "refuses a cross-site no-cors form POST with 403 CROSS_SITE_REQUEST before parsing its body",
    async () => {
      const port = await start();
      const answer = await send(port, {
        method: "POST",
        path: "/v1/things",
        headers: {
          origin: "http://evil.example",
          "sec-fetch-site": "cross-site",
          "sec-fetch-mode": "no-cors",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "stamp=1",
      });
      // Without the hook the urlencoded body would have been answered 415 by the parser.
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual({
        error: {
          code: "CROSS_SITE_REQUEST",
          message:
            "POST refused: the browser marked it Sec-Fetch-Site: cross-site; state-changing requests are accepted only from this server's own pages or from non-browser clients",
        },
      });
    },
    TIMEOUT,
  );

  it(
    "refuses a forged Origin without Sec-Fetch-Site (an older browser)",
    async () => {
      const port = await start();
      const answer = await send(port, { method: "POST", path: "/v1/things", headers: { origin: "http://evil.example", "content-type": "application/json" }, body: "{}" });
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ error: { code: "CROSS_SITE_REQUEST", message: expect.stringContaining('its Origin "http://evil.example" is not this server') } });
    },
    TIMEOUT,
  );

  it(
    "serves our own pages, non-browser clients and cross-site reads",
    async () => {
      const port = await start();
      const json = { "content-type": "application/json" };
      const ownPage = await send(port, { method: "POST", path: "/v1/things", headers: { ...json, origin: `http://127.0.0.1:${port}`, "sec-fetch-site": "same-origin" }, body: "{}" });
      const cli = await send(port, { method: "POST", path: "/v1/things", headers: json, body: "{}" });
      const read = await send(port, { path: "/v1/things", headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site" } });
      expect([ownPage.status, cli.status, read.status]).toEqual([200, 200, 200]);
    },
    TIMEOUT,
  );
});
