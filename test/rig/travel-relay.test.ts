/**
 * The impossible-travel and relay campaigns on their own, short budget. Against the real
 * embedded host (buildServer on a temporary SQLite file, over HTTP) no attack is accepted and no
 * legitimate tap refused, and every attack is flagged; against each weakened twin (a store blind
 * to the stamp's last tap; a host process whose decision lacks the relay rule) the attack is
 * accepted, so each campaign can fail.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Campaign, CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { impossibleTravelCampaign } from "../../rig/campaigns/impossible-travel";
import { relayCampaign } from "../../rig/campaigns/relay";
import { startEmbeddedHost } from "../../rig/embedded-host";
import { runCampaign } from "../../rig/runner";
import { RunningHost } from "../../rig/twin";
import { CHILD_HOST_READY_MS, startChildHost } from "./twins/child-host";
import { travelBlindStore } from "./twins/travel-blind-store";

/** One campaign against the embedded host: a few seconds. */
const EMBEDDED_TIMEOUT = 60_000;
/** The relay twin: its own process (tsx compiles it, slow under load) and one hold waited in real time. */
const CHILD_TIMEOUT = CHILD_HOST_READY_MS + 60_000;

async function runAgainst(campaign: Campaign, start: () => Promise<RunningHost>): Promise<CampaignResult> {
  const host = await start();
  try {
    return await runCampaign(campaign, host.target, SHORT_BUDGET);
  } finally {
    await host.stop();
  }
}

function expectClean(result: CampaignResult, refusal: string): void {
  expect({ error: result.error, accepted: result.accepted, falseRejections: result.falseRejections, examples: result.acceptedExamples }).toEqual({
    error: undefined,
    accepted: 0,
    falseRejections: 0,
    examples: [],
  });
  expect(result.legitimate).toBeGreaterThanOrEqual(3);
  expect(result.attempts).toBeGreaterThanOrEqual(2);
  expect(result.flagged).toBe(result.attempts);
  for (const attack of result.byAttack) expect(attack.answers).toEqual([refusal]);
  expect(result.notRun).toEqual([]);
  expect(result.figures.filter((f) => !f.ok)).toEqual([]);
}

describe("rig campaign: impossible travel", () => {
  let real: CampaignResult;
  let twin: CampaignResult;

  beforeAll(async () => {
    real = await runAgainst(impossibleTravelCampaign, () => startEmbeddedHost());
    twin = await runAgainst(impossibleTravelCampaign, () => startEmbeddedHost(travelBlindStore));
  }, 2 * EMBEDDED_TIMEOUT);

  it("accepts no attack and refuses no legitimate tap on the real host, and flags every attack", () => {
    expectClean(real, "IMPOSSIBLE_TRAVEL");
  });

  it("catches its weakened twin: without the stamp's last tap, the stamp is accepted at both shops within seconds", () => {
    expect(twin.error).toBeUndefined();
    expect(twin.accepted).toBe(twin.attempts);
    expect(twin.falseRejections).toBe(0);
  });
});

describe("rig campaign: relay", () => {
  let real: CampaignResult;
  let twin: CampaignResult;

  beforeAll(async () => {
    real = await runAgainst(relayCampaign, () => startEmbeddedHost());
  }, EMBEDDED_TIMEOUT);

  beforeAll(async () => {
    twin = await runAgainst(relayCampaign, () => startChildHost("relay-blind-hooks.mjs", "relay-blind twin"));
  }, CHILD_TIMEOUT);

  it("accepts no held reply and refuses no legitimate tap on the real host, and flags every attack", () => {
    expectClean(real, "POSSIBLE_RELAY");
  });

  it("catches its weakened twin: without the relay rule, the held reply is accepted", () => {
    expect(twin.error).toBeUndefined();
    expect(twin.accepted).toBeGreaterThan(0);
    expect(twin.falseRejections).toBe(0);
  });
});
