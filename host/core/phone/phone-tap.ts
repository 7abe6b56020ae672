import { toHex } from "../../../shared/hex";
import { decodePhoneTokenText, encodePhoneToken, isBaseUrl, PhoneToken } from "../../../shared/phone-url";
import { Purpose } from "../../../shared/protocol-constants";
import { Reason } from "../../../shared/reason-codes";
import { Store } from "../../store/store";
import { Shop, StampRecord } from "../model";
import { verdict, Verdict } from "../verdict";
import { DEFAULT_LOYALTY_PROGRAM } from "./card-model";
import { readCustomerCard } from "./customer-card";
import { CardRole, decidePhoneTap, PhoneTapContext, PhoneTapDecision } from "./phone-tap-decision";

export interface PhoneTapOutcome {
  verdict: Verdict;
  /** The stamp's merchant (whose card the page shows); undefined unless a genuine stamp signed the URL. */
  merchantId: string | undefined;
  stampLabel: string | undefined;
  purpose: Purpose | undefined;
  quantity: number | undefined;
}

export interface PhoneTapInput {
  /** This host's public base URL (`stamp serve --public-url`). */
  baseUrl: string;
  /** The URL's last path segment, as received. */
  tokenText: string;
  /** The card opening it: the route resolved or created the browser's holder first. */
  holderId: string;
  now: number;
}

/** The stamp's first shop, only if it is its own merchant's. */
async function stampShop(store: Store, stamp: StampRecord): Promise<Shop | undefined> {
  const shop = stamp.shopIds.length === 0 ? undefined : await store.getShop(stamp.shopIds[0]);
  return shop?.merchantId === stamp.merchantId ? shop : undefined;
}

/** A linked worker's phone is a time card at that merchant; any other phone a customer card, redeeming what its holder asked for. */
async function cardRole(store: Store, holderId: string, merchantId: string, now: number): Promise<CardRole> {
  const worker = await store.findLinkedWorker(holderId, merchantId);
  if (worker !== undefined) return { kind: "worker", worker: worker };
  const request = await store.vouchers.findRedemptionRequest(holderId, merchantId, now);
  return readCustomerCard(store, holderId, merchantId, request?.voucherId);
}

/** The card of a press no genuine stamp signed: never decided on, but typed like any other. */
const NO_CARD: CardRole = { kind: "customer", program: DEFAULT_LOYALTY_PROGRAM, stamps: 0, rewardsIssued: 0, redeem: undefined };

/** Reads what a decision needs; called again after a lost race, on fresh data. */
async function readContext(store: Store, input: PhoneTapInput, token: PhoneToken): Promise<PhoneTapContext> {
  const stampId = toHex(token.stampId);
  const stamp = await store.getStamp(stampId);
  return {
    baseUrl: input.baseUrl,
    token: token,
    tokenHex: toHex(encodePhoneToken(token)),
    holderId: input.holderId,
    stamp: stamp,
    shop: stamp === undefined ? undefined : await stampShop(store, stamp),
    sameCounter: await store.findSignedCounters(stampId, token.counter),
    card: stamp === undefined ? NO_CARD : await cardRole(store, input.holderId, stamp.merchantId, input.now),
    now: input.now,
  };
}

function outcome(decision: PhoneTapDecision, stamp: StampRecord | undefined): PhoneTapOutcome {
  // Only a genuine signature names the merchant: an edited URL learns nothing about whose stamp an id is.
  const genuine = decision.purpose !== undefined;
  return {
    verdict: decision.verdict,
    merchantId: genuine ? stamp?.merchantId : undefined,
    stampLabel: genuine ? stamp?.label : undefined,
    purpose: decision.purpose,
    quantity: decision.quantity,
  };
}

/**
 * The thin I/O shell around decidePhoneTap, for `GET /t/<token>`: decode (malformed: nothing
 * written), read the store, decide, apply the effect as one atomic store step. If another opening
 * of the same URL kept its evidence, another tap raised the counter or the worker's clock moved
 * between reading and writing, the decision is taken again on fresh data, where it is "already
 * used", a fork or a regression, or the other clock direction: of twenty openings of one URL at
 * once, exactly one is accepted.
 */
export async function openPhoneTap(store: Store, input: PhoneTapInput): Promise<PhoneTapOutcome> {
  if (!isBaseUrl(input.baseUrl)) throw new Error(`"${input.baseUrl}" is not a base URL a stamp can be bound to`);
  const decoded = decodePhoneTokenText(input.tokenText);
  if (!decoded.ok) {
    return { verdict: verdict(Reason.MALFORMED_RESPONSE, `malformed link: ${decoded.error.detail}`), merchantId: undefined, stampLabel: undefined, purpose: undefined, quantity: undefined };
  }
  for (let attempt = 0; ; attempt++) {
    const context = await readContext(store, input, decoded.value);
    const decision = decidePhoneTap(context);
    const effect = decision.effect;
    const applied = effect.kind === "nothing" || (await store.commitTap(effect.commit)) === "committed";
    // Two rounds settle any race: after a lost one the fresh data decides without writing the same thing again.
    if (applied || attempt === 2) return outcome(decision, context.stamp);
  }
}
