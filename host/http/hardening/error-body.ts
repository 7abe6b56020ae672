/**
 * The refusals made by the hardening hooks, in the API's one error format (../errors.ts). They
 * are sent from hooks that run before any route, so they do not pass through the API's error
 * handler.
 */
import { FastifyReply } from "fastify";
import { ApiErrorCode, errorBody } from "../errors";

export type HardeningErrorCode = Extract<ApiErrorCode, "MISDIRECTED_REQUEST" | "CROSS_SITE_REQUEST" | "RATE_LIMITED" | "HEADERS_TOO_LARGE" | "BAD_REQUEST">;

export function sendHardeningError(reply: FastifyReply, status: number, code: HardeningErrorCode, message: string): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send(errorBody(code, message));
}
