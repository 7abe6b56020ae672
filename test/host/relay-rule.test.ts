/** The relay rule's arithmetic, pure: the deadline, and an age that is never overstated. */
import { describe, expect, it } from "vitest";
import { BLE_TAP_TIMEOUT_MS } from "../../firmware/ble-tap";
import { EXCHANGE_BUDGET_MS, leastReplyAgeMs, NETWORK_ALLOWANCE_MS, REPLY_DEADLINE_MS, slowReply } from "../../host/core/relay-rule";

const ISSUED_S = 1_767_225_600;

describe("the relay rule", () => {
  it("gives an exchange the stamp's own BLE limit, the slower transport, plus the network's allowance: 7 s", () => {
    expect(EXCHANGE_BUDGET_MS).toBe(BLE_TAP_TIMEOUT_MS);
    expect(REPLY_DEADLINE_MS).toBe(EXCHANGE_BUDGET_MS + NETWORK_ALLOWANCE_MS);
    expect(REPLY_DEADLINE_MS).toBe(7_000);
  });

  it("counts the age from the end of the signed second, so rounding never makes a reply look older", () => {
    expect(leastReplyAgeMs({ issuedAt: ISSUED_S }, ISSUED_S * 1000 + 999)).toBe(0);
    // Issued at .000 and answered 300 ms later: the rule sees no age at all (it errs towards the stamp).
    expect(leastReplyAgeMs({ issuedAt: ISSUED_S }, ISSUED_S * 1000 + 300)).toBeLessThan(0);
  });

  it("refuses a reply provably older than the deadline, and nothing younger", () => {
    const endOfSecond = ISSUED_S * 1000 + 999;
    expect(slowReply({ issuedAt: ISSUED_S }, endOfSecond + REPLY_DEADLINE_MS)).toBeUndefined();
    expect(slowReply({ issuedAt: ISSUED_S }, endOfSecond + REPLY_DEADLINE_MS + 1)).toBe(REPLY_DEADLINE_MS + 1);
    expect(slowReply({ issuedAt: ISSUED_S }, ISSUED_S * 1000 + 29_000)).toBe(28_001);
  });
});
