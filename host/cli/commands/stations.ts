import { superviseBleStation } from "../../ble/ble-supervisor";
import { TapService } from "../../core/counter-station";
import { NfcMode, startNfcStation } from "../../nfc/nfc-station";
import { CliIo } from "../io";
import { verdictLine } from "./verdict-log";

/** The counter-station radios `stamp serve` can run beside (or instead of) the HTTP API. */
export interface StationOptions {
  nfc: boolean;
  ble: boolean;
  /** The verifier this station's key is enrolled for (advertised over BLE). */
  verifierId: string;
  nfcMode: NfcMode;
}

export interface RunningStations {
  stop(): Promise<void>;
}

/** Starts the requested stations; each verdict and error is one line on the console. */
export async function startStations(service: TapService, options: StationOptions, io: CliIo): Promise<RunningStations> {
  const stops: (() => Promise<void>)[] = [];
  try {
    if (options.nfc) {
      const station = startNfcStation(service, {
        mode: options.nfcMode,
        onVerdict: (event) => io.out(verdictLine(`NFC ${event.reader}`, event.verdict)),
        onError: (event) => io.err(`NFC ${event.phase} failure: ${event.error.message}\n`),
        onReader: (name) => io.out(`NFC reader ready: ${name}\n`),
      });
      stops.push(() => station.stop());
      io.out(`NFC station for verifier ${options.verifierId} (${options.nfcMode} mode): waiting for readers and stamps\n`);
    }
    if (options.ble) {
      // Without a usable adapter it says why and keeps trying: serve does not wait for it.
      const station = superviseBleStation(service, {
        verifierId: options.verifierId,
        idleTimeoutMs: 5_000,
        onVerdict: (verdict, client) => io.out(verdictLine(`BLE ${client}`, verdict)),
        onError: (error) => io.err(`BLE failure: ${error.message}\n`),
        onAdapterBack: () => io.out(`BLE adapter is back: advertising for verifier ${options.verifierId} again\n`),
        onWaiting: (error) => io.err(`BLE station for verifier ${options.verifierId} is waiting: ${error.message}; trying again until the adapter is there\n`),
        onServing: (address) => io.out(`BLE station for verifier ${options.verifierId} advertising on ${address}\n`),
      });
      stops.push(() => station.stop());
    }
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
  return {
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
