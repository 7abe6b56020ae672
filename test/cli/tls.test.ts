/**
 * `stamp serve` on the shop network: HTTPS with the shop's certificate, and clients (people's
 * CLI, stations) that check it.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTestCertificate } from "../support/tls-cert";
import { stamp, tempDir } from "./cli-harness";
import { addShops, GANGNAM_VERIFIER, initWorld } from "./cli-world";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("TLS", () => {
  it("serves HTTPS on every address with a certificate; clients trust it only with the CA; stations enrol and sign over it", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const certificate = makeTestCertificate(dir);
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, certificate.caPem);
    const stop = new AbortController();
    let announce: (url: string) => void = () => undefined;
    const announced = new Promise<string>((resolveUrl) => (announce = resolveUrl));
    const running = stamp(["--db", world.db, "serve", "--port", "0", "--host", "0.0.0.0", "--tls-cert", certificate.certPath, "--tls-key", certificate.keyPath], {
      stop: stop.signal,
      onOut: (text) => {
        const match = /listening on https:\/\/[^:]+:(\d+)/.exec(text);
        if (match) announce(`https://127.0.0.1:${match[1]}`);
      },
    });
    const url = await announced;
    try {
      const untrusted = await stamp(["--url", url, "--token-file", world.ownerTokenFile, "shops", "list"]);
      expect(untrusted.code).toBe(1);
      expect(untrusted.err).toMatch(/^error: the server's TLS certificate is not trusted: .*\(give the CA with --ca\)/);
      const trusted = await stamp(["--url", url, "--ca", ca, "--token-file", world.ownerTokenFile, "shops", "list", "--json"]);
      expect(JSON.parse(trusted.out).items).toHaveLength(2);
      const code = JSON.parse((await stamp(["--url", url, "--ca", ca, "--token-file", world.ownerTokenFile, "codes", "add", "--role", "counter-station", "--verifier", GANGNAM_VERIFIER, "--json"])).out) as { code: string };
      const key = join(dir, "station.key");
      const enrolled = await stamp(["--url", url, "--ca", ca, "station", "enrol", "--code", code.code, "--key", key, "--role", "counter-station"]);
      expect(enrolled.code, enrolled.err).toBe(0);
      expect(JSON.parse(readFileSync(key, "utf8")).url).toBe(url);
      const own = await stamp(["--url", url, "--ca", ca, "--station-key", key, "verifiers", "list", "--json"]);
      expect(JSON.parse(own.out).items.map((v: { id: string }) => v.id)).toEqual([GANGNAM_VERIFIER]);
      const plain = await fetch(url.replace("https:", "http:") + "/healthz").catch((error: unknown) => error);
      expect(plain).toBeInstanceOf(Error);
    } finally {
      stop.abort();
      expect((await running).code).toBe(0);
    }
  }, 30_000);

  it("refuses plain HTTP on a non-loopback address unless asked for in so many words", async () => {
    const world = await initWorld(dir);
    const refused = await stamp(["--db", world.db, "serve", "--port", "0", "--host", "0.0.0.0"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--tls-cert and --tls-key/);
    expect(refused.err).toMatch(/--insecure-http/);
    const halfTls = await stamp(["--db", world.db, "serve", "--port", "0", "--tls-cert", join(dir, "x.pem")]);
    expect(halfTls.code).toBe(1);
  }, 30_000);
});
