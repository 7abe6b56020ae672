/**
 * The refusals made by the hardening hooks, in the API's one error format `{ error: { code, message } }`
 * (see ../errors.ts). They are sent from hooks that run before any route, so they do not pass through
 * the API's error handler; their codes are listed here for the same reason.
 */
import { FastifyReply } from "fastify";

export type HardeningErrorCode = "MISDIRECTED_REQUEST" | "CROSS_SITE_REQUEST" | "RATE_LIMITED" | "HEADERS_TOO_LARGE" | "BAD_REQUEST";

export interface HardeningErrorBody {
  error: { code: HardeningErrorCode; message: string };
}

export function hardeningErrorBody(code: HardeningErrorCode, message: string): HardeningErrorBody {
  return { error: { code: code, message: message } };
}

export function sendHardeningError(reply: FastifyReply, status: number, code: HardeningErrorCode, message: string): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send(hardeningErrorBody(code, message));
}
