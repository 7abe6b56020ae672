import { ConnectionError } from "fastify";
import { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { clientErrorAnswer, clientErrorHandler, rawErrorResponse } from "../../host/http/hardening/client-errors";
import { exchangeRaw, listenOnLoopback, parseRawResponse, testApp } from "./harness";

const TIMEOUT = 30_000;

function connectionError(code: string): ConnectionError {
  return Object.assign(new Error(code), { code: code, bytesParsed: 0, rawPacket: { type: "Buffer", data: [] } });
}

describe("clientErrorAnswer", () => {
  it("says 431 HEADERS_TOO_LARGE for a header overflow and 400 BAD_REQUEST for anything else", () => {
    expect(clientErrorAnswer("HPE_HEADER_OVERFLOW")).toMatchObject({ status: 431, code: "HEADERS_TOO_LARGE" });
    for (const code of ["HPE_INVALID_METHOD", "HPE_INVALID_CONSTANT", "HPE_INVALID_CHUNK_SIZE", "HPE_UNEXPECTED_CONTENT_LENGTH"]) {
      expect(clientErrorAnswer(code)).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    }
  });

  it("writes a complete response whose Content-Length counts the body's bytes", () => {
    const response = parseRawResponse(rawErrorResponse({ status: 400, code: "BAD_REQUEST", message: "é" }));
    expect(response.statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(Number(response.headers.get("content-length"))).toBe(Buffer.byteLength(response.body));
    expect(JSON.parse(response.body)).toEqual({ error: { code: "BAD_REQUEST", message: "é" } });
  });
});

describe("clientErrorHandler on a destroyed socket", () => {
  it("writes nothing and does not throw for ECONNRESET or a socket that can no longer be written", () => {
    for (const code of ["ECONNRESET", "HPE_INVALID_METHOD"]) {
      const socket = new Socket();
      const written: unknown[] = [];
      socket.destroy();
      socket.write = (chunk: unknown) => written.push(chunk) > 0;
      socket.end = () => {
        written.push("end");
        return socket;
      };
      expect(() => clientErrorHandler(connectionError(code), socket)).not.toThrow();
      expect(written).toEqual([]);
    }
  });
});

describe("clientErrorHandler on a listening server", () => {
  const apps: Array<{ close: () => Promise<unknown> }> = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function start(): Promise<number> {
    const app = testApp({ clientErrorHandler: clientErrorHandler });
    apps.push(app);
    return listenOnLoopback(app);
  }

  it(
    "answers a malformed request line with 400 BAD_REQUEST in the API's JSON format and closes",
    async () => {
      const port = await start();
      const response = parseRawResponse(await exchangeRaw(port, "THIS IS NOT HTTP\r\n\r\n"));
      expect(response.statusLine).toBe("HTTP/1.1 400 Bad Request");
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(response.headers.get("connection")).toBe("close");
      expect(JSON.parse(response.body)).toEqual({ error: { code: "BAD_REQUEST", message: "the request is not well-formed HTTP/1.1" } });
    },
    TIMEOUT,
  );

  it(
    "answers a 100 KB header with 431 HEADERS_TOO_LARGE in the API's JSON format and closes",
    async () => {
      const port = await start();
      const request = `GET /v1/things HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${"a".repeat(100_000)}\r\n\r\n`;
      const response = parseRawResponse(await exchangeRaw(port, request));
      expect(response.statusLine).toBe("HTTP/1.1 431 Request Header Fields Too Large");
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(response.headers.get("connection")).toBe("close");
      expect(JSON.parse(response.body)).toEqual({ error: { code: "HEADERS_TOO_LARGE", message: "the request's headers are too large" } });
    },
    TIMEOUT,
  );

  it(
    "leaves well-formed requests alone",
    async () => {
      const port = await start();
      const response = parseRawResponse(await exchangeRaw(port, "GET /v1/things HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
      expect(response.statusLine).toBe("HTTP/1.1 200 OK");
      expect(JSON.parse(response.body)).toEqual({ things: [] });
    },
    TIMEOUT,
  );
});
