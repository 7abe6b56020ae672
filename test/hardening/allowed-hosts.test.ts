import { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { allowedHostsHook, defaultAllowedHosts, isHostHeaderAllowed, parseHostPattern, parseHostPatterns } from "../../host/http/hardening/allowed-hosts";
import { exchangeRaw, listenOnLoopback, parseRawResponse, send, testApp } from "./harness";

const TIMEOUT = 30_000;

describe("parseHostPattern", () => {
  it.each([
    ["localhost", { name: "localhost", port: undefined }],
    ["LocalHost:8080", { name: "localhost", port: 8080 }],
    ["192.168.1.20:443", { name: "192.168.1.20", port: 443 }],
    ["[::1]", { name: "[::1]", port: undefined }],
    ["[::1]:8080", { name: "[::1]", port: 8080 }],
    ["::1", { name: "[::1]", port: undefined }],
    ["FE80::1", { name: "[fe80::1]", port: undefined }],
    ["shop-pc.local", { name: "shop-pc.local", port: undefined }],
  ])("%j", (entry, pattern) => {
    expect(parseHostPattern(entry)).toEqual({ ok: true, value: pattern });
  });

  it.each(["", "evil.example:0", "evil.example:65536", "evil.example:http", "user@evil.example", "evil.example/x", "[evil.example]", "a b"])("refuses %j", (entry) => {
    expect(parseHostPattern(entry).ok).toBe(false);
  });

  it("makes a bad list fail at start-up, naming the entry", () => {
    expect(() => parseHostPatterns(["localhost", "http://shop"])).toThrow(/"http:\/\/shop"/);
    expect(() => allowedHostsHook(["shop:99999"])).toThrow(/"shop:99999"/);
  });
});

describe("isHostHeaderAllowed", () => {
  const patterns = parseHostPatterns(["localhost", "127.0.0.1:8080", "[::1]:8080", "shop-pc.local:443"]);

  it.each([
    ["localhost", 80, true],
    ["localhost:1234", 80, true],
    ["LOCALHOST:1234", 80, true],
    ["127.0.0.1:8080", 80, true],
    ["127.0.0.1:8081", 80, false],
    ["127.0.0.1", 80, false],
    ["[::1]:8080", 80, true],
    ["[::1]:9", 80, false],
    ["shop-pc.local", 443, true],
    ["shop-pc.local", 80, false],
    ["evil.example", 80, false],
    ["localhost.evil.example", 80, false],
    ["evil.example:8080", 80, false],
    ["127.0.0.1.nip.io:8080", 80, false],
    ["localhost:8080@evil.example", 80, false],
    ["", 80, false],
  ] as const)("Host %j (default port %d): %s", (host, defaultPort, expected) => {
    expect(isHostHeaderAllowed(patterns, host, defaultPort)).toBe(expected);
  });

  it("refuses a request without a Host header", () => {
    expect(isHostHeaderAllowed(patterns, undefined, 80)).toBe(false);
  });
});

describe("defaultAllowedHosts", () => {
  it("lists the loopback names pinned to the port, and the extras", () => {
    expect(defaultAllowedHosts("127.0.0.1", 8080, ["shop-pc.local"])).toEqual(["localhost:8080", "127.0.0.1:8080", "[::1]:8080", "shop-pc.local"]);
  });

  it("adds a specific listen address, IPv6 in brackets, once", () => {
    expect(defaultAllowedHosts("192.168.1.20", 8443, [])).toEqual(["localhost:8443", "127.0.0.1:8443", "[::1]:8443", "192.168.1.20:8443"]);
    expect(defaultAllowedHosts("FD00::20", 8443, [])).toContain("[fd00::20]:8443");
    expect(defaultAllowedHosts("::1", 8443, [])).toEqual(["localhost:8443", "127.0.0.1:8443", "[::1]:8443"]);
    expect(defaultAllowedHosts("shop-pc.local", 8443, [])).toContain("shop-pc.local:8443");
  });

  it("does not add a wildcard listen address: the network names must be given as extras", () => {
    for (const wildcard of ["0.0.0.0", "::", "[::]", ""]) {
      expect(defaultAllowedHosts(wildcard, 8080, [])).toEqual(["localhost:8080", "127.0.0.1:8080", "[::1]:8080"]);
    }
    expect(defaultAllowedHosts("0.0.0.0", 8080, ["192.168.1.20:8080"])).toContain("192.168.1.20:8080");
  });

  it("leaves the port open when listening on port 0 (any free port)", () => {
    expect(defaultAllowedHosts("127.0.0.1", 0, [])).toEqual(["localhost", "127.0.0.1", "[::1]"]);
  });

  it("produces entries that allowedHostsHook accepts", () => {
    expect(() => allowedHostsHook(defaultAllowedHosts("fd00::20", 8080, ["shop-pc.local"]))).not.toThrow();
  });
});

describe("allowedHostsHook on a listening server", () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function start(allowed: string[]): Promise<number> {
    const app = testApp();
    app.addHook("onRequest", allowedHostsHook(allowed));
    apps.push(app);
    return listenOnLoopback(app);
  }

  it(
    "refuses a DNS-rebinding request (Host: the attacker's name) with 421 MISDIRECTED_REQUEST",
    async () => {
      const port = await start(defaultAllowedHosts("127.0.0.1", 0, []));
      const answer = await send(port, { path: "/v1/things", headers: { host: `rebind.evil.example:${port}` } });
      expect(answer.status).toBe(421);
      expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(answer.json).toEqual({
        error: {
          code: "MISDIRECTED_REQUEST",
          message: `the Host header "rebind.evil.example:${port}" is not a name of this server: this server answers only to the host names it was configured with`,
        },
      });
    },
    TIMEOUT,
  );

  it(
    "refuses POSTs too, before the body is read",
    async () => {
      const port = await start(["localhost"]);
      const answer = await send(port, { method: "POST", path: "/v1/things", headers: { host: "evil.example", "content-type": "application/json" }, body: "{}" });
      expect(answer.status).toBe(421);
    },
    TIMEOUT,
  );

  it(
    "serves the loopback names in any letter case",
    async () => {
      const port = await start(defaultAllowedHosts("127.0.0.1", 0, []));
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`]) {
        const answer = await send(port, { path: "/v1/things", headers: { host: host } });
        expect({ host: host, status: answer.status }).toEqual({ host: host, status: 200 });
      }
    },
    TIMEOUT,
  );

  it(
    "honours a port in an entry",
    async () => {
      const port = await start(["127.0.0.1", "shop-pc.local:8443"]);
      expect((await send(port, { path: "/v1/things", headers: { host: "shop-pc.local:8443" } })).status).toBe(200);
      expect((await send(port, { path: "/v1/things", headers: { host: "shop-pc.local:8080" } })).status).toBe(421);
      expect((await send(port, { path: "/v1/things", headers: { host: "shop-pc.local" } })).status).toBe(421);
    },
    TIMEOUT,
  );

  it(
    "refuses an HTTP/1.0 request without a Host header",
    async () => {
      const port = await start(["127.0.0.1"]);
      const response = parseRawResponse(await exchangeRaw(port, "GET /v1/things HTTP/1.0\r\n\r\n"));
      expect(response.statusLine).toBe("HTTP/1.1 421 Misdirected Request");
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: "MISDIRECTED_REQUEST", message: expect.stringMatching(/^the request has no Host header/) } });
    },
    TIMEOUT,
  );

  it(
    "also guards the not-found handler",
    async () => {
      const port = await start(["127.0.0.1"]);
      expect((await send(port, { path: "/v1/nothing-here", headers: { host: "evil.example" } })).status).toBe(421);
    },
    TIMEOUT,
  );
});
