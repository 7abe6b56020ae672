/**
 * The rig's BLE bench over the emulated HCI controller the BLE tests use (sim/ble-hci,
 * test/ble/): bleno's own HCI, L2CAP, ATT and GATT code over an emulated controller, the
 * product's BLE counter station on it as `stamp serve --ble --url` runs it (superviseBleStation,
 * apiTapService over the station's own signed HTTP requests to the rig's host), genuine stamps
 * running the firmware over Espruino's NRF API (test/ble/stamp-world.ts), the attacker's central
 * (test/ble/ble-world.ts's raw ATT client) and a rogue peripheral (the same GATT server on the
 * attacker's radio). Test code: the rig's runner gets it on its Target, the product never sees it.
 */
import { apiTapService } from "../../host/client/api-tap-service";
import { superviseBleStation } from "../../host/ble/ble-supervisor";
import { loadBlenoOver } from "../../sim/ble-hci/hci-socket-substitute";
import { simulatedStampSigner } from "../../sim/stamp-signer";
import { AnnouncedVerdict, BleBench, BleCounter, BleStamp } from "../../rig/radio/ble-bench";
import { RunningHost } from "../../rig/twin";
import { RigStation } from "../../rig/world/rig-station";
import { connectRaw, until } from "../ble/ble-world";
import { bootStamp } from "../ble/stamp-world";
import { attackerLink } from "./ble-bench-attacker";
import { RunningRogue, ROGUE_RSSI, startRogue } from "./ble-bench-rogue";
import { SniffedController } from "./ble-bench-sniffer";

/** The idle timeout `stamp serve --ble` gives its station (host/cli/commands/stations.ts). */
const SERVE_IDLE_TIMEOUT_MS = 5_000;
/** How long the station may take to advertise after it was started (bleno's HCI set-up over the emulated controller takes milliseconds). */
const START_TIMEOUT_MS = 15_000;
/** A stamp held at the counter. */
const COUNTER_RSSI = -60;
const COUNTER_ADDRESS = "c0:ff:ee:00:00:01";

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves when the supervised station advertises; rejects when it says it is waiting for an adapter, or after the start timeout. */
function serving(start: (handlers: { onServing(): void; onWaiting(error: Error): void }) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the BLE station did not advertise within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    start({
      onServing() {
        clearTimeout(timer);
        resolve();
      },
      onWaiting(error) {
        clearTimeout(timer);
        reject(new Error(`the BLE station could not start: ${error.message}`));
      },
    });
  });
}

async function startCounter(station: RigStation): Promise<BleCounter> {
  const controller = new SniffedController({ address: COUNTER_ADDRESS });
  const verdicts: AnnouncedVerdict[] = [];
  const errors: string[] = [];
  const rogues: RunningRogue[] = [];
  let supervised: { stop(): Promise<void> } | undefined;
  await serving((ready) => {
    supervised = superviseBleStation(
      apiTapService(station.client),
      {
        verifierId: station.verifierId,
        idleTimeoutMs: SERVE_IDLE_TIMEOUT_MS,
        onVerdict: (verdict, client) => verdicts.push({ reason: verdict.reason, accepted: verdict.accepted, client: client }),
        onError: (error) => errors.push(error.message),
        onWaiting: (error) => ready.onWaiting(error),
        onServing: () => ready.onServing(),
      },
      { loadBleno: () => loadBlenoOver(controller) },
    );
  }).catch(async (error: unknown) => {
    await supervised?.stop();
    throw error;
  });
  const stop = async () => {
    for (const rogue of rogues.splice(0)) await rogue.stop();
    await supervised?.stop();
  };
  let responseHandle: number;
  try {
    // The response characteristic's handle, found as any central finds it: what the sniffer keeps.
    const probe = await connectRaw(controller, 23);
    responseHandle = probe.response;
    probe.central.disconnect();
    await until(() => controller.advertising, START_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  /** The genuine stamps' radio addresses: the sniffer keeps what they wrote, not the attacker's writes. */
  const stampAddresses = new Set<string>();
  return {
    connect: (mtu) => attackerLink(controller, mtu),
    stampInReach(flash) {
      const address = `d4:5e:c0:00:00:${(stampAddresses.size + 1).toString(16).padStart(2, "0")}`;
      stampAddresses.add(address);
      // The firmware's BLE tap over Espruino's NRF API, signing with the stamp's C Ed25519 built for this machine.
      const stamp = bootStamp([], { address: address }, flash);
      stamp.nrf.stations.push({ controller: controller, rssi: COUNTER_RSSI });
      const bleStamp: BleStamp = {
        press() {
          stamp.device.press();
          return stamp.runtime.lastBleTap;
        },
        near(rogue) {
          const others = stamp.nrf.stations.filter((s) => s.controller === controller);
          stamp.nrf.stations.splice(0, stamp.nrf.stations.length, ...others);
          if (rogue === undefined) return;
          const running = rogues.find((r) => r === rogue);
          if (running === undefined) throw new Error("this rogue peripheral is not on this bench");
          stamp.nrf.stations.push({ controller: running.controller, rssi: ROGUE_RSSI });
        },
      };
      return bleStamp;
    },
    async startRogue() {
      const rogue = await startRogue(station.verifierId, `0a:77:ac:ce:00:${(rogues.length + 1).toString(16).padStart(2, "0")}`);
      rogues.push(rogue);
      return rogue;
    },
    verdicts: () => verdicts,
    sniffedReplies: () =>
      controller.heard
        .filter((connection) => stampAddresses.has(connection.peer))
        .map((connection) => connection.writes.filter((w) => w.handle === responseHandle).map((w) => w.value))
        .filter((writes) => writes.length > 0),
    faults: () => [...errors, ...controller.violations],
    stop: stop,
  };
}

/** The bench, or why this machine cannot run it (the stamps' native signer could not be built). */
export function emulatedBleBench(): { ok: true; bench: BleBench } | { ok: false; why: string } {
  try {
    simulatedStampSigner();
  } catch (error) {
    return { ok: false, why: `the simulated stamp's native signer is not available: ${messageOf(error)}` };
  }
  return { ok: true, bench: { label: "bleno over an emulated HCI controller (sim/ble-hci), the firmware's BLE tap on simulated stamps", startCounter: startCounter } };
}

/** A host the rig started, with the bench on its target; throws (with why) on a machine that cannot run the bench. */
export function withBleBench(host: RunningHost): RunningHost {
  const bench = emulatedBleBench();
  if (!bench.ok) throw new Error(bench.why);
  return { target: { ...host.target, bleBench: bench.bench }, stop: () => host.stop() };
}
