/**
 * A BLE counter station started with no usable adapter (host/ble/ble-supervisor.ts) waits for
 * one: it says why within seconds, once per reason, tries again with growing pauses, stops at
 * once while waiting, and serves a tap as soon as the adapter is there — without a restart. The
 * adapter is an emulated HCI controller whose state the test changes, as in
 * ble-adapter-outage.test.ts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { splitIntoChunks } from "../../shared/ble-gatt";
import { StampStatus } from "../../shared/stamp-reply";
import { superviseBleStation } from "../../host/ble/ble-supervisor";
import { Verdict } from "../../host/core/verdict";
import { apiStation } from "../../sim/api-station";
import { ControllerOptions, EmulatedHciController } from "../../sim/ble-hci/emulated-controller";
import { loadBlenoOver } from "../../sim/ble-hci/hci-socket-substitute";
import { createTestWorld } from "../support/test-world";
import { connectRaw, readWholeChallenge, until, verifierOf } from "./ble-world";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Heard {
  /** When each start was attempted (bleno loaded), in ms since the epoch. */
  attempts: number[];
  waiting: Error[];
  serving: string[];
  verdicts: Verdict[];
  errors: Error[];
}

/** A supervised station over its own emulated controller, which starts in the `adapter` state. */
async function startWaiting(adapter: ControllerOptions["adapter"], retry: { firstMs: number; maxMs: number }) {
  const world = await createTestWorld();
  const controller = new EmulatedHciController({ adapter: adapter });
  const api = apiStation(world.store, { keyId: world.gangnamStation.keyId, privateKey: world.gangnamStation.key.privateKey });
  const heard: Heard = { attempts: [], waiting: [], serving: [], verdicts: [], errors: [] };
  const supervisor = superviseBleStation(
    api.service,
    {
      verifierId: verifierOf(world.gangnamStation),
      // Generous: the first tap also starts the in-process API, slow on a loaded machine.
      idleTimeoutMs: 10_000,
      maxConnectionMs: 30_000,
      retry: retry,
      onVerdict: (verdict) => heard.verdicts.push(verdict),
      onError: (error) => heard.errors.push(error),
      onWaiting: (error) => heard.waiting.push(error),
      onServing: (address) => heard.serving.push(address),
    },
    {
      loadBleno: () => {
        heard.attempts.push(Date.now());
        return loadBlenoOver(controller);
      },
    },
  );
  cleanups.push(async () => {
    await supervisor.stop();
    await api.close();
  });
  return { ...heard, supervisor, controller, world };
}

describe("the BLE station started without a usable adapter", () => {
  it("says why within seconds, once per reason, retries with growing pauses, and serves a tap once the adapter is there", async () => {
    const started = Date.now();
    const s = await startWaiting("no-device", { firstMs: 100, maxMs: 400 });
    await until(() => s.waiting.length > 0, 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(s.waiting.map((e) => e.message)).toEqual([expect.stringMatching(/^no Bluetooth adapter: no HCI device found/)]);

    // Still missing: more attempts, the same reason said once, each pause at least the policy's.
    await until(() => s.attempts.length >= 4, 10_000);
    expect(s.waiting).toHaveLength(1);
    const pauses = s.attempts.slice(1, 4).map((at, i) => at - s.attempts[i]);
    [100, 200, 400].forEach((least, i) => expect(pauses[i], `pause ${i + 1}`).toBeGreaterThanOrEqual(least - 5));

    // Plugged in but down: a new reason, said once.
    s.controller.options.adapter = "down";
    await until(() => s.waiting.length === 2, 5000);
    expect(s.waiting[1].message).toMatch(/^no Bluetooth adapter: the adapter is powered off or down/);

    // Up: the station advertises on it and serves.
    s.controller.options.adapter = "present";
    await until(() => s.serving.length === 1 && s.controller.advertising, 5000);
    expect(s.serving).toEqual([s.controller.options.address]);
    const c = await connectRaw(s.controller, 53);
    const challenge = await readWholeChallenge(c.central, c.challenge);
    for (const part of splitIntoChunks(new Uint8Array([StampStatus.OK, ...s.world.stamp.answer(challenge)]), 50)) await c.central.write(c.response, part);
    expect(await c.central.read(c.verdict)).toEqual(new Uint8Array([0]));
    c.central.disconnect();
    expect(s.verdicts.map((v) => v.reason)).toEqual(["ACCEPTED"]);
    expect(s.errors).toEqual([]);

    const stopping = Date.now();
    await s.supervisor.stop();
    expect(Date.now() - stopping).toBeLessThan(2000);
  }, 30_000);

  it("stops at once while it waits between attempts, and tries no more", async () => {
    const s = await startWaiting("no-kernel-support", { firstMs: 60_000, maxMs: 60_000 });
    await until(() => s.waiting.length > 0, 5000);
    expect(s.waiting[0].message).toMatch(/^no Bluetooth adapter: this kernel has no Bluetooth support/);
    const stopping = Date.now();
    await s.supervisor.stop();
    expect(Date.now() - stopping).toBeLessThan(2000);
    // stop() resolves once the retry loop has ended: no attempt can follow.
    expect(s.attempts).toHaveLength(1);
    expect(s.serving).toEqual([]);
  }, 20_000);
});
