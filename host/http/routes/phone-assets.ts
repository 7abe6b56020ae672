/** GET /assets/:name: the phone pages' stylesheet and scripts, from this host only. */
import { FastifyInstance } from "fastify";
import { asset, ASSET_NAMES, AssetName } from "../../web/assets/assets";
import { ASSET_PATH_PREFIX } from "../hardening/security-headers";
import { emptyQuery } from "../schemas";

const assetParams = { type: "object", properties: { name: { type: "string", enum: [...ASSET_NAMES] } }, required: ["name"], additionalProperties: false } as const;

export function registerPhoneAssetRoutes(app: FastifyInstance): void {
  app.get<{ Params: { name: AssetName } }>(
    `${ASSET_PATH_PREFIX}:name`,
    { config: { public: true }, schema: { hide: true, params: assetParams, querystring: emptyQuery } },
    async (request, reply) => {
      const found = asset(request.params.name);
      return reply.type(found.contentType).send(found.body);
    },
  );
}
