import { execFile } from "node:child_process";
import { createPublicKey, generateKeyPairSync, KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { AddressInfo, createServer, Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, ApiCredential } from "../../host/client/api-client";
import { ApiTransport, httpTransport, injectTransport, TransportError } from "../../host/client/transports";
import { buildSignedApp, WINDOW_SECONDS } from "./signed-api-app";

const KEY_ID = "a1b2c3d4e5f60718";
const TOKEN = "operator-token-1";
const NET_TIMEOUT = 30_000;

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

const stationKey = generateKeyPairSync("ed25519").privateKey;
const station: ApiCredential = { kind: "station", keyId: KEY_ID, privateKey: stationKey };
const stations = new Map([[KEY_ID, rawPublicKey(stationKey)]]);

function newApp(https?: { key: Buffer; cert: Buffer }): FastifyInstance {
  return buildSignedApp({ stations: stations, tokens: new Set([TOKEN]), clock: Date.now, ...(https === undefined ? {} : { https: https }) });
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  return (app.server.address() as AddressInfo).port;
}

/** A transport that remembers what it sent, so a test can send it again. */
function recording(inner: ApiTransport): ApiTransport & { sent: Array<{ headers: Record<string, string>; body: Uint8Array | undefined }> } {
  const sent: Array<{ headers: Record<string, string>; body: Uint8Array | undefined }> = [];
  return {
    authority: inner.authority,
    sent: sent,
    request(method, pathAndQuery, headers, body) {
      sent.push({ headers: headers, body: body });
      return inner.request(method, pathAndQuery, headers, body);
    },
    close: () => inner.close(),
  };
}

async function expectTransportError(promise: Promise<unknown>, kind: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TransportError);
  expect((error as TransportError).kind).toBe(kind);
  expect((error as TransportError).message).toMatch(message);
}

/** The same conversation over any transport: every method, with and without a body. */
async function expectStationConversation(transport: ApiTransport): Promise<void> {
  const client = new ApiClient(transport, station);
  const who = await client.request("GET", "/v1/whoami?verifier=counter-1&x=%20y");
  expect(who).toMatchObject({ status: 200, body: { who: `station:${KEY_ID}`, method: "GET", url: "/v1/whoami?verifier=counter-1&x=%20y", body: null } });
  expect(who.headers["content-type"]).toMatch(/^application\/json/);
  const posted = await client.request("POST", "/v1/echo", { stampId: "é-ü", counter: 7 });
  expect(posted).toMatchObject({ status: 200, body: { who: `station:${KEY_ID}`, method: "POST", body: { stampId: "é-ü", counter: 7 } } });
  expect((await client.request("PATCH", "/v1/echo?x=1", { label: "tray-7" })).body).toMatchObject({ method: "PATCH", body: { label: "tray-7" } });
  expect((await client.request("DELETE", "/v1/echo")).body).toMatchObject({ method: "DELETE", body: null });
}

describe("ApiClient over inject", () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
  });

  it("signs every request as a station; the app verifies it with host/auth", async () => {
    app = newApp();
    const transport = injectTransport(app);
    expect(transport.authority).toBe("localhost");
    await expectStationConversation(transport);
  });

  it("sends a bearer token, or nothing", async () => {
    app = newApp();
    expect(await new ApiClient(injectTransport(app), { kind: "token", token: TOKEN }).request("GET", "/v1/whoami")).toMatchObject({ status: 200, body: { who: "token" } });
    expect(await new ApiClient(injectTransport(app), { kind: "token", token: "wrong" }).request("GET", "/v1/whoami")).toMatchObject({ status: 401, body: { error: "bad-token" } });
    expect(await new ApiClient(injectTransport(app), { kind: "none" }).request("GET", "/v1/whoami")).toMatchObject({ status: 401, body: { error: "missing-signature-headers" } });
  });

  it("is refused with another key, an unknown key id, or a clock outside the window", async () => {
    app = newApp();
    const otherKey = generateKeyPairSync("ed25519").privateKey;
    const refusals: Array<[ApiClient, string]> = [
      [new ApiClient(injectTransport(app), { ...station, privateKey: otherKey }), "bad-signature"],
      [new ApiClient(injectTransport(app), { ...station, keyId: "ffffffffffffffff" }), "unknown-key"],
      [new ApiClient(injectTransport(app), station, () => Date.now() - (WINDOW_SECONDS + 60) * 1000), "expired"],
      [new ApiClient(injectTransport(app), station, () => Date.now() + (WINDOW_SECONDS + 60) * 1000), "future"],
    ];
    for (const [client, reason] of refusals) expect(await client.request("POST", "/v1/echo", { a: 1 })).toMatchObject({ status: 401, body: { error: reason } });
  });

  it("a replayed request, or its headers on another body, target or method, is refused", async () => {
    app = newApp();
    const transport = recording(injectTransport(app));
    expect((await new ApiClient(transport, station).request("POST", "/v1/echo", { counter: 7 })).status).toBe(200);
    const [{ headers, body }] = transport.sent;
    const otherBody = new TextEncoder().encode('{"counter":8}');
    expect((await transport.request("POST", "/v1/echo", headers, body)).body).toBe('{"error":"replayed-nonce"}');
    expect((await transport.request("POST", "/v1/echo", headers, otherBody)).body).toBe('{"error":"bad-content-digest"}');
    expect((await transport.request("POST", "/v1/echo?x=1", headers, body)).body).toBe('{"error":"bad-signature"}');
    expect((await transport.request("PATCH", "/v1/echo", headers, body)).body).toBe('{"error":"bad-signature"}');
  });
});

describe("ApiClient over HTTP", () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
  });

  it(
    "signs every request; the authority is host:port",
    async () => {
      app = newApp();
      const port = await listen(app);
      const transport = httpTransport(`http://127.0.0.1:${port}`, { timeoutMs: 10_000 });
      expect(transport.authority).toBe(`127.0.0.1:${port}`);
      await expectStationConversation(transport);
      await transport.close();
    },
    NET_TIMEOUT,
  );

  it(
    "says it cannot reach a closed port",
    async () => {
      app = newApp();
      const port = await listen(app);
      await app.close();
      const transport = httpTransport(`http://127.0.0.1:${port}`);
      await expectTransportError(new ApiClient(transport, station).request("GET", "/v1/whoami"), "unreachable", new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${port}: ECONNREFUSED$`));
      await transport.close();
    },
    NET_TIMEOUT,
  );

  it(
    "gives up after timeoutMs on a server that never answers",
    async () => {
      app = newApp();
      const silent: Server = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      const port = (silent.address() as AddressInfo).port;
      const transport = httpTransport(`http://127.0.0.1:${port}`, { timeoutMs: 300 });
      try {
        await expectTransportError(new ApiClient(transport, station).request("GET", "/v1/whoami"), "timeout", /^no answer from http:\/\/127\.0\.0\.1:\d+ within 300 ms$/);
      } finally {
        await transport.close();
        silent.close();
      }
    },
    NET_TIMEOUT,
  );

});

describe("httpTransport's base URL", () => {
  it("must be an http(s) origin; authority is its lower-case host[:port] without the default port", () => {
    for (const url of ["not a url", "ftp://host", "https://host/api", "https://host/?x=1", "https://user:pw@host"]) {
      expect(() => httpTransport(url)).toThrow(TransportError);
    }
    expect(httpTransport("https://Stamp.Example:443/").authority).toBe("stamp.example");
    expect(httpTransport("http://[::1]:8080").authority).toBe("[::1]:8080");
  });
});

describe("ApiClient over HTTPS with a self-signed certificate", () => {
  let dir: string;
  let tls: { key: Buffer; cert: Buffer };
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "api-client-tls-"));
    await promisify(execFile)(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=stamp test host"]
        .concat(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")]),
      { timeout: 20_000 },
    );
    tls = { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
    app = newApp(tls);
    port = await listen(app);
  }, NET_TIMEOUT);

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "works when the CA is given, by IP address and by host name",
    async () => {
      for (const baseUrl of [`https://127.0.0.1:${port}`, `https://localhost:${port}`]) {
        const transport = httpTransport(baseUrl, { ca: tls.cert, timeoutMs: 10_000 });
        await expectStationConversation(transport);
        await transport.close();
      }
    },
    NET_TIMEOUT,
  );

  it(
    "refuses the untrusted certificate without the CA, and says to give it",
    async () => {
      const transport = httpTransport(`https://127.0.0.1:${port}`, { timeoutMs: 10_000 });
      await expectTransportError(
        new ApiClient(transport, station).request("GET", "/v1/whoami"),
        "untrusted-certificate",
        /^the server's TLS certificate is not trusted: .*self-signed.* \(give the CA with --ca\)$/,
      );
      await transport.close();
    },
    NET_TIMEOUT,
  );
});
