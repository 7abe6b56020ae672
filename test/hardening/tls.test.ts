import Fastify from "fastify";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLoopbackHost, isWildcardHost } from "../../host/http/hardening/listen-address";
import { registerSecurityHeaders } from "../../host/http/hardening/security-headers";
import { listenPlan } from "../../host/http/hardening/tls";
import { makeTestCertificate, TestCertificate } from "../support/tls-cert";

const TIMEOUT = 30_000;

describe("isLoopbackHost and isWildcardHost", () => {
  it.each(["127.0.0.1", "127.1.2.3", "localhost", "LocalHost", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"])("%j is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(["0.0.0.0", "::", "[::]", "", "192.168.1.20", "10.0.0.1", "fd00::1", "::ffff:10.0.0.1", "shop-pc.local", "localhost.evil.example", "128.0.0.1"])(
    "%j is not loopback",
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );

  it("knows the wildcards", () => {
    expect(["0.0.0.0", "::", "[::]", "0:0::0", ""].map(isWildcardHost)).toEqual([true, true, true, true, true]);
    expect(["127.0.0.1", "192.168.1.20", "shop-pc.local"].map(isWildcardHost)).toEqual([false, false, false]);
  });
});

describe("listenPlan", () => {
  let dir: string;
  let certificate: TestCertificate;
  let otherCertificate: TestCertificate;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "stamp-tls-"));
    certificate = makeTestCertificate(dir);
    otherCertificate = makeTestCertificate(mkdtempSync(join(dir, "other-")));
  }, TIMEOUT);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(["127.0.0.1", "localhost", "::1", "[::1]"])("serves plain HTTP on loopback %j", (host) => {
    expect(listenPlan({ host: host, insecureHttp: false })).toEqual({ ok: true, value: { https: undefined } });
  });

  it.each(["0.0.0.0", "::", "192.168.1.20", "shop-pc.local"])("refuses plain HTTP on %j, naming the options that fix it", (host) => {
    const plan = listenPlan({ host: host, insecureHttp: false });
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.error).toContain(`--host ${host} is not a loopback address`);
    expect(plan.error).toContain("--tls-cert and --tls-key");
    expect(plan.error).toContain("--insecure-http");
  });

  it("serves plain HTTP on the network when --insecure-http says so", () => {
    expect(listenPlan({ host: "0.0.0.0", insecureHttp: true })).toEqual({ ok: true, value: { https: undefined } });
  });

  it("refuses a certificate without its key and a key without its certificate", () => {
    expect(listenPlan({ host: "0.0.0.0", tlsCert: certificate.certPath, insecureHttp: false })).toEqual({
      ok: false,
      error: "--tls-cert needs --tls-key: give the private key of the certificate too",
    });
    expect(listenPlan({ host: "127.0.0.1", tlsKey: certificate.keyPath, insecureHttp: true })).toEqual({
      ok: false,
      error: "--tls-key needs --tls-cert: give the certificate of the private key too",
    });
  });

  it("names a file it cannot read", () => {
    const missing = join(dir, "missing.pem");
    const asCert = listenPlan({ host: "0.0.0.0", tlsCert: missing, tlsKey: certificate.keyPath, insecureHttp: false });
    expect(asCert.ok ? "" : asCert.error).toMatch(new RegExp(`^cannot read the TLS certificate file ${missing}: ENOENT`));
    const asKey = listenPlan({ host: "0.0.0.0", tlsCert: certificate.certPath, tlsKey: dir, insecureHttp: false });
    expect(asKey.ok ? "" : asKey.error).toMatch(new RegExp(`^cannot read the TLS key file ${dir}: EISDIR`));
  });

  it("refuses a key that does not belong to the certificate, and a file that is not PEM", () => {
    const mismatched = listenPlan({ host: "0.0.0.0", tlsCert: certificate.certPath, tlsKey: otherCertificate.keyPath, insecureHttp: false });
    expect(mismatched.ok ? "" : mismatched.error).toMatch(/^the TLS certificate .*cert\.pem and key .*key\.pem cannot be used together: /);
    const garbage = join(dir, "garbage.pem");
    writeFileSync(garbage, "not a certificate\n");
    const notPem = listenPlan({ host: "0.0.0.0", tlsCert: garbage, tlsKey: certificate.keyPath, insecureHttp: false });
    expect(notPem.ok ? "" : notPem.error).toContain(`the TLS certificate ${garbage} and key`);
  });

  it(
    "turns a certificate for a 0.0.0.0 plan into an HTTPS server (listening here on 127.0.0.1) that a client trusting the test CA accepts",
    async () => {
      const plan = listenPlan({ host: "0.0.0.0", tlsCert: certificate.certPath, tlsKey: certificate.keyPath, insecureHttp: false });
      if (!plan.ok || plan.value.https === undefined) throw new Error(`no TLS plan: ${plan.ok ? "plain HTTP" : plan.error}`);
      const app = Fastify({ https: plan.value.https });
      registerSecurityHeaders(app, { tls: true });
      app.get("/v1/things", async () => ({ things: [] }));
      try {
        await app.listen({ host: "127.0.0.1", port: 0 });
        const port = (app.server.address() as AddressInfo).port;
        for (const host of ["127.0.0.1", "localhost"]) {
          const answer = await new Promise<{ status: number; hsts: unknown; body: string }>((resolve, reject) => {
            httpsGet({ host: "127.0.0.1", servername: host === "localhost" ? host : undefined, port: port, path: "/v1/things", ca: certificate.caPem, agent: false, headers: { host: `${host}:${port}` } }, (response) => {
              let body = "";
              response.setEncoding("utf8");
              response.on("data", (chunk: string) => (body += chunk));
              response.on("end", () => resolve({ status: response.statusCode ?? 0, hsts: response.headers["strict-transport-security"], body: body }));
            }).on("error", reject);
          });
          expect(answer).toEqual({ status: 200, hsts: "max-age=31536000", body: '{"things":[]}' });
        }
      } finally {
        await app.close();
      }
    },
    TIMEOUT,
  );
});
