import { toHex } from "../../shared/hex";
import { Reason } from "../../shared/reason-codes";
import { decodeTapResponse } from "../../shared/tap-response";
import { Store } from "../store/store";
import { decideTap, TapContext, TapEffect } from "./tap-decision";
import { verdict, Verdict } from "./verdict";

/** Applies a decision's effect; false when the counter step lost a race to another tap. */
async function applyEffect(store: Store, effect: TapEffect): Promise<boolean> {
  switch (effect.kind) {
    case "nothing":
      return true;
    case "alert":
      await store.addAlert(effect.alert);
      return true;
    case "quarantine":
      await store.quarantine(effect.alert.stampId, effect.alert);
      return true;
    case "advance-counter":
      // A refused tap under a valid signature still spends its counter value: a clone that
      // later shows a value at or below it is caught.
      if ((await store.advanceCounter(effect.stampId, effect.counter)) === "not-higher") return false;
      if (effect.alert !== undefined) await store.addAlert(effect.alert);
      return true;
    case "record":
      return (await store.recordAcceptedTap(effect.entry)) === "advanced";
  }
}

/**
 * The thin I/O shell around decideTap: decode, read the store, decide, apply the effect as one
 * atomic store step. Malformed bytes and unknown verifiers write nothing at all. If another tap
 * raised the stamp's counter between reading and writing, the decision is taken again on the
 * fresh record, where it becomes a counter regression: exactly one of two equal counters wins.
 */
export async function submitTap(store: Store, verifierId: string, responseBytes: Uint8Array, now: number): Promise<Verdict> {
  const decoded = decodeTapResponse(responseBytes);
  if (!decoded.ok) return verdict(Reason.MALFORMED_RESPONSE, `malformed response: ${decoded.error.detail}`);
  const verifier = await store.getVerifier(verifierId);
  const shop = verifier && (await store.getShop(verifier.shopId));
  if (verifier === undefined || shop === undefined) return verdict(Reason.UNKNOWN_VERIFIER, `verifier ${verifierId} is not registered`);
  const response = decoded.value;
  const consumed = await store.consumeChallenge(toHex(response.nonce), verifier.id, now);
  if (!consumed.found) return verdict(Reason.UNKNOWN_CHALLENGE, "no such challenge was issued");
  const stampId = toHex(response.stampId);
  const context: TapContext = {
    verifier: verifier,
    shop: shop,
    challenge: consumed.challenge,
    firstUse: consumed.firstUse,
    stamp: await store.getStamp(stampId),
    response: response,
    responseHex: toHex(responseBytes),
    now: now,
  };
  let decision = decideTap(context);
  if (!(await applyEffect(store, decision.effect))) {
    decision = decideTap({ ...context, stamp: await store.getStamp(stampId) });
    await applyEffect(store, decision.effect);
  }
  return decision.verdict;
}
