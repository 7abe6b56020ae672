import { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { allowedHostsHook } from "../../host/http/hardening/allowed-hosts";
import { isAssetPath, registerSecurityHeaders } from "../../host/http/hardening/security-headers";
import { Answer, listenOnLoopback, send, testApp } from "./harness";

const TIMEOUT = 30_000;

function csp(answer: Answer): Map<string, string> {
  const header = String(answer.headers["content-security-policy"] ?? "");
  return new Map(
    header
      .split(";")
      .map((directive) => directive.trim())
      .filter((directive) => directive !== "")
      .map((directive) => {
        const [name, ...values] = directive.split(/\s+/);
        return [name, values.join(" ")] as const;
      }),
  );
}

describe("isAssetPath", () => {
  it.each([
    ["/assets/stamp.css", true],
    ["/assets/stamp.js?x", true],
    ["/assets", false],
    ["/v1/assets/x", false],
    ["/card", false],
    ["/", false],
  ] as const)("%s: %s", (url, expected) => {
    expect(isAssetPath(url)).toBe(expected);
  });
});

describe("registerSecurityHeaders", () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  /** Registered the way buildServer will: synchronously, with routes declared before and after. */
  async function start(tls: boolean): Promise<number> {
    const app = testApp();
    registerSecurityHeaders(app, { tls: tls });
    app.addHook("onRequest", allowedHostsHook(["127.0.0.1", "localhost"]));
    app.get("/v1/late", async () => ({ late: true }));
    app.get("/assets/late.css", async (_request, reply) => reply.type("text/css").send("p {}"));
    apps.push(app);
    return listenOnLoopback(app);
  }

  it(
    "sends helmet's headers with a strict CSP for pages: self only, no inline script, no framing",
    async () => {
      const port = await start(false);
      const answer = await send(port, { path: "/v1/things" });
      expect(answer.status).toBe(200);
      const policy = csp(answer);
      expect(policy.get("default-src")).toBe("'self'");
      expect(policy.get("script-src")).toBe("'self'");
      expect(policy.get("frame-ancestors")).toBe("'none'");
      expect(policy.get("object-src")).toBe("'none'");
      expect(String(answer.headers["content-security-policy"])).not.toContain("unsafe-inline");
      expect(policy.has("upgrade-insecure-requests")).toBe(false);
      expect(answer.headers["x-frame-options"]).toBe("DENY");
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(answer.headers["referrer-policy"]).toBe("no-referrer");
      expect(answer.headers["cross-origin-resource-policy"]).toBe("same-origin");
      expect(answer.headers["cross-origin-opener-policy"]).toBe("same-origin");
      expect(answer.headers["x-powered-by"]).toBeUndefined();
    },
    TIMEOUT,
  );

  it(
    "sends no HSTS over plain HTTP, and HSTS with upgrade-insecure-requests when tls is true",
    async () => {
      const plain = await send(await start(false), { path: "/v1/things" });
      expect(plain.headers["strict-transport-security"]).toBeUndefined();
      const tls = await send(await start(true), { path: "/v1/things" });
      expect(tls.headers["strict-transport-security"]).toBe("max-age=31536000");
      expect(csp(tls).has("upgrade-insecure-requests")).toBe(true);
    },
    TIMEOUT,
  );

  it(
    "marks every answer no-store, errors and not-found included, but the pages' static files, which may be kept five minutes",
    async () => {
      const port = await start(false);
      expect((await send(port, { path: "/v1/things" })).headers["cache-control"]).toBe("no-store");
      expect((await send(port, { path: "/v1/late" })).headers["cache-control"]).toBe("no-store");
      const missing = await send(port, { path: "/v1/missing" });
      expect([missing.status, missing.headers["cache-control"]]).toEqual([404, "no-store"]);
      expect((await send(port, { path: "/healthz" })).headers["cache-control"]).toBe("no-store");
      expect((await send(port, { path: "/assets/late.css" })).headers["cache-control"]).toBe("public, max-age=300");
      const missingAsset = await send(port, { path: "/assets/missing.css" });
      expect([missingAsset.status, missingAsset.headers["cache-control"]]).toEqual([404, "no-store"]);
    },
    TIMEOUT,
  );

  it(
    "reaches answers sent by a later onRequest hook (a 421 from allowedHostsHook)",
    async () => {
      const port = await start(false);
      const refused = await send(port, { path: "/v1/things", headers: { host: "evil.example" } });
      expect(refused.status).toBe(421);
      expect(csp(refused).get("default-src")).toBe("'self'");
      expect(refused.headers["x-content-type-options"]).toBe("nosniff");
      expect(refused.headers["cache-control"]).toBe("no-store");
    },
    TIMEOUT,
  );
});
