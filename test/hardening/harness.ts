/**
 * Small Fastify 5 apps listening on 127.0.0.1 port 0, and clients that control every header
 * (node:http for requests, a bare socket for bytes that are not HTTP at all).
 */
import Fastify, { FastifyInstance, FastifyServerOptions } from "fastify";
import { request as httpRequest, IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { connect } from "node:net";

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** A bare app with a JSON route on /v1 (GET and POST), a 404 under /v1 and /healthz. */
export function testApp(options: FastifyServerOptions = {}): FastifyInstance {
  const app = Fastify({ logger: false, ...options });
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/v1/things", async () => ({ things: [] }));
  app.post("/v1/things", async () => ({ created: true }));
  return app;
}

/** Listens on an ephemeral loopback port; resolves once it accepts connections. */
export async function listenOnLoopback(app: FastifyInstance): Promise<number> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("the app is not listening on a TCP port");
  return address.port;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface RequestSpec {
  method?: string;
  path: string;
  /** Replaces the defaults, Host included. */
  headers?: OutgoingHttpHeaders;
  body?: string;
}

/** One request on its own connection (no keep-alive pool shared between tests). */
export function send(port: number, spec: RequestSpec): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: "127.0.0.1", port: port, method: spec.method ?? "GET", path: spec.path, headers: spec.headers ?? {}, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: text, json: parseJson(text) });
        });
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(spec.body);
  });
}

/** Writes raw bytes, then collects everything the server sends until it closes the connection. */
export function exchangeRaw(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: port });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
    // The server may close before reading everything sent (a header overflow); what it wrote still counts.
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? undefined : reject(error)));
    socket.on("connect", () => socket.write(bytes));
  });
}

export interface RawResponse {
  statusLine: string;
  headers: Map<string, string>;
  body: string;
}

export function parseRawResponse(raw: string): RawResponse {
  const [head, ...rest] = raw.split("\r\n\r\n");
  const [statusLine, ...headerLines] = head.split("\r\n");
  const headers = new Map(
    headerLines.map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
    }),
  );
  return { statusLine: statusLine, headers: headers, body: rest.join("\r\n\r\n") };
}
