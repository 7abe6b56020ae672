import { FastifyRequest } from "fastify";
import { Principal } from "../core/access/principal";

/** The authenticated principal of a non-public route (the authentication hook guarantees one). */
export function principal(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new Error("a non-public route ran without an authenticated principal");
  return request.principal;
}
