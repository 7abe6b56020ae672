import { Purpose } from "../../shared/protocol-constants";
import { registerStamp } from "../../host/core/registry";
import { NfcErrorEvent, NfcMode, NfcStation, NfcVerdictEvent, startNfcStation } from "../../host/nfc/nfc-station";
import { Store } from "../../host/store/store";
import { VirtualStamp, VirtualStampOptions } from "../../sim/virtual-stamp/virtual-stamp";

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

export function startTestStation(store: Store, verifierId: string, mode: NfcMode, readerName: string): { station: NfcStation; events: StationEvents } {
  const events = new StationEvents();
  const station = startNfcStation(store, {
    verifierId: verifierId,
    purpose: Purpose.STAMP,
    quantity: 1,
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
  return { station, events };
}

/** A virtual stamp with a fresh key, registered to the merchant's Gangnam shop. */
export async function registeredVirtualStamp(store: Store, label: string, options: VirtualStampOptions): Promise<VirtualStamp> {
  const stamp = new VirtualStamp(options);
  const registered = await registerStamp(store, { publicKeyHex: stamp.publicKeyHex, label: label, merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [] }, Date.now());
  if (!registered.ok) throw new Error(registered.error.message);
  return stamp;
}
