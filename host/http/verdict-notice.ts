import { VerdictNotice } from "../core/staff/verdict-feed";
import { Verdict } from "../core/verdict";

/** What the tap routes publish for the counter view: the verdict, of which merchant, how it came. */
export function verdictNotice(merchantId: string, transport: VerdictNotice["transport"], verdict: Verdict, at: number): VerdictNotice {
  return {
    merchantId: merchantId,
    at: at,
    accepted: verdict.accepted,
    reason: verdict.reason,
    transport: transport,
    stampId: verdict.stampId,
    stampLabel: verdict.stampLabel,
    shopId: verdict.shopId,
  };
}
