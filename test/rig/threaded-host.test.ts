/**
 * The rig's host in a worker thread of its own (nonce quality's host in `npm run rig`): reached
 * over HTTP like the in-process one, and its clock moved by the rig through shared memory, seen
 * by the very next request: an open challenge expires at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CHALLENGE_TTL_MS } from "../../host/core/challenge-issuer";
import { startThreadedHost } from "../../rig/threaded-host";
import { RunningHost } from "../../rig/twin";
import { RigWorld, setUpRigWorld } from "../../rig/world/rig-world";

/** The worker compiles the host with tsx on a loaded 2-core machine. */
const START_TIMEOUT = 90_000;

describe("rig: the host in a thread of its own", () => {
  let host: RunningHost;
  let world: RigWorld;

  beforeAll(async () => {
    host = await startThreadedHost();
    world = await setUpRigWorld(host.target);
  }, START_TIMEOUT);

  afterAll(async () => {
    await world?.close();
    await host?.stop();
  }, 30_000);

  it("expires an open challenge as soon as the rig moves the clock past its TTL", async () => {
    const stamp = await world.newStamp();
    const issued = await world.home.challenge();
    if (!issued.ok) throw new Error(issued.answer);
    const before = host.target.clock();
    host.target.advanceClock?.(MAX_CHALLENGE_TTL_MS + 1_000);
    expect(host.target.clock() - before).toBeGreaterThanOrEqual(MAX_CHALLENGE_TTL_MS + 1_000);
    expect(await world.home.submit(stamp.tap(issued.challenge))).toMatchObject({ accepted: false, answer: "CHALLENGE_EXPIRED" });
  });

  it("serves a genuine tap", async () => {
    host.target.advanceClock?.(MAX_CHALLENGE_TTL_MS + 1_000);
    const stamp = await world.newStamp();
    const issued = await world.home.challenge();
    if (!issued.ok) throw new Error(issued.answer);
    expect(await world.home.submit(stamp.tap(issued.challenge))).toMatchObject({ accepted: true });
  });
});
