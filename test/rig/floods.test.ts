/**
 * The floods campaign, short run: against the real host with the product's own limits, every
 * request past a limit is refused, the challenges table and memory stay bounded, and legitimate
 * taps at the counter during the floods are all accepted within their latency bound. Its twin,
 * a host with the limits raised out of reach and no open-challenge cap, must serve the flood.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { floodsCampaign } from "../../rig/campaigns/floods";
import { startEmbeddedHost } from "../../rig/embedded-host";
import { runCampaign } from "../../rig/runner";
import { RunningHost } from "../../rig/twin";
import { limitlessTwin, startFloodHost } from "./twins/flood-host";

/** Two hosts in processes of their own (tsx compiles them), about 2,500 flood requests and a hundred timed taps each: seconds idle. */
const RUN_TIMEOUT = 180_000;

describe("floods campaign, short run", () => {
  const hosts: RunningHost[] = [];
  let real: CampaignResult;
  let twin: CampaignResult;
  let remote: CampaignResult;

  beforeAll(async () => {
    const host = await startFloodHost(false);
    hosts.push(host);
    real = await runCampaign(floodsCampaign, host.target, SHORT_BUDGET);
    const weak = await limitlessTwin.start();
    hosts.push(weak);
    twin = await runCampaign(floodsCampaign, weak.target, SHORT_BUDGET);
    const plain = await startEmbeddedHost();
    hosts.push(plain);
    remote = await runCampaign(floodsCampaign, plain.target, SHORT_BUDGET);
  }, RUN_TIMEOUT);

  afterAll(async () => {
    for (const host of hosts) await host.stop();
  }, 30_000);

  it("refuses every request past a limit and refuses no legitimate tap; table, memory and latency stay bounded", () => {
    expect({ error: real.error, accepted: real.accepted, falseRejections: real.falseRejections, examples: real.acceptedExamples }).toEqual({ error: undefined, accepted: 0, falseRejections: 0, examples: [] });
    expect(real.notRun).toEqual([]);
    expect(real.figures.filter((f) => !f.ok)).toEqual([]);
    // Each flood reached its limit: the host answered 429 RATE_LIMITED, not only other refusals.
    expect(real.byAttack.map((a) => a.answers.includes("HTTP 429 RATE_LIMITED"))).toEqual([true, true, true]);
    // Past its open-challenge share the flooding station is still served (its oldest open challenges are
    // retired, the rows figure above bounds them): only its per-minute budget refuses it.
    expect(real.byAttack.find((a) => a.attack.startsWith("challenge flood"))?.answers.sort()).toEqual(["HTTP 201", "HTTP 429 RATE_LIMITED"]);
  });

  it("catches its twin: without limits and cap, challenges past both are served", () => {
    expect(twin.accepted).toBeGreaterThan(0);
    expect(twin.figures.find((f) => f.name.startsWith("challenge rows added"))?.ok).toBe(false);
    expect(twin.falseRejections).toBe(0);
  });

  it("does not run against a host it cannot measure, and says why", () => {
    expect(remote.attempts).toBe(0);
    expect(remote.notRun.map((n) => n.attack)).toEqual(["floods"]);
  });
});
