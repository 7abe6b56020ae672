import { approveFirmware } from "../../host/core/stamp-registration";
import { NfcErrorEvent, NfcMode, NfcStation, NfcStationOptions, NfcVerdictEvent, startNfcStation } from "../../host/nfc/nfc-station";
import { apiStation } from "../../sim/api-station";
import { apiFlashingStation, registerProvedStamp, SIMULATED_FIRMWARE_HASH, SIMULATED_FIRMWARE_LABEL } from "../../sim/provision";
import { VirtualStamp, VirtualStampOptions } from "../../sim/virtual-stamp/virtual-stamp";
import { createTestWorld, EnrolledStation, must } from "../support/test-world";

type TestWorld = Awaited<ReturnType<typeof createTestWorld>>;

/** Events from a station, awaited one by one. */
export class StationEvents {
  readonly verdicts: NfcVerdictEvent[] = [];
  readonly errors: NfcErrorEvent[] = [];
  readonly readers: string[] = [];
  /** Card present/absent transitions seen by the station. */
  readonly cards: boolean[] = [];
  private waiters: (() => void)[] = [];

  push(kind: "verdict", event: NfcVerdictEvent): void;
  push(kind: "error", event: NfcErrorEvent): void;
  push(kind: "verdict" | "error", event: NfcVerdictEvent | NfcErrorEvent): void {
    if (kind === "verdict") this.verdicts.push(event as NfcVerdictEvent);
    else this.errors.push(event as NfcErrorEvent);
    this.wake();
  }

  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits until the condition holds (checked on every event), or fails after timeoutMs. */
  async until(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; verdicts ${JSON.stringify(this.verdicts.map((v) => v.verdict.reason))}, errors ${JSON.stringify(this.errors.map((e) => `${e.phase}/${e.error.failure}: ${e.error.message}`))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/**
 * The NFC counter station as `stamp serve --nfc --station-key` runs it on a local database: it
 * reaches the host through the HTTP API in process, every request signed with its enrolled key.
 * stop() also closes its API client.
 */
export function startTestStation(
  world: TestWorld,
  enrolled: EnrolledStation,
  mode: NfcMode,
  readerName: string,
  extra: Pick<NfcStationOptions, "retry" | "contextTimeoutMs"> = {},
): { station: NfcStation; events: StationEvents } {
  const events = new StationEvents();
  const api = apiStation(world.store, { keyId: enrolled.keyId, privateKey: enrolled.key.privateKey });
  const station = startNfcStation(api.service, {
    ...extra,
    mode: mode,
    readerName: readerName,
    onVerdict: (event) => events.push("verdict", event),
    onError: (event) => events.push("error", event),
    onCard: (event) => {
      events.cards.push(event.present);
      events.wake();
    },
    onReader: (name) => {
      events.readers.push(name);
      events.wake();
    },
  });
  const stop = async () => {
    await station.stop();
    await api.close();
  };
  return { station: { idle: () => station.idle(), stop: stop }, events };
}

/**
 * A virtual stamp with a fresh key, registered to the merchant's Gangnam shop by the world's
 * flashing station over the API: a host challenge, the firmware's proof over it (the operator
 * approves the simulated firmware first).
 */
export async function registeredVirtualStamp(world: TestWorld, label: string, options: VirtualStampOptions): Promise<VirtualStamp> {
  if (!(await world.store.isFirmwareApproved(SIMULATED_FIRMWARE_HASH))) {
    must(await approveFirmware(world.store, world.operator, { hash: SIMULATED_FIRMWARE_HASH, label: SIMULATED_FIRMWARE_LABEL }, Date.now()));
  }
  const stamp = new VirtualStamp(options);
  const flasher = apiStation(world.store, { keyId: world.flasher.keyId, privateKey: world.flasher.key.privateKey });
  try {
    await registerProvedStamp(apiFlashingStation(flasher.client), stamp.runtime.stamp, { label: label, merchantId: "bean-bros", shopIds: ["gangnam"] });
  } finally {
    await flasher.close();
  }
  return stamp;
}
