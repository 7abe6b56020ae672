import { toHex } from "../../shared/hex";
import { Reason } from "../../shared/reason-codes";
import { decodeTapResponse } from "../../shared/tap-response";
import { Store } from "../store/store";
import { can } from "./access/permissions";
import { Principal } from "./access/principal";
import { decideTap, TapContext, TapDecision } from "./tap-decision";
import { visibleVerifier } from "./registry";
import { verdict, Verdict } from "./verdict";
import { readCustomerCard } from "./phone/customer-card";

/** Reads what a decision needs; called again after a lost race, on fresh data. */
async function readContext(store: Store, base: Omit<TapContext, "challenge" | "stamp" | "sameCounter" | "card" | "lastTap">): Promise<TapContext> {
  const stampId = toHex(base.response.stampId);
  const challenge = await store.getChallenge(toHex(base.response.nonce));
  const cardId = challenge?.cardId ?? "";
  return {
    ...base,
    challenge: challenge,
    stamp: await store.getStamp(stampId),
    sameCounter: await store.findSignedCounters(stampId, base.response.counter),
    card: cardId === "" ? undefined : await readCustomerCard(store, cardId, base.shop.merchantId, challenge?.voucherId),
    lastTap: await store.lastAcceptedTap(stampId),
  };
}

/** Applies the decision; "retry" when another tap changed the challenge or the counter meanwhile. */
async function apply(store: Store, context: TapContext, decision: TapDecision): Promise<"done" | "retry"> {
  const effect = decision.effect;
  if (effect.kind === "nothing") return "done";
  if (effect.kind === "alert") {
    await store.addAlert(effect.alert, effect.audit);
    return "done";
  }
  const outcome = await store.commitTap({ challenge: { nonce: effect.changes.signed.nonce, verifierId: context.verifier.id }, now: context.now, ...effect.changes });
  return outcome === "committed" ? "done" : "retry";
}

/**
 * The thin I/O shell around decideTap, for the counter station asking: decode, read the store,
 * decide, apply the effect as one atomic store step. Malformed bytes write nothing at all. If
 * another tap used the challenge or raised the stamp's counter between reading and writing,
 * the decision is taken again on fresh data: the challenge is then a replay, or the counter a
 * fork or a regression, so exactly one of two racing taps wins.
 */
export async function submitTap(store: Store, principal: Principal, responseBytes: Uint8Array, now: number): Promise<Verdict> {
  if (!can(principal, "tap.submit") || principal.role !== "counter-station") return verdict(Reason.UNKNOWN_VERIFIER, "this credential is not a counter station");
  const decoded = decodeTapResponse(responseBytes);
  if (!decoded.ok) return verdict(Reason.MALFORMED_RESPONSE, `malformed response: ${decoded.error.detail}`);
  const found = await visibleVerifier(store, principal, principal.verifierId);
  if (!found.ok) return verdict(Reason.UNKNOWN_VERIFIER, `verifier ${principal.verifierId} is not registered`);
  const base = { verifier: found.value.verifier, shop: found.value.shop, response: decoded.value, responseHex: toHex(responseBytes), now: now };
  for (let attempt = 0; ; attempt++) {
    const context = await readContext(store, base);
    const decision = decideTap(context);
    // Two rounds settle any race: after a lost one the fresh data decides without writing a counter again.
    if ((await apply(store, context, decision)) === "done" || attempt === 2) return decision.verdict;
  }
}
