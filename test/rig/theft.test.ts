/**
 * The theft campaign, short run: against the real host (buildServer on a temporary SQLite file,
 * over loopback HTTP) a stamp at a shop it is not bound to, and a stamp bound to one verifier at
 * another verifier of its shop, are each refused as OUTSIDE_SHOP and flagged, with every
 * legitimate tap accepted; against its twin (a store that reads every stamp as bound to all its
 * merchant's shops and to any verifier) both are accepted.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { theftCampaign } from "../../rig/campaigns/theft";
import { startEmbeddedHost } from "../../rig/embedded-host";
import { runCampaign } from "../../rig/runner";
import { unboundStore } from "./twins/unbound-store";

/** Two short runs, each a host start and some thirty taps over loopback HTTP: seconds idle. */
const RUN_TIMEOUT = 120_000;

const ATTACKS = ["stamp pressed at a shop it is not bound to", "stamp bound to one verifier pressed at another verifier of its shop"];

describe("theft campaign, short run", () => {
  let real: CampaignResult;
  let twin: CampaignResult;

  beforeAll(async () => {
    const host = await startEmbeddedHost();
    try {
      real = await runCampaign(theftCampaign, host.target, SHORT_BUDGET);
    } finally {
      await host.stop();
    }
    const weakened = await startEmbeddedHost(unboundStore);
    try {
      twin = await runCampaign(theftCampaign, weakened.target, SHORT_BUDGET);
    } finally {
      await weakened.stop();
    }
  }, RUN_TIMEOUT);

  it("refuses and flags both places on the real host, and refuses no legitimate tap", () => {
    expect({ accepted: real.accepted, falseRejections: real.falseRejections, notRun: real.notRun }).toEqual({ accepted: 0, falseRejections: 0, notRun: [] });
    for (const attack of ATTACKS) {
      const row = real.byAttack.find((a) => a.attack === attack);
      expect(row, attack).toMatchObject({ sent: 3, accepted: 0, flagged: 3, answers: ["OUTSIDE_SHOP"] });
    }
    expect(real.legitimate).toBe(3 + 1 + 3 * 2 + 1);
  });

  it("catches its twin on both: a store that reads every stamp as bound everywhere", () => {
    for (const attack of ATTACKS) expect(twin.byAttack.find((a) => a.attack === attack)?.accepted, attack).toBe(3);
    expect(twin.falseRejections).toBe(0);
  });
});
