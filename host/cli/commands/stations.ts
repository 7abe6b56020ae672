import { startBleStation } from "../../ble/ble-station";
import { TapService } from "../../core/counter-station";
import { Verdict } from "../../core/verdict";
import { NfcMode, startNfcStation } from "../../nfc/nfc-station";
import { reasonSentence } from "../../core/reason-sentences";
import { CliIo } from "../io";
import { shortTime } from "../table";

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

/** One line per verdict: when, where, what, whose, and the reason in plain words. */
function verdictLine(transport: string, verdict: Verdict, at: Date = new Date()): string {
  const who = verdict.stampLabel === undefined ? "" : ` ${verdict.stampLabel}`;
  const counter = verdict.counter === undefined ? "" : ` counter ${verdict.counter}`;
  return `${shortTime(at.toISOString())} ${transport}: ${verdict.accepted ? "ACCEPTED" : `REJECTED ${verdict.reason}`}${who}${counter}: ${reasonSentence(verdict.reason)}\n`;
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
      const station = await startBleStation(service, {
        verifierId: options.verifierId,
        idleTimeoutMs: 5_000,
        onVerdict: (verdict, client) => io.out(verdictLine(`BLE ${client}`, verdict)),
        onError: (error) => io.err(`BLE failure: ${error.message}\n`),
        onAdapterBack: () => io.out(`BLE adapter is back: advertising for verifier ${options.verifierId} again\n`),
      });
      stops.push(() => station.stop());
      io.out(`BLE station for verifier ${options.verifierId} advertising on ${station.address}\n`);
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
