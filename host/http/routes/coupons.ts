/**
 * Coupons and rewards for the merchant's people: issue a coupon to customers' cards (for example
 * the come-back list), and list what was issued and used. Rules are the core's
 * (host/core/phone/vouchers.ts); a coupon is used only by a verified press on the customer's phone.
 */
import { FastifyInstance } from "fastify";
import { Voucher } from "../../core/phone/voucher-model";
import { issueCoupons, listVouchers } from "../../core/phone/vouchers";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { CouponBody, couponBody, emptyQuery, LimitQuery, limitQuery, listLimit, MerchantParams, merchantParams } from "../schemas";

function isoOrNull(at: number | undefined): string | null {
  return at === undefined ? null : new Date(at).toISOString();
}

/** A voucher as the API shows it: times in ISO 8601 UTC, null when there is none. */
export function voucherView(voucher: Voucher) {
  return {
    id: voucher.id,
    merchantId: voucher.merchantId,
    cardId: voucher.holderId,
    kind: voucher.kind,
    rewardNumber: voucher.ordinal ?? null,
    label: voucher.label,
    issuedAt: new Date(voucher.issuedAt).toISOString(),
    expiresAt: isoOrNull(voucher.expiresAt),
    usedAt: isoOrNull(voucher.usedAt),
    usedBy: voucher.usedBy ?? null,
    issuedBy: voucher.issuedBy,
  };
}

export function registerCouponRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const issue = {
    ...aboutRoute(
      "loyalty",
      "Issue a coupon",
      "One single-use coupon to each card (all of them the merchant's customers, or nothing is issued); the customer uses it with a press of the merchant's stamp on their phone. In the audit chain.",
    ),
    params: merchantParams,
    querystring: emptyQuery,
    body: couponBody,
    response: successAnswer(201, "How many coupons were issued, and when they expire."),
  };
  app.post<{ Params: MerchantParams; Body: CouponBody }>("/v1/merchants/:id/coupons", { schema: issue }, async (request, reply) => {
    const input = { merchantId: request.params.id, cardIds: request.body.cardIds, label: request.body.label, validDays: request.body.validDays ?? undefined };
    const issued = await issueCoupons(deps.store, principal(request), input, deps.now());
    if (!issued.ok) return sendCoreError(reply, issued.error);
    return reply.code(201).send({ issued: issued.value.issued, expiresAt: isoOrNull(issued.value.expiresAt) });
  });

  const list = {
    ...aboutRoute("loyalty", "List rewards and coupons", "The merchant's latest rewards and coupons, newest first: whose card, when issued, when used and by which press (the ledger event's nonce)."),
    params: merchantParams,
    querystring: limitQuery,
    response: successAnswer(200, "{ items }."),
  };
  app.get<{ Params: MerchantParams; Querystring: LimitQuery }>("/v1/merchants/:id/vouchers", { schema: list }, async (request, reply) => {
    const listed = await listVouchers(deps.store, principal(request), request.params.id, listLimit(request.query.limit));
    if (!listed.ok) return sendCoreError(reply, listed.error);
    return { items: listed.value.map(voucherView) };
  });
}
