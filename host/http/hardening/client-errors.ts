/**
 * Answers for requests that Node's HTTP parser refuses before Fastify sees them (a malformed request
 * line, headers over the 16 KiB limit, a bad chunk size...): without this handler they are answered
 * in Fastify's own format, not the API's `{ error: { code, message } }`. Pass it as the Fastify
 * server option `clientErrorHandler`. No request object exists yet, so the answer is written to the
 * socket by hand, and the connection is closed: after a parse error the rest of the bytes on it
 * cannot be trusted to start a new request.
 */
import { ConnectionError } from "fastify";
import { STATUS_CODES } from "node:http";
import { Socket } from "node:net";
import { errorBody } from "../errors";
import { HardeningErrorCode } from "./error-body";

export interface ClientErrorAnswer {
  status: number;
  code: HardeningErrorCode;
  message: string;
}

/** HPE_HEADER_OVERFLOW is llhttp's code for a header section over the server's maxHeaderSize. */
export function clientErrorAnswer(errorCode: string): ClientErrorAnswer {
  if (errorCode === "HPE_HEADER_OVERFLOW") {
    return { status: 431, code: "HEADERS_TOO_LARGE", message: "the request's headers are too large" };
  }
  return { status: 400, code: "BAD_REQUEST", message: "the request is not well-formed HTTP/1.1" };
}

/** The whole HTTP/1.1 response, status line to body, for writing straight to the socket. */
export function rawErrorResponse(answer: ClientErrorAnswer): string {
  const body = JSON.stringify(errorBody(answer.code, answer.message));
  return [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? "Error"}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Cache-Control: no-store",
    "X-Content-Type-Options: nosniff",
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/**
 * Fastify's `clientErrorHandler` option. A socket that the client already reset, or that can no
 * longer be written, is destroyed without an answer: there is nobody left to read it.
 */
export function clientErrorHandler(error: ConnectionError, socket: Socket): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(rawErrorResponse(clientErrorAnswer(error.code)));
}
