/**
 * A throw-away self-signed certificate for 127.0.0.1 and localhost, made by the openssl command
 * line (so no TLS library enters the project's dependencies). The certificate is its own CA:
 * trust `caPem` in the client.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCertificate {
  certPath: string;
  keyPath: string;
  /** The certificate itself, to pass as a client's `ca`. */
  caPem: string;
}

/** Writes cert.pem and key.pem (EC P-256, valid for two days) into `dir`. Takes a few tens of milliseconds. */
export function makeTestCertificate(dir: string): TestCertificate {
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      "req", "-x509", "-nodes",
      "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-keyout", keyPath, "-out", certPath,
      "-days", "2",
      "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    { stdio: ["ignore", "ignore", "pipe"], timeout: 20_000 },
  );
  return { certPath: certPath, keyPath: keyPath, caPem: readFileSync(certPath, "utf8") };
}
