import { Reason, REASON_NAMES, ReasonName } from "../../shared/reason-codes";

/** The answer to one submitted tap: accepted or not, and always why. */
export interface Verdict {
  accepted: boolean;
  reason: ReasonName;
  /** The reason's number: the verdict byte sent back to the stamp. */
  code: Reason;
  /** A sentence for the person at the counter. */
  message: string;
  stampId?: string;
  counter?: number;
  stampLabel?: string;
  shopId?: string;
  /** Sequence number of the ledger event, for accepted taps. */
  eventSequence?: number;
  /**
   * Set when a counter station judged the tap itself, the host being unreachable: the time of
   * the registry copy it judged on (revocations after it were not known). Never set by the host.
   */
  offlineRegistryAsOf?: number;
}

export function verdict(code: Reason, message: string, details: Partial<Verdict> = {}): Verdict {
  return { ...details, accepted: code === Reason.ACCEPTED, reason: REASON_NAMES[code], code: code, message: message };
}
