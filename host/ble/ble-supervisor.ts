/**
 * A BLE counter station that waits for its adapter. Without a usable adapter at start (no
 * Bluetooth in the kernel, none plugged in, one that is down) it says why, once per reason, and
 * tries again after a pause (1 s doubling to 30 s by default) until the adapter is there, then
 * serves; stop() ends the wait at once. Once serving, the station itself rides out its adapter
 * going away and coming back (ble-station.ts).
 */
import { TapService } from "../core/counter-station";
import { DEFAULT_RETRY, nextPause, RetryPolicy } from "../core/retry-policy";
import { BleStation, BleStationDeps, BleStationOptions, startBleStation } from "./ble-station";

export interface SupervisedBleOptions extends Omit<BleStationOptions, "signal"> {
  retry?: RetryPolicy;
  /** The station could not start (usually a NoBluetoothAdapterError): said once per distinct reason. */
  onWaiting(error: Error): void;
  /** The station advertises, on the adapter with this address. */
  onServing(address: string): void;
}

export interface SupervisedBleStation {
  /** Ends the wait for the adapter, or stops the station serving; prompt either way. */
  stop(): Promise<void>;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Starts the BLE station in the background, retrying with backoff until an adapter serves it. */
export function superviseBleStation(service: TapService, options: SupervisedBleOptions, deps: BleStationDeps = {}): SupervisedBleStation {
  const retry = options.retry ?? DEFAULT_RETRY;
  const stopping = new AbortController();
  let serving: BleStation | undefined;
  // A throwing listener must not end the retries (nor become an unhandled rejection).
  const tell = (listener: () => void) => {
    try {
      listener();
    } catch (error) {
      options.onError(toError(error));
    }
  };

  const run = async (): Promise<void> => {
    let wait = retry.firstMs;
    let lastReason: string | undefined;
    while (!stopping.signal.aborted) {
      let station: BleStation;
      try {
        station = await startBleStation(service, { ...options, signal: stopping.signal }, deps);
      } catch (error) {
        if (stopping.signal.aborted) return;
        const problem = toError(error);
        if (problem.message !== lastReason) tell(() => options.onWaiting(problem));
        lastReason = problem.message;
        await pause(wait, stopping.signal);
        wait = nextPause(wait, retry);
        continue;
      }
      // Stopped while the adapter was being set up: the station goes at once.
      if (stopping.signal.aborted) return station.stop();
      serving = station;
      tell(() => options.onServing(station.address));
      return;
    }
  };
  const running = run();

  return {
    async stop() {
      stopping.abort();
      await running;
      await serving?.stop();
    },
  };
}
