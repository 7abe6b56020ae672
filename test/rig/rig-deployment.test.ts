/**
 * The rig against a host whose clock it cannot move, as against a deployment: the expired
 * challenge is reported as not run in a short run (never as passed), and nonce quality spends
 * each challenge with a legitimate tap instead of letting batches expire.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHORT_BUDGET } from "../../rig/campaign";
import { challengeMisuseCampaign } from "../../rig/campaigns/challenge-misuse";
import { nonceQualityCampaign } from "../../rig/campaigns/nonce-quality";
import { startEmbeddedHost } from "../../rig/embedded-host";
import { runCampaign } from "../../rig/runner";
import { RunningHost } from "../../rig/twin";
import { Target } from "../../rig/target";

/** Two short campaigns over loopback HTTP: a few seconds idle. */
const RUN_TIMEOUT = 120_000;

describe("security rig against a host whose clock it cannot move", () => {
  let host: RunningHost;
  let deployment: Target;

  beforeAll(async () => {
    host = await startEmbeddedHost();
    const { advanceClock: _unused, ...rest } = host.target;
    deployment = { ...rest, label: "like a deployment" };
  }, RUN_TIMEOUT);

  afterAll(() => host?.stop(), 30_000);

  it(
    "marks the expired challenge as not run in a short run, and runs the rest",
    async () => {
      const result = await runCampaign(challengeMisuseCampaign, deployment, SHORT_BUDGET);
      expect(result.notRun.map((n) => n.attack)).toEqual(["expired challenge"]);
      expect(result.byAttack.map((a) => a.attack)).not.toContain("expired challenge");
      expect({ accepted: result.accepted, falseRejections: result.falseRejections }).toEqual({ accepted: 0, falseRejections: 0 });
    },
    RUN_TIMEOUT,
  );

  it(
    "spends every sampled challenge with a legitimate tap, all accepted",
    async () => {
      const result = await runCampaign(nonceQualityCampaign, deployment, { ...SHORT_BUDGET, nonceSamples: 200 });
      expect({ attempts: result.attempts, accepted: result.accepted, legitimate: result.legitimate, falseRejections: result.falseRejections }).toEqual({
        attempts: 200,
        accepted: 0,
        legitimate: 201,
        falseRejections: 0,
      });
    },
    RUN_TIMEOUT,
  );
});
