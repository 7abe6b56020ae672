/**
 * The relay rule (R8, stretch): a reply that reaches the host later than any genuine exchange
 * could is refused as a possible relay. Pure.
 *
 * A counter station asks the host for a challenge only when a stamp is there to answer it: on
 * NFC when the tag enters the field, on BLE when the stamp reads the challenge on its connection
 * (docs/nfc.md, docs/ble.md). From the challenge's issue to the tap's arrival there is one HTTP
 * answer, one exchange with the stamp and one HTTP request. Anything much slower means the
 * challenge or the reply was held somewhere on the way: a relay carrying it to a stamp elsewhere
 * (or a station holding replies back).
 *
 * Honest limits: the host measures the whole round, not the radio. A relay that answers within
 * the allowance (a real-time relay over the internet adds tens of milliseconds) is NOT caught;
 * only one that holds a reply longer than REPLY_DEADLINE_MS is. Distance bounding on the radio
 * itself would need the stamp's hardware timing, which neither transport exposes.
 */
import { IssuedChallenge } from "./model";

/**
 * The slower transport's own limit on an exchange: the stamp abandons a BLE tap not finished 5 s
 * after the press (firmware/ble-tap.ts BLE_TAP_TIMEOUT_MS; a test keeps the two equal). Measured
 * exchanges are far shorter: NFC ≈ 52 ms (direct) or 161 ms (pages) tap to verdict, BLE ≈ 326 ms
 * press to verdict (docs/nfc.md, docs/ble.md).
 */
export const EXCHANGE_BUDGET_MS = 5_000;

/** The station's two HTTP legs (challenge answer, tap request) on a slow shop network, with room for a retry. */
export const NETWORK_ALLOWANCE_MS = 2_000;

/** A reply whose challenge is provably older than this at the host is refused. */
export const REPLY_DEADLINE_MS = EXCHANGE_BUDGET_MS + NETWORK_ALLOWANCE_MS;

/**
 * The least the reply can have taken. The issue time is known to the second (issuedAt, signed
 * by the stamp), so the challenge was issued at the latest at the end of that second: this
 * never overstates the age, and a genuine tap is never refused for the rounding.
 */
export function leastReplyAgeMs(challenge: Pick<IssuedChallenge, "issuedAt">, now: number): number {
  return now - (challenge.issuedAt * 1000 + 999);
}

/** The reply's least age when it is past the deadline (a possible relay); undefined when it is in time. */
export function slowReply(challenge: Pick<IssuedChallenge, "issuedAt">, now: number): number | undefined {
  const age = leastReplyAgeMs(challenge, now);
  return age > REPLY_DEADLINE_MS ? age : undefined;
}
