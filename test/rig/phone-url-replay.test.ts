/**
 * The phone-url-replay campaign, short run: against the real host serving phone pages (its own
 * loopback URL as public URL), only the first opening of each fresh URL credits; against its
 * twin, a store that forgets kept evidence, replays credit again. Against a host without phone
 * pages (the rig's standard embedded host) the campaign says it did not run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { phoneUrlReplayCampaign } from "../../rig/campaigns/phone-url-replay";
import { RAISED_RATE_LIMITS, startConfiguredHost, startEmbeddedHost } from "../../rig/embedded-host";
import { runCampaign } from "../../rig/runner";
import { RunningHost } from "../../rig/twin";
import { phoneEvidenceTwin } from "./twins/phone-evidence-twin";

/** Three in-process hosts and some forty page openings: a few seconds idle. */
const RUN_TIMEOUT = 120_000;

describe("phone-url-replay campaign, short run", () => {
  const hosts: RunningHost[] = [];
  let real: CampaignResult;
  let twin: CampaignResult;
  let withoutPages: CampaignResult;

  beforeAll(async () => {
    const host = await startEmbeddedHost();
    hosts.push(host);
    real = await runCampaign(phoneUrlReplayCampaign, host.target, SHORT_BUDGET);
    const weak = await phoneEvidenceTwin.start();
    hosts.push(weak);
    twin = await runCampaign(phoneUrlReplayCampaign, weak.target, SHORT_BUDGET);
    const plain = await startConfiguredHost({ rateLimits: RAISED_RATE_LIMITS, servePhonePages: false, wrap: (store) => store });
    hosts.push(plain);
    withoutPages = await runCampaign(phoneUrlReplayCampaign, plain.target, SHORT_BUDGET);
  }, RUN_TIMEOUT);

  afterAll(async () => {
    for (const host of hosts) await host.stop();
  }, 30_000);

  it("credits only the first opening of each URL on the real host, and refuses no legitimate tap", () => {
    expect({ accepted: real.accepted, falseRejections: real.falseRejections, examples: real.acceptedExamples }).toEqual({ accepted: 0, falseRejections: 0, examples: [] });
    // Per round 4 re-openings and 2 kept-back URLs, two rounds; then 9 of 10 concurrent openings.
    expect(real.attempts).toBe(2 * (4 + 2) + 9);
    const answers = (prefix: string) => new Set(real.byAttack.filter((a) => a.attack.startsWith(prefix)).flatMap((a) => a.answers));
    expect(answers("the same URL opened")).toEqual(new Set(["tap=already-used"]));
    expect(answers("a URL kept back")).toEqual(new Set(["tap=late"]));
  });

  it("says the TTL attack did not run, and why (phone URLs have no host-side TTL by design)", () => {
    expect(real.notRun.map((n) => n.attack)).toEqual(["a phone URL opened after its TTL"]);
  });

  it("catches its twin: a store that forgets kept evidence credits a used URL again", () => {
    expect(twin.accepted).toBeGreaterThan(0);
    expect(twin.falseRejections).toBe(0);
    expect(twin.byAttack.find((a) => a.attack === "the same URL opened again by the same phone")?.accepted).toBe(2);
  });

  it("does not run against a host that serves no phone pages, and says why", () => {
    expect(withoutPages.attempts).toBe(0);
    expect(withoutPages.notRun.map((n) => n.attack)).toEqual(["phone URL replay"]);
  });
});
