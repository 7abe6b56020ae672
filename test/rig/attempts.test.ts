import { describe, expect, it } from "vitest";
import { concurrentAttempts } from "../../rig/campaigns/challenge-misuse";
import { nonceAttempts } from "../../rig/campaigns/nonce-quality";
import { griefingAttempt } from "../../rig/campaigns/quarantine-griefing";
import { readTapAnswer } from "../../rig/world/tap-answer";

const refused = { accepted: false, flagged: false, answer: "CHALLENGE_REUSED" };
const won = { accepted: true, flagged: false, answer: "ACCEPTED" };

describe("rig: reading the host's answers", () => {
  it("counts only a 200 whose verdict says accepted as an acceptance; flags alerting refusals", () => {
    expect(readTapAnswer(200, { accepted: true, reason: "ACCEPTED" })).toEqual({ accepted: true, flagged: false, answer: "ACCEPTED" });
    expect(readTapAnswer(200, { accepted: false, reason: "BAD_SIGNATURE" })).toEqual({ accepted: false, flagged: true, answer: "BAD_SIGNATURE" });
    expect(readTapAnswer(200, { accepted: false, reason: "CHALLENGE_REUSED" }).flagged).toBe(false);
    expect(readTapAnswer(400, { error: { code: "INVALID_INPUT", message: "x" } })).toEqual({ accepted: false, flagged: false, answer: "HTTP 400 INVALID_INPUT" });
    expect(readTapAnswer(500, "oops")).toEqual({ accepted: false, flagged: false, answer: "HTTP 500" });
  });

  it("counts one winner of concurrent submissions as the legitimate tap and any other as an accepted attack", () => {
    const one = concurrentAttempts([refused, won, refused]);
    expect(one.filter((a) => a.legitimate).map((a) => a.accepted)).toEqual([true]);
    expect(one.filter((a) => !a.legitimate && a.accepted)).toEqual([]);
    const two = concurrentAttempts([won, won, refused]);
    expect(two.filter((a) => !a.legitimate && a.accepted)).toHaveLength(1);
    const none = concurrentAttempts([refused, refused]);
    expect(none.filter((a) => a.legitimate).map((a) => a.accepted)).toEqual([false]);
  });

  it("counts each repeated nonce as an accepted attack", () => {
    const a = new Uint8Array(16).fill(1);
    const b = new Uint8Array(16).fill(2);
    expect(nonceAttempts([a, b, a.slice(), a.slice()]).map((x) => x.accepted)).toEqual([false, false, true, true]);
  });

  it("counts a griefing attempt as successful when the tap was accepted or the stamp ended quarantined", () => {
    const late = { accepted: false, flagged: true, answer: "COUNTER_REGRESSION" };
    expect(griefingAttempt("late", late, "active").accepted).toBe(false);
    expect(griefingAttempt("late", late, "quarantined")).toMatchObject({ accepted: true, answer: "COUNTER_REGRESSION, stamp quarantined" });
    expect(griefingAttempt("late", won, "active").accepted).toBe(true);
  });
});
