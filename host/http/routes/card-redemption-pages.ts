/**
 * The card page's two forms: "use now" asks for a reward or coupon to be redeemed by the next
 * press of the merchant's stamp on this phone, "cancel" takes that back. Both answer with a
 * redirect to the card, whose page shows the request or why it was refused. Nothing is used
 * here: only the press does that (phone-tap-decision.ts).
 */
import { FastifyInstance } from "fastify";
import { cancelRedemption, requestRedemption } from "../../core/phone/vouchers";
import { RedeemNotice } from "../../web/pages/card-page";
import { PhoneDeps } from "../deps";
import { acceptFormBodies } from "../form-body";
import { holderOf, PHONE_PAGE, pageErrorHandler } from "../phone-page-request";
import { SLUG_PATTERN } from "../schemas";

/** A voucher id and nothing else. */
const FORM_BODY_LIMIT = 256;
const merchantParams = { type: "object", properties: { merchantId: { type: "string", pattern: SLUG_PATTERN } }, required: ["merchantId"] } as const;
const voucherBody = { type: "object", properties: { voucherId: { type: "string", maxLength: 32 } }, required: ["voucherId"] } as const;

function cardPath(merchantId: string, notice?: RedeemNotice): string {
  const path = `/card/${encodeURIComponent(merchantId)}`;
  return notice === undefined ? path : `${path}?redeem=${notice}`;
}

export function registerCardRedemptionPages(app: FastifyInstance, deps: PhoneDeps): void {
  app.register(async (forms) => {
    acceptFormBodies(forms, FORM_BODY_LIMIT);
    const errorHandler = pageErrorHandler(deps);
    forms.post<{ Params: { merchantId: string }; Body: { voucherId: string } }>(
      "/card/:merchantId/redeem",
      { ...PHONE_PAGE, schema: { hide: true, params: merchantParams, body: voucherBody }, errorHandler: errorHandler },
      async (request, reply) => {
        const holderId = await holderOf(deps, request);
        if (holderId === undefined) return reply.redirect("/card", 303);
        const merchantId = request.params.merchantId;
        const asked = await requestRedemption(deps.store, { holderId: holderId, merchantId: merchantId, voucherId: request.body.voucherId, now: deps.now() });
        return reply.redirect(cardPath(merchantId, asked.ok ? undefined : asked.why), 303);
      },
    );
    forms.post<{ Params: { merchantId: string } }>(
      "/card/:merchantId/redeem/cancel",
      { ...PHONE_PAGE, schema: { hide: true, params: merchantParams }, errorHandler: errorHandler },
      async (request, reply) => {
        const holderId = await holderOf(deps, request);
        if (holderId === undefined) return reply.redirect("/card", 303);
        await cancelRedemption(deps.store, { holderId: holderId, merchantId: request.params.merchantId });
        return reply.redirect(cardPath(request.params.merchantId, "cancelled"), 303);
      },
    );
  });
}
