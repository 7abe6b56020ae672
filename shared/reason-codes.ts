/**
 * Why a verifier accepted or rejected a tap. The number is what travels back to a stamp
 * (one verdict byte, for its LEDs); the name is what people and the API see.
 */
export const Reason = {
  ACCEPTED: 0,
  MALFORMED_RESPONSE: 1,
  UNKNOWN_CHALLENGE: 2,
  CHALLENGE_EXPIRED: 3,
  CHALLENGE_REUSED: 4,
  WRONG_VERIFIER: 5,
  UNKNOWN_VERIFIER: 6,
  UNKNOWN_STAMP: 7,
  BAD_SIGNATURE: 8,
  STAMP_REVOKED: 9,
  STAMP_QUARANTINED: 10,
  PRESENCE_REQUIRED: 11,
  OUTSIDE_SHOP: 12,
  COUNTER_REGRESSION: 13,
  STAMP_REFUSED: 14,
  COUNTER_FORK: 15,
  /** A phone URL opened again: its signed counter was already spent by the first opening. */
  URL_ALREADY_USED: 16,
  /** A press meant to redeem a reward or coupon that was already redeemed: nothing is given twice. */
  VOUCHER_USED: 17,
  /** A press meant to redeem a reward or coupon past its expiry. */
  VOUCHER_EXPIRED: 18,
  /** A valid tap at a shop sooner after the stamp's last accepted tap at another shop than travel between them allows. */
  IMPOSSIBLE_TRAVEL: 19,
  /** A valid reply reaching the host later after its challenge than any genuine exchange could (relay rule). */
  POSSIBLE_RELAY: 20,
  /**
   * Never a tap's verdict: the reason of the alert a refused stamp registration raises when it
   * looks forged (no proof of possession, a proof that does not verify or names a challenge never
   * issued to that station, a weak key). It travels to no stamp.
   */
  FORGED_REGISTRATION: 21,
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];
export type ReasonName = keyof typeof Reason;

export const REASON_NAMES: readonly ReasonName[] = [
  "ACCEPTED",
  "MALFORMED_RESPONSE",
  "UNKNOWN_CHALLENGE",
  "CHALLENGE_EXPIRED",
  "CHALLENGE_REUSED",
  "WRONG_VERIFIER",
  "UNKNOWN_VERIFIER",
  "UNKNOWN_STAMP",
  "BAD_SIGNATURE",
  "STAMP_REVOKED",
  "STAMP_QUARANTINED",
  "PRESENCE_REQUIRED",
  "OUTSIDE_SHOP",
  "COUNTER_REGRESSION",
  "STAMP_REFUSED",
  "COUNTER_FORK",
  "URL_ALREADY_USED",
  "VOUCHER_USED",
  "VOUCHER_EXPIRED",
  "IMPOSSIBLE_TRAVEL",
  "POSSIBLE_RELAY",
  "FORGED_REGISTRATION",
];
