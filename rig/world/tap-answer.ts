import { ReasonName } from "../../shared/reason-codes";

/**
 * Refusals the host treats as security signals: each raises an alert for the merchant (a forged
 * signature, a clone, a late or relayed counter, a stolen stamp, a revoked or quarantined one).
 * The other refusals (an unknown, expired or reused challenge, malformed bytes) are ordinary:
 * the attack failed quietly.
 */
const FLAGGING_REASONS: ReadonlySet<string> = new Set<ReasonName>(["BAD_SIGNATURE", "COUNTER_FORK", "COUNTER_REGRESSION", "OUTSIDE_SHOP", "STAMP_REVOKED", "STAMP_QUARANTINED", "IMPOSSIBLE_TRAVEL", "POSSIBLE_RELAY"]);

export interface TapAnswer {
  accepted: boolean;
  flagged: boolean;
  /** The verdict's reason name, or "HTTP <status> <code>" when the request itself was refused. */
  answer: string;
}

function field(body: unknown, name: string): unknown {
  return typeof body === "object" && body !== null && name in body ? (body as Record<string, unknown>)[name] : undefined;
}

/** Reads POST /v1/taps' answer: pure. Only a 200 whose verdict says accepted is an acceptance. */
export function readTapAnswer(status: number, body: unknown): TapAnswer {
  if (status === 200) {
    const reason = String(field(body, "reason"));
    return { accepted: field(body, "accepted") === true, flagged: FLAGGING_REASONS.has(reason), answer: reason };
  }
  const code = field(field(body, "error"), "code");
  return { accepted: false, flagged: false, answer: `HTTP ${status}${typeof code === "string" ? " " + code : ""}` };
}
