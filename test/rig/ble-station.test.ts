/**
 * The ble-station campaign, short run: through bleno over the emulated HCI controller, the
 * product's BLE station and its signed HTTP requests, the real host accepts no attack and no
 * genuine press is refused; its twin (a store that forgets spent challenges and counters) lets the
 * sniffed reply through; without a bench the campaign says it did not run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { bleStationCampaign } from "../../rig/campaigns/ble-station";
import { startEmbeddedHost } from "../../rig/embedded-host";
import { runCampaign } from "../../rig/runner";
import { RunningHost } from "../../rig/twin";
import { withBleBench } from "./ble-bench-emulated";
import { bleStationTwin } from "./twins/ble-station-twin";

/** Two hosts in this process, about 50 BLE connections and a dozen presses each (the stamp's native signer runs a process per signature): seconds idle. */
const RUN_TIMEOUT = 180_000;

function answersOf(result: CampaignResult, attack: string): string[] {
  const found = result.byAttack.find((a) => a.attack.startsWith(attack));
  if (found === undefined) throw new Error(`no sub-attack "${attack}" in ${result.byAttack.map((a) => a.attack).join(" | ")}`);
  return found.answers;
}

describe("ble-station campaign, short run", () => {
  const hosts: RunningHost[] = [];
  let real: CampaignResult;
  let twin: CampaignResult;
  let remote: CampaignResult;

  beforeAll(async () => {
    const host = await startEmbeddedHost();
    hosts.push(host);
    real = await runCampaign(bleStationCampaign, withBleBench(host).target, SHORT_BUDGET);
    remote = await runCampaign(bleStationCampaign, host.target, SHORT_BUDGET);
    const weak = await bleStationTwin.start();
    hosts.push(weak);
    twin = await runCampaign(bleStationCampaign, weak.target, SHORT_BUDGET);
  }, RUN_TIMEOUT);

  afterAll(async () => {
    for (const host of hosts) await host.stop();
  }, 30_000);

  it("accepts no attack through the BLE station and refuses no genuine press", () => {
    expect({ error: real.error, accepted: real.accepted, falseRejections: real.falseRejections, examples: real.acceptedExamples }).toEqual({ error: undefined, accepted: 0, falseRejections: 0, examples: [] });
    expect(real.notRun).toEqual([]);
    expect(real.figures.filter((f) => !f.ok)).toEqual([]);
    expect(real.attempts).toBeGreaterThan(15);
    expect(real.legitimate).toBeGreaterThanOrEqual(6);
  });

  it("gets the host's own refusals through the radio: reused challenge, bad signature, relay, regression; the station's ATT refusals for bad framing", () => {
    expect(answersOf(real, "replay: a sniffed genuine reply")).toEqual(["verdict byte CHALLENGE_REUSED, judged CHALLENGE_REUSED"]);
    for (const flip of real.byAttack.filter((a) => a.attack.startsWith("bit flip"))) expect({ attack: flip.attack, flagged: flip.flagged, answers: flip.answers }).toEqual({ attack: flip.attack, flagged: flip.sent, answers: ["verdict byte BAD_SIGNATURE, judged BAD_SIGNATURE"] });
    expect(answersOf(real, "reply held")).toEqual(["verdict byte POSSIBLE_RELAY, judged POSSIBLE_RELAY"]);
    expect(answersOf(real, "griefing: earlier reply, relayed late")).toEqual(["verdict byte COUNTER_REGRESSION, judged COUNTER_REGRESSION"]);
    expect(answersOf(real, "ATT writes out of order")[0]).toMatch(/^ATT CHUNK_OUT_OF_ORDER, ok, ATT CHUNK_OUT_OF_ORDER, ATT CHUNK_OUT_OF_ORDER, verdict read: ATT VERDICT_NOT_READY, nothing judged$/);
    expect(answersOf(real, "ATT writes oversized")).toEqual(["ok, ATT INVALID_ATTRIBUTE_VALUE_LENGTH, verdict read: ATT VERDICT_NOT_READY, nothing judged"]);
    // bleno does not hold a central to the MTU: a value longer than it reaches the station whole, and the host judges it as any reply.
    expect(answersOf(real, "ATT write beyond the MTU")).toEqual(["ok, verdict byte CHALLENGE_REUSED, judged CHALLENGE_REUSED"]);
    expect(answersOf(real, "ATT long write")).toEqual(["ok, ok, ok, ok, ok, ok, ok, verdict byte CHALLENGE_REUSED, judged CHALLENGE_REUSED"]);
    expect(answersOf(real, "ATT prepared write at an offset")).toEqual(["ok, ATT INVALID_OFFSET, verdict read: ATT VERDICT_NOT_READY, nothing judged"]);
    for (const cut of answersOf(real, "disconnect mid-exchange")) expect(cut).toMatch(/after reconnecting: ATT CHUNK_OUT_OF_ORDER, verdict read: ATT VERDICT_NOT_READY, nothing judged$/);
  });

  it("catches its twin: the sniffed reply replayed over BLE is accepted there", () => {
    expect(twin.error).toBeUndefined();
    expect(twin.accepted).toBeGreaterThan(0);
    expect(twin.byAttack.filter((a) => a.accepted > 0).map((a) => a.attack)).toEqual([
      "replay: a sniffed genuine reply, written as heard on the next connection",
      "replay: the sniffed reply re-chunked for MTU 23",
      "ATT write beyond the MTU: the whole reply in one Write Request at MTU 23, fragmented on the link",
      "ATT long write: the reply in Prepare Write fragments beyond the MTU, then Execute",
      "griefing: earlier reply, relayed late",
    ]);
    expect(twin.falseRejections).toBe(0);
  });

  it("does not run without a BLE bench, and says why", () => {
    expect(remote.attempts).toBe(0);
    expect(remote.notRun.map((n) => n.attack)).toEqual(["ble-station"]);
    expect(remote.notRun[0].why).toMatch(/no BLE bench/);
  });
});
