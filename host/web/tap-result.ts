/**
 * What a phone tap came to, in the page's words. After a tap the browser is sent on to the card
 * page with `?tap=<result>`, so reloading never opens the URL again and the token leaves the
 * address bar and history; the card page shows the sentence for the result. A result in the
 * query is only a choice of sentence: what the card shows (stamps, hours) always comes from the
 * database.
 */
import { Purpose } from "../../shared/protocol-constants";
import { ReasonName } from "../../shared/reason-codes";
import { Messages } from "./i18n/messages";

export const TAP_RESULTS = [
  "stamped",
  "redeemed",
  "clocked-in",
  "clocked-out",
  "already-used",
  "not-genuine",
  "unknown-stamp",
  "revoked",
  "quarantined",
  "not-pressed",
  "late",
  "clone",
  "outside-shop",
  "voucher-used",
  "voucher-expired",
  "failed",
] as const;
export type TapResult = (typeof TAP_RESULTS)[number];

export function isTapResult(value: string | undefined): value is TapResult {
  return TAP_RESULTS.some((result) => result === value);
}

const REFUSALS: Partial<Record<ReasonName, TapResult>> = {
  URL_ALREADY_USED: "already-used",
  MALFORMED_RESPONSE: "not-genuine",
  BAD_SIGNATURE: "not-genuine",
  UNKNOWN_STAMP: "unknown-stamp",
  STAMP_REVOKED: "revoked",
  STAMP_QUARANTINED: "quarantined",
  STAMP_REFUSED: "revoked",
  PRESENCE_REQUIRED: "not-pressed",
  COUNTER_REGRESSION: "late",
  COUNTER_FORK: "clone",
  OUTSIDE_SHOP: "outside-shop",
  VOUCHER_USED: "voucher-used",
  VOUCHER_EXPIRED: "voucher-expired",
};

/** The result of a tap from its verdict's reason and, when accepted, what it counted as. */
export function tapResultOf(reason: ReasonName, purpose: Purpose | undefined): TapResult {
  if (reason !== "ACCEPTED") return REFUSALS[reason] ?? "failed";
  if (purpose === Purpose.CLOCK_IN) return "clocked-in";
  if (purpose === Purpose.CLOCK_OUT) return "clocked-out";
  if (purpose === Purpose.REDEEM) return "redeemed";
  return "stamped";
}

/** The results of accepted taps. */
export type GoodNews = "stamped" | "redeemed" | "clocked-in" | "clocked-out";

/** Accepted results are good news; the others ask the person to do something or tell staff. */
export function isGoodNews(result: TapResult): result is GoodNews {
  return result === "stamped" || result === "redeemed" || result === "clocked-in" || result === "clocked-out";
}

/** The sentence of a refusal; accepted results are worded by the card page, which knows the figures. */
export function refusalSentence(result: Exclude<TapResult, GoodNews>, messages: Messages): string {
  const sentences: Record<typeof result, string> = {
    "already-used": messages.alreadyUsed,
    "not-genuine": messages.notGenuine,
    "unknown-stamp": messages.unknownStamp,
    revoked: messages.revoked,
    quarantined: messages.quarantined,
    "not-pressed": messages.notPressed,
    late: messages.late,
    clone: messages.clone,
    "outside-shop": messages.outsideShop,
    "voucher-used": messages.voucherUsed,
    "voucher-expired": messages.voucherExpired,
    failed: messages.failed,
  };
  return sentences[result];
}
