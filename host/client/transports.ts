/**
 * How ApiClient reaches the API: in process through Fastify's inject (the CLI on a local
 * database; no socket), or over HTTP(S) with node:http / node:https. Not global fetch: it
 * cannot be given a CA, and a station must trust exactly the host's CA.
 *
 * HTTPS always checks the server's certificate and name (rejectUnauthorized is never turned
 * off); `ca` adds the trust anchor of a private deployment. Every failure is a TransportError
 * that says what to do about it.
 */
import { FastifyInstance } from "fastify";
import { Agent as HttpAgent, IncomingHttpHeaders, OutgoingHttpHeaders, request as httpRequest, RequestOptions } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { isIP } from "node:net";

export type ApiMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApiTransport {
  request(method: ApiMethod, pathAndQuery: string, headers: Record<string, string>, body: Uint8Array | undefined): Promise<TransportResponse>;
  /** host[:port] as the server sees it: what @authority of a station signature covers. */
  authority: string;
  close(): Promise<void>;
}

export type TransportErrorKind = "bad-url" | "unreachable" | "untrusted-certificate" | "timeout" | "bad-response";

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Larger answers are refused rather than buffered without end. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** What inject's requests carry as Host, so @authority is the same on both sides. */
const INJECT_AUTHORITY = "localhost";

/** OpenSSL's verification failures and Node's host name check: the server is not who we trust. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_REVOKED",
  "INVALID_CA",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function flattenHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return flat;
}

/** Calls the app in process. The transport owns the app: close() closes it. */
export function injectTransport(app: FastifyInstance): ApiTransport {
  return {
    authority: INJECT_AUTHORITY,
    async request(method, pathAndQuery, headers, body) {
      const response = await app.inject({
        method: method,
        url: pathAndQuery,
        headers: { ...headers, host: INJECT_AUTHORITY },
        ...(body === undefined ? {} : { payload: Buffer.from(body) }),
      });
      return { status: response.statusCode, headers: flattenHeaders(response.headers), body: response.body };
    },
    close: () => app.close(),
  };
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TransportError("bad-url", `not a URL: ${baseUrl}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TransportError("bad-url", `the server URL must be http:// or https://, not ${baseUrl}`);
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new TransportError("bad-url", `the server URL must be an origin such as https://host:8443, not ${baseUrl}`);
  }
  return url;
}

function errorCode(error: Error): string | undefined {
  return "code" in error && typeof error.code === "string" ? error.code : undefined;
}

function toTransportError(error: Error, origin: string): TransportError {
  if (error instanceof TransportError) return error;
  const code = errorCode(error);
  if (code !== undefined && UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return new TransportError("untrusted-certificate", `the server's TLS certificate is not trusted: ${error.message} (give the CA with --ca)`);
  }
  return new TransportError("unreachable", `cannot reach ${origin}: ${code ?? error.message}`);
}

/**
 * Calls the API at baseUrl (an origin: http(s)://host[:port]). timeoutMs bounds the whole
 * exchange, from connecting to the last byte of the answer. Throws TransportError on a bad URL.
 */
export function httpTransport(baseUrl: string, options: { ca?: Buffer; timeoutMs?: number } = {}): ApiTransport {
  const url = parseBaseUrl(baseUrl);
  const secure = url.protocol === "https:";
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const connection: RequestOptions & { ca?: Buffer; rejectUnauthorized?: boolean; servername?: string } = {
    protocol: url.protocol,
    hostname: hostname,
    port: url.port === "" ? undefined : Number(url.port),
    agent: agent,
    ...(secure
      ? {
          rejectUnauthorized: true,
          ...(options.ca === undefined ? {} : { ca: options.ca }),
          // SNI carries host names only (RFC 6066); an IP address is checked against the certificate's IP SANs.
          ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
        }
      : {}),
  };
  const send = secure ? httpsRequest : httpRequest;
  return {
    authority: url.host,
    request(method, pathAndQuery, headers, body) {
      const requestHeaders = { ...headers, host: url.host, ...(body === undefined ? {} : { "content-length": String(body.length) }) };
      return exchange(() => send({ ...connection, method: method, path: pathAndQuery, headers: requestHeaders }), body, timeoutMs, url.origin);
    },
    close: async () => agent.destroy(),
  };
}

function exchange(start: () => ReturnType<typeof httpRequest>, body: Uint8Array | undefined, timeoutMs: number, origin: string): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const request = start();
    const timer = setTimeout(() => request.destroy(new TransportError("timeout", `no answer from ${origin} within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(toTransportError(error, origin));
    };
    request.on("error", fail);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) request.destroy(new TransportError("bad-response", `${origin} sent more than ${MAX_RESPONSE_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on("error", fail);
      response.on("end", () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, headers: flattenHeaders(response.headers), body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    request.end(body === undefined ? undefined : Buffer.from(body));
  });
}
