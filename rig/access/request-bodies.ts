import { RouteIds } from "./route-path";

/** Ids the bodies name besides the path's: the rig's shop (where a foreign caller must not build). */
export interface BodyIds extends RouteIds {
  shop: string;
}

/**
 * A well-formed body for a route (its template, as the OpenAPI document names it), naming the
 * rig's own objects: pure. Well-formed matters: a request refused for its shape says nothing
 * about the access check, and a host that skipped the check must be able to serve it. Routes
 * not listed get an empty object, which every other body schema of the API accepts or refuses
 * after authentication, never before.
 */
export function bodyFor(method: string, template: string, ids: BodyIds, label: string): object | undefined {
  if (method === "GET") return undefined;
  switch (`${method} ${template}`) {
    case "POST /v1/shops":
      return { id: `${label}-x`, merchantId: ids.merchant, name: label };
    case "POST /v1/verifiers":
      return { shopId: ids.shop, label: label };
    case "PATCH /v1/verifiers/:id":
      return { label: label };
    case "POST /v1/stamps/:id/reinstate":
      return { reason: label };
    case "POST /v1/tokens":
      return { role: "owner", merchantId: ids.merchant, label: label };
    case "POST /v1/enrolment-codes":
      return { role: "counter-station", verifierId: ids.verifier };
    case "POST /v1/merchants/:id/workers":
      return { name: label };
    case "PUT /v1/merchants/:id/loyalty":
      return { stampsPerReward: 10, stampsPerPress: 1, rewardLabel: label };
    case "POST /v1/merchants/:id/coupons":
      return { cardIds: ["0".repeat(32)], label: label };
    case "POST /v1/merchants/:id/dashboard-invitations":
      return { role: "owner", name: label };
    case "POST /v1/merchants":
      return { id: `${label}-m`, name: label };
    // Well-formed but made up (all zeros): the shape passes validation, so the refusal is the role's.
    case "POST /v1/firmware":
      return { hash: "0".repeat(64), label: label };
    case "POST /v1/taps":
      return { response: "00".repeat(94) };
    case "POST /v1/stations/offline-taps":
      return { events: [{ challenge: "00".repeat(32), response: "00".repeat(94) }] };
    case "POST /v1/stamps":
      return { publicKey: "00".repeat(32), label: label, merchantId: ids.merchant, shopIds: [ids.shop], proof: { challenge: "0".repeat(64), firmwareHash: "0".repeat(64), signature: "00".repeat(64) } };
    default:
      return {};
  }
}
