/**
 * The key-extraction campaign, short run: a stamp provisioned through the real host, locked and
 * power-cycled, its NFC tag swept page by page and command by command, its BLE writes captured,
 * and (with ESPRUINO_BIN or ESPRUINO_ARM_BIN, and socat) its console on the Puck-like Espruino
 * probed, the x86-64 build and the ARM build under qemu-arm: no output may
 * hold the key. Its twin, a build with the seed in the tag's last pages, must be caught.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FIRMWARE_DIR } from "../../host/flashing/firmware-image";
import { CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { keyExtractionCampaign } from "../../rig/campaigns/key-extraction";
import { startEmbeddedHost } from "../../rig/embedded-host";
import { runCampaign } from "../../rig/runner";
import { RunningHost } from "../../rig/twin";
import { deviceKinds } from "../flashing/device-bridge";
import { EspruinoBenches, startEspruinoBenches } from "./espruino-console-bench";
import { leakyStampTwin } from "./twins/leaky-tag-build";

/** Two in-process hosts, two simulated stamps and about 2,000 NFC frames each: seconds. */
const RUN_TIMEOUT = 120_000;

describe("key-extraction campaign, short run (simulated stamp)", () => {
  const hosts: RunningHost[] = [];
  let real: CampaignResult;
  let twin: CampaignResult;

  beforeAll(async () => {
    const host = await startEmbeddedHost();
    hosts.push(host);
    real = await runCampaign(keyExtractionCampaign, host.target, SHORT_BUDGET);
    const leaky = await leakyStampTwin.start();
    hosts.push(leaky);
    twin = await runCampaign(keyExtractionCampaign, leaky.target, SHORT_BUDGET);
  }, RUN_TIMEOUT);

  afterAll(async () => {
    for (const host of hosts) await host.stop();
  }, 30_000);

  it("finds the key in no NFC answer and no BLE write, and the stamp's NFC and BLE taps are accepted", () => {
    expect({ error: real.error, accepted: real.accepted, falseRejections: real.falseRejections, examples: real.acceptedExamples }).toEqual({ error: undefined, accepted: 0, falseRejections: 0, examples: [] });
    expect(real.attempts).toBe(3 + 1);
    expect(real.legitimate).toBe(2);
  });

  it("says the console attacks did not run without an Espruino bench", () => {
    expect(real.notRun.map((n) => n.attack)).toEqual(["console/UART of a locked stamp on Espruino"]);
  });

  it("catches its twin: the seed in the tag's last pages is found by the sweep before any tap", () => {
    expect(twin.falseRejections).toBe(0);
    expect(twin.accepted).toBeGreaterThan(0);
    // The tap's mailbox writes then reuse those pages, so the later sweeps need not see it.
    expect(twin.byAttack.find((a) => a.attack === "NFC: every page and command byte, before any tap")?.accepted).toBe(1);
  });
});

const kinds = deviceKinds();
const bundleBuilt = existsSync(join(DEFAULT_FIRMWARE_DIR, "stamp.js"));

/** Uploading the 17 KB bundle line by line, then a dozen power-ons: about 30 s on an idle x86 machine, about the same under qemu-arm. */
const ESPRUINO_TIMEOUT = 240_000;

for (const [build, espruino] of [["x86_64", kinds.x86], ["ARM under qemu-arm", kinds.arm]] as const) {
  const onEspruino = espruino !== undefined && bundleBuilt ? describe : describe.skip;
  const why = espruino === undefined ? `${build}: ESPRUINO_BIN / ESPRUINO_ARM_BIN or socat missing` : bundleBuilt ? espruino.label : "dist/firmware/stamp.js not built";

  onEspruino(`key-extraction campaign on the Puck-like Espruino (${why})`, () => {
    let host: RunningHost;
    let benches: EspruinoBenches;
    let locked: CampaignResult;
    let unlocked: CampaignResult;

    beforeAll(async () => {
      if (espruino === undefined) throw new Error("no Espruino");
      host = await startEmbeddedHost();
      benches = await startEspruinoBenches(espruino);
      locked = await runCampaign(keyExtractionCampaign, { ...host.target, lockedConsoles: [benches.locked] }, SHORT_BUDGET);
      unlocked = await runCampaign(keyExtractionCampaign, { ...host.target, lockedConsoles: [benches.unlocked] }, SHORT_BUDGET);
    }, ESPRUINO_TIMEOUT);

    afterAll(async () => {
      benches?.remove();
      await host?.stop();
    }, 30_000);

    it("gets no answer (but the console-moved notice) and no key from the locked stamp's console, and runs every interface", () => {
      expect({ error: locked.error, accepted: locked.accepted, falseRejections: locked.falseRejections, examples: locked.acceptedExamples }).toEqual({ error: undefined, accepted: 0, falseRejections: 0, examples: [] });
      expect(locked.notRun).toEqual([]);
      const consoleRows = locked.byAttack.filter((a) => a.attack.startsWith("console:"));
      expect(consoleRows.length).toBe(10);
      for (const row of consoleRows) expect(row.attack.endsWith(`(${espruino?.label})`), row.attack).toBe(true);
      // The one thing a locked stamp prints: Espruino's notice that the console moved away ("-> null"), at boot.
      const silent = new Set(["no answer", "answered: \u001b[J-> null"]);
      for (const row of consoleRows) expect(row.answers.filter((a) => !silent.has(a)), row.attack).toEqual([]);
    });

    it("reports the documented physical door: powered on with the button held, the seed file is readable", () => {
      expect(locked.figures.map((f) => [f.name.startsWith("physical access"), f.value])).toEqual([[true, "yes"]]);
    });

    it("catches its twin: a stamp left unlocked gives its seed on the console", () => {
      expect(unlocked.accepted).toBeGreaterThan(0);
      expect(unlocked.byAttack.find((a) => a.attack === `console: read the seed file (${espruino?.label})`)?.accepted).toBe(1);
    });
  });
}
