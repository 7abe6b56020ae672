import { FastifyInstance } from "fastify";
import { listFirmware } from "../../core/queries";
import { approveFirmware } from "../../core/stamp-registration";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { emptyQuery, FirmwareBody, firmwareBody } from "../schemas";

/** Firmware images the operator approved: a stamp running anything else is not registered. */
export function registerFirmwareRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const approve = {
    ...aboutRoute("firmware", "Approve a firmware image", "The operator approves a firmware image by its hash: stamps running anything else are not registered."),
    body: firmwareBody,
    response: successAnswer(201, "The approved firmware."),
  };
  app.post<{ Body: FirmwareBody }>("/v1/firmware", { schema: approve }, async (request, reply) => {
    const approved = await approveFirmware(deps.store, principal(request), request.body, deps.now());
    if (!approved.ok) return sendCoreError(reply, approved.error);
    return reply.code(201).send({ ...approved.value, approvedAt: new Date(approved.value.approvedAt).toISOString() });
  });

  const list = {
    ...aboutRoute("firmware", "List approved firmware", "The firmware images the operator approved."),
    querystring: emptyQuery,
    response: successAnswer(200, "The approved firmware: { items, next: null }."),
  };
  app.get("/v1/firmware", { schema: list }, async (request, reply) => {
    const listed = await listFirmware(deps.store, principal(request));
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return { items: listed.value.map((f) => ({ ...f, approvedAt: new Date(f.approvedAt).toISOString() })), next: null };
  });
}
