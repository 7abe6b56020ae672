/**
 * The nfc-station campaign, short run, through the real NFC stack: virtual cards on pcscd's vpcd
 * reader, the product's NFC station with the rig's enrolled key, the host over HTTP. Against the
 * real host no attack may be accepted and every genuine tap must be; against its twin (a store
 * that forgets spent challenges and counters) the recorded reply played again must be accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { nfcStationCampaign } from "../../rig/campaigns/nfc-station";
import { startEmbeddedHost } from "../../rig/embedded-host";
import { runCampaign } from "../../rig/runner";
import { RunningHost } from "../../rig/twin";
import { verdict } from "../../host/core/verdict";
import { TagError } from "../../host/nfc/tag-link";
import { Reason } from "../../shared/reason-codes";
import { ContactOutcome } from "../../rig/radio/nfc-contact";
import { attackContact, legitimateContact } from "../../rig/radio/nfc-contact-attempt";
import { busyAnswer, isReadyAnswer, readyAnswer, responseInAnswer } from "../../rig/radio/nfc-mailbox-answers";
import { MAX_OPEN_CHALLENGES } from "../../host/core/challenge-service";
import { missingPcscStack } from "../nfc/pcscd-harness";
import { withNfcBench } from "./nfc-bench-pcscd";
import { nfcStationTwin } from "./twins/nfc-station-twin";

const missing = missingPcscStack();
if (missing !== undefined) {
  console.warn(`\n*** SKIPPED: the nfc-station campaign needs ${missing}; not installed (npm run setup installs them as root on Debian). ***\n`);
}
const describeStack = missing === undefined ? describe : describe.skip;

/** Two hosts with a pcscd each, the station's PC/SC helper started twice (tsx), some 60 contacts: under a minute idle. */
const RUN_TIMEOUT = 240_000;

function answersOf(result: CampaignResult, prefix: string): string[] {
  return [...new Set(result.byAttack.filter((a) => a.attack.startsWith(prefix)).flatMap((a) => a.answers))].sort();
}

describeStack("nfc-station campaign, short run, through pcscd + vpcd", () => {
  const hosts: RunningHost[] = [];
  let real: CampaignResult;
  let twin: CampaignResult;
  let remote: CampaignResult;

  beforeAll(async () => {
    const host = await withNfcBench(await startEmbeddedHost());
    hosts.push(host);
    real = await runCampaign(nfcStationCampaign, host.target, SHORT_BUDGET);
    const weak = await nfcStationTwin.start();
    hosts.push(weak);
    twin = await runCampaign(nfcStationCampaign, weak.target, SHORT_BUDGET);
    const plain = await startEmbeddedHost();
    hosts.push(plain);
    remote = await runCampaign(nfcStationCampaign, plain.target, SHORT_BUDGET);
  }, RUN_TIMEOUT);

  afterAll(async () => {
    for (const host of hosts) await host.stop();
  }, 30_000);

  it("accepts no attack and refuses no genuine tap on the real host, and the stamp stays active", () => {
    expect({ error: real.error, accepted: real.accepted, falseRejections: real.falseRejections, examples: real.acceptedExamples, notRun: real.notRun }).toEqual({
      error: undefined,
      accepted: 0,
      falseRejections: 0,
      examples: [],
      notRun: [],
    });
    // Eight genuine presses at least, the last right after the junk-card contacts (none refused, above).
    expect(real.legitimate).toBeGreaterThanOrEqual(8);
    expect(real.figures).toEqual([{ name: "genuine stamp's status at the end", value: "active", ok: true }]);
  });

  it("each attack reaches the host's rule it aims at, or ends in a typed station error with nothing recorded", () => {
    expect(answersOf(real, "replay: the recorded reply")).toEqual(["CHALLENGE_REUSED"]);
    expect(answersOf(real, "bit flip")).toEqual(["BAD_SIGNATURE"]);
    expect(answersOf(real, "another stamp's signature")).toEqual(["BAD_SIGNATURE"]);
    expect(answersOf(real, "another stamp's reply to the other shop's challenge")).toEqual(["WRONG_VERIFIER"]);
    expect(answersOf(real, "one contact without a press")).toEqual(["PRESENCE_REQUIRED"]);
    expect(answersOf(real, "card removed mid-exchange")).toEqual(["no verdict: removed"]);
    expect(answersOf(real, "relay takes the reply")).toEqual(["no verdict: removed"]);
    // The late reply reaches the counter rule (an open challenge, a valid signature): refused and reported, no quarantine.
    const late = real.byAttack.find((a) => a.attack.startsWith("earlier reply, played late"));
    expect(late).toMatchObject({ sent: 1, accepted: 0, flagged: 1, answers: ["COUNTER_REGRESSION"] });
    const malformed = answersOf(real, "malformed card answer");
    expect(malformed.every((a) => a === "MALFORMED_RESPONSE" || a.startsWith("no verdict: "))).toBe(true);
    expect(malformed).toEqual(expect.arrayContaining(["no verdict: reader", "no verdict: garbled", "MALFORMED_RESPONSE"]));
    // More junk-card contacts than the station's open-challenge share, each leaving its challenge open
    // (no verdict); the genuine press right after them is among the legitimate taps, none refused.
    const junk = real.byAttack.find((a) => a.attack.startsWith("junk card contact"));
    expect(junk).toMatchObject({ sent: MAX_OPEN_CHALLENGES + 4, accepted: 0 });
    expect(junk?.answers.every((a) => a.startsWith("no verdict: "))).toBe(true);
  });

  it("catches its twin: the recorded reply and the held-back one are accepted through the station", () => {
    expect(twin.error).toBeUndefined();
    expect(twin.falseRejections).toBe(0);
    expect(twin.byAttack.find((a) => a.attack.startsWith("replay: the recorded reply"))?.accepted).toBe(1);
    expect(twin.byAttack.find((a) => a.attack.startsWith("earlier reply, played late"))?.accepted).toBe(1);
    expect(twin.accepted).toBeGreaterThan(0);
  });

  it("does not run against a target without an NFC bench, and says why", () => {
    expect(remote.attempts).toBe(0);
    expect(remote.notRun.map((n) => n.attack)).toEqual(["nfc-station"]);
    expect(remote.notRun[0].why).toMatch(/pcscd/);
  });
});

describe("nfc-station judging (pure)", () => {
  const active = { status: "active", lastCounter: 4 };
  const refused: ContactOutcome = { verdict: verdict(Reason.BAD_SIGNATURE, "forged"), error: undefined };
  const noVerdict: ContactOutcome = { verdict: undefined, error: new TagError("removed", "the tag left") };

  it("an attack is accepted when the host accepts it, records something without a verdict, or takes the stamp out of service", () => {
    expect(attackContact("a", refused, active, active)).toMatchObject({ accepted: false, flagged: true, answer: "BAD_SIGNATURE" });
    expect(attackContact("a", noVerdict, active, active)).toMatchObject({ accepted: false, flagged: false, answer: "no verdict: removed" });
    expect(attackContact("a", noVerdict, active, { status: "active", lastCounter: 5 })).toMatchObject({ accepted: true, answer: "no verdict: removed, stamp counter moved 4 → 5" });
    expect(attackContact("a", refused, active, { status: "quarantined", lastCounter: 4 })).toMatchObject({ accepted: true, answer: "BAD_SIGNATURE, stamp quarantined" });
    // A refusal under a valid signature spends the counter by design.
    expect(attackContact("a", refused, active, { status: "active", lastCounter: 5 }).accepted).toBe(false);
  });

  it("a genuine tap counts only when accepted", () => {
    expect(legitimateContact("l", noVerdict)).toMatchObject({ legitimate: true, accepted: false });
    expect(legitimateContact("l", { verdict: verdict(Reason.ACCEPTED, "ok"), error: undefined })).toMatchObject({ legitimate: true, accepted: true, answer: "ACCEPTED" });
  });

  it("forges mailbox answers the station reads as a stamp's", () => {
    const reply = new Uint8Array(95).map((_, i) => i);
    const answer = readyAnswer(reply);
    expect(answer.length).toBe(3 + 100 + 2);
    expect(isReadyAnswer(answer)).toBe(true);
    expect([...responseInAnswer(answer, 94)]).toEqual([...reply.subarray(1)]);
    expect(isReadyAnswer(busyAnswer())).toBe(false);
  });
});
