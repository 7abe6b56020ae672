/**
 * How `stamp serve` may listen. On a shop network plain HTTP carries taps, keys and ledger answers
 * readable and forgeable by anyone on the same Wi-Fi, so a listen address other than loopback needs
 * TLS, or an explicit --insecure-http saying that this was chosen. Pure apart from reading the
 * certificate and key files.
 */
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { err, ok, Result } from "../../../shared/result";
import { isLoopbackHost } from "./listen-address";

export interface ListenPlanOptions {
  /** The --host value. */
  host: string;
  /** Path of a PEM certificate (chain), --tls-cert. */
  tlsCert?: string;
  /** Path of its PEM private key, --tls-key. */
  tlsKey?: string;
  /** --insecure-http: plain HTTP on a non-loopback address was asked for explicitly. */
  insecureHttp: boolean;
}

export interface ListenPlan {
  /** Fastify's `https` server option; undefined for plain HTTP. */
  https: { cert: Buffer; key: Buffer } | undefined;
}

function readPem(path: string, what: string): Result<Buffer, string> {
  try {
    return ok(readFileSync(path));
  } catch (error) {
    return err(`cannot read the TLS ${what} file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Refuses a certificate and key that do not parse or do not belong together, naming both files. */
function checkPair(cert: Buffer, key: Buffer, certPath: string, keyPath: string): Result<void, string> {
  try {
    createSecureContext({ cert: cert, key: key });
    return ok(undefined);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return err(`the TLS certificate ${certPath} and key ${keyPath} cannot be used together: ${reason}`);
  }
}

function loadTls(certPath: string, keyPath: string): Result<ListenPlan, string> {
  const cert = readPem(certPath, "certificate");
  if (!cert.ok) return cert;
  const key = readPem(keyPath, "key");
  if (!key.ok) return key;
  const pair = checkPair(cert.value, key.value, certPath, keyPath);
  return pair.ok ? ok({ https: { cert: cert.value, key: key.value } }) : pair;
}

export function listenPlan(options: ListenPlanOptions): Result<ListenPlan, string> {
  const { host, tlsCert, tlsKey, insecureHttp } = options;
  if (tlsCert !== undefined && tlsKey === undefined) return err("--tls-cert needs --tls-key: give the private key of the certificate too");
  if (tlsKey !== undefined && tlsCert === undefined) return err("--tls-key needs --tls-cert: give the certificate of the private key too");
  if (tlsCert !== undefined && tlsKey !== undefined) return loadTls(tlsCert, tlsKey);
  if (isLoopbackHost(host) || insecureHttp) return ok({ https: undefined });
  return err(
    `--host ${host} is not a loopback address, so the API would be reachable from the network in plain HTTP, ` +
      "where anyone on it can read and alter requests: give --tls-cert and --tls-key, " +
      "or --insecure-http to serve plain HTTP anyway",
  );
}
