/**
 * The registration-forgery campaign, short run: against the real host (buildServer on a
 * temporary SQLite file) every forged registration is refused and the genuine ones (and a tap
 * by each) accepted; against its twin, a host whose registration core passes any key and any
 * proof (own process, module hooks), the forgeries go through.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { registrationForgeryCampaign } from "../../rig/campaigns/registration-forgery";
import { startEmbeddedHost } from "../../rig/embedded-host";
import { runCampaign } from "../../rig/runner";
import { RunningHost } from "../../rig/twin";
import { laxRegistrationTwin } from "./twins/lax-registration";

/** Two hosts (one a tsx child, slow to compile under load) and some thirty registrations: seconds idle. */
const RUN_TIMEOUT = 180_000;

describe("registration-forgery campaign, short run", () => {
  let host: RunningHost;
  let twinHost: RunningHost;
  let real: CampaignResult;
  let twin: CampaignResult;

  beforeAll(async () => {
    host = await startEmbeddedHost();
    real = await runCampaign(registrationForgeryCampaign, host.target, SHORT_BUDGET);
    twinHost = await laxRegistrationTwin.start();
    twin = await runCampaign(registrationForgeryCampaign, twinHost.target, SHORT_BUDGET);
  }, RUN_TIMEOUT);

  afterAll(async () => {
    await host?.stop();
    await twinHost?.stop();
  }, 30_000);

  it("refuses every forged registration and accepts the genuine ones on the real host", () => {
    expect({ accepted: real.accepted, falseRejections: real.falseRejections, examples: real.acceptedExamples }).toEqual({ accepted: 0, falseRejections: 0, examples: [] });
    expect(real.notRun).toEqual([]);
    // 8 small-order + 5 non-canonical keys, 4 keys without their proof, 4 replays, 3 misused challenges.
    expect(real.attempts).toBe(8 + 5 + 4 + 4 + 3);
    // Two genuine registrations, each followed by a tap.
    expect(real.legitimate).toBe(4);
    for (const row of real.byAttack) expect(row.answers.every((a) => /^HTTP 4\d\d /.test(a)), `${row.attack}: ${row.answers.join(", ")}`).toBe(true);
  });

  it("names the refusals: weak keys as WEAK_KEY, proofs that do not hold as PROOF_INVALID", () => {
    const answers = (prefix: string) => real.byAttack.filter((a) => a.attack.startsWith(prefix)).flatMap((a) => a.answers);
    expect(new Set(answers("small-order"))).toEqual(new Set(["HTTP 422 WEAK_KEY"]));
    expect(new Set(answers("non-canonical"))).toEqual(new Set(["HTTP 422 WEAK_KEY"]));
  });

  it("flags the forgeries the owner is alerted to (their station named), and no refusal an honest station meets too", () => {
    const flagged = (attack: string) => real.byAttack.find((a) => a.attack === attack)?.flagged;
    // 8 small-order + 5 non-canonical keys, 4 keys without their proof, 2 replays the host cannot
    // tell from forgeries (a new challenge; another station), a challenge issued to another station.
    expect(real.flagged).toBe(8 + 5 + 4 + 2 + 1);
    expect(flagged("replayed proof: sent by another flashing station")).toBe(1);
    expect(flagged("replayed proof: the accepted registration again")).toBe(0);
    expect(flagged("genuine proof for unapproved firmware")).toBe(0);
  });

  it("catches its twin: small-order keys and other stamps' proofs are registered there", () => {
    expect(twin.falseRejections).toBe(0);
    const accepted = (attack: string) => twin.byAttack.find((a) => a.attack === attack)?.accepted ?? 0;
    expect(accepted("small-order key with a keyless proof (R = O, S = 0)")).toBeGreaterThan(0);
    expect(accepted("another stamp's genuine proof, with the victim's key")).toBe(1);
    expect(accepted("the victim's key, signed by another stamp's key")).toBe(1);
    // Replays stay refused even there: the challenge is single-use, checked outside the weakened module.
    expect(accepted("replayed proof: the accepted registration again")).toBe(0);
  });
});
