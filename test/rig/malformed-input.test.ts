/**
 * The malformed-input campaign, short run, against the real host (buildServer on a temporary
 * SQLite file, over HTTP): every decoder total, no hang, no 5xx, nothing recorded, and the
 * legitimate taps around the fuzzing accepted; the HTTP routes reached in process as over the
 * network. Then its twin: the same campaign with a decoder
 * that is not total in its list must report accepted attacks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { malformedInputCampaign, malformedInputCampaignWith } from "../../rig/campaigns/malformed-input";
import { startEmbeddedHost } from "../../rig/embedded-host";
import { fuzzTarget } from "../../rig/fuzz/fuzz-decoder";
import { httpBodyTargets } from "../../rig/fuzz/http-bodies";
import { productDecoders } from "../../rig/fuzz/product-decoders";
import { runCampaign } from "../../rig/runner";
import { RunningHost } from "../../rig/twin";
import { setUpRigWorld } from "../../rig/world/rig-world";
import { CHILD_HOST_READY_MS, startChildHost } from "./twins/child-host";
import { partialChallengeDecoder } from "./twins/partial-decoder";


/** The short campaign takes a few seconds idle; twice that and a loaded 2-core machine's margin. */
const RUN_TIMEOUT = 120_000;
/** The host twin's process compiles with tsx first (its readiness wait is CHILD_HOST_READY_MS), then one short run. */
const TWIN_HOST_TIMEOUT = CHILD_HOST_READY_MS + RUN_TIMEOUT;

describe("malformed-input campaign, short run", () => {
  let host: RunningHost;
  let real: CampaignResult;
  let twin: CampaignResult;

  beforeAll(async () => {
    host = await startEmbeddedHost();
    real = await runCampaign(malformedInputCampaign, host.target, SHORT_BUDGET);
    twin = await runCampaign(
      malformedInputCampaignWith(() => [...productDecoders(), fuzzTarget(partialChallengeDecoder)]),
      host.target,
      SHORT_BUDGET,
    );
  }, RUN_TIMEOUT);

  afterAll(async () => {
    await host?.stop();
  }, 30_000);

  it("finds every decoder total on the real parts, records nothing and refuses no legitimate tap", () => {
    expect({ accepted: real.accepted, falseRejections: real.falseRejections, examples: real.acceptedExamples }).toEqual({ accepted: 0, falseRejections: 0, examples: [] });
    expect(real.legitimate).toBe(2);
    expect(real.figures.filter((f) => !f.ok)).toEqual([]);
    expect(real.notRun).toEqual([]);
  });

  it("calls every decoder, in process and over HTTP, with the short budget's inputs", () => {
    const sent = new Map(real.byAttack.map((a) => [a.attack, a.sent]));
    // The product's in-process decoders, the BLE write handler, three HTTP routes, and "nothing recorded".
    expect(real.byAttack.length).toBe(productDecoders().length + 1 + 3 + 1);
    for (const [attack, count] of sent) {
      if (attack.includes("nothing recorded")) expect(count).toBe(1);
      else if (attack.includes("HTTP")) expect(count).toBe(80);
      else expect(count).toBe(300);
    }
    expect(real.byAttack.find((a) => a.attack.includes("/v1/taps bodies"))?.answers).toEqual(["typed value or error"]);
  });

  it(
    "reaches the HTTP routes in process on a host the rig started (the full run's 100,000 per route), judged as over the network",
    async () => {
      const world = await setUpRigWorld(host.target);
      const inProcess = httpBodyTargets(world, true);
      const network = httpBodyTargets(world, false);
      try {
        for (const [i, target] of inProcess.targets.entries()) {
          const run = await target.run(40, 7);
          expect(run.name).toMatch(/, in process\)$/);
          expect({ calls: run.calls, failures: run.failures }).toEqual({ calls: 80, failures: 0 });
          const overNetwork = await network.targets[i].run(40, 7);
          expect(overNetwork.name).toBe(run.name.replace("in process", "over HTTP"));
          expect({ calls: overNetwork.calls, failures: overNetwork.failures }).toEqual({ calls: 80, failures: 0 });
        }
        // The same malformed body, signed by the same station, answered alike on both paths.
        const body = { response: "zz" };
        const viaNetwork = await world.home.client.request("POST", "/v1/taps", body);
        const inject = host.target.inProcessTransport;
        if (inject === undefined) throw new Error("the embedded host offers no in-process transport");
        const viaInject = await world.home.client.through(inject()).request("POST", "/v1/taps", body);
        expect({ status: viaInject.status, body: viaInject.body }).toEqual({ status: viaNetwork.status, body: viaNetwork.body });
        expect(viaInject.status).toBe(400);
      } finally {
        await inProcess.close();
        await network.close();
        await world.close();
      }
      // Closing the in-process transport left the host serving.
      expect((await fetch(`${host.target.url}/healthz`)).status).toBe(200);
    },
    RUN_TIMEOUT,
  );

  it("catches its twin: a decoder that reads past the end is reported accepted", () => {
    expect(twin.accepted).toBeGreaterThan(0);
    expect(twin.falseRejections).toBe(0);
    const weak = twin.byAttack.find((a) => a.attack.includes("weakened"));
    expect(weak?.accepted).toBeGreaterThan(0);
    expect(twin.acceptedExamples[0]?.answer).toMatch(/^threw \(TypeError/);
    expect(twin.byAttack.filter((a) => !a.attack.includes("weakened")).every((a) => a.accepted === 0)).toBe(true);
  });

  it(
    "catches its host twin: a tap verifier whose decoder throws on a counter of 2^31 or more answers 5xx, reported accepted",
    async () => {
      const twinHost = await startChildHost("int32-tap-response-hooks.mjs", "int32 tap-response twin");
      try {
        const result = await runCampaign(malformedInputCampaign, twinHost.target, SHORT_BUDGET);
        expect(result.accepted).toBeGreaterThan(0);
        expect(result.falseRejections).toBe(0);
        const taps = result.byAttack.find((a) => a.attack.includes("/v1/taps bodies"));
        expect(taps?.accepted).toBeGreaterThan(0);
        expect(taps?.answers.some((a) => a.startsWith("wrong answer (HTTP 500"))).toBe(true);
      } finally {
        await twinHost.stop();
      }
    },
    TWIN_HOST_TIMEOUT,
  );
});
