/**
 * The nfc-station campaign's bench: a private pcscd with vsmartcard's vpcd reader, started with
 * the NFC tests' own harness (test/nfc/pcscd-harness.ts: own mount namespace as root, free
 * ports, ready on pcscd's "daemon ready"). The rig's test code and `npm run rig` put it on a
 * host's Target; the rig itself never starts daemons.
 */
import { NfcBench } from "../../rig/radio/nfc-bench";
import { RunningHost } from "../../rig/twin";
import { missingPcscStack, startPcscd } from "../nfc/pcscd-harness";

export interface RunningNfcBench {
  bench: NfcBench;
  stop(): Promise<void>;
}

export async function startPcscdNfcBench(): Promise<RunningNfcBench> {
  const pcscd = await startPcscd();
  return {
    bench: { label: `pcscd + vpcd (port ${pcscd.port})`, readerName: pcscd.readerName(0), vpcdPort: pcscd.port, pcscSocket: pcscd.socket },
    stop: () => pcscd.stop(),
  };
}

/**
 * The host with an NFC bench on its Target when pcscd and the vpcd driver are installed; the host
 * unchanged otherwise, and the campaign reports itself not run, naming what is missing here.
 */
export async function withNfcBench(host: RunningHost): Promise<RunningHost> {
  if (missingPcscStack() !== undefined) return host;
  let running: RunningNfcBench;
  try {
    running = await startPcscdNfcBench();
  } catch (e) {
    await host.stop();
    throw e;
  }
  return {
    target: { ...host.target, nfcBench: running.bench },
    async stop() {
      try {
        await running.stop();
      } finally {
        await host.stop();
      }
    },
  };
}

/** A bench when pcscd and the vpcd driver are installed; otherwise why not (for the rig's log). */
export async function startNfcBenchIfInstalled(): Promise<{ ok: true; running: RunningNfcBench } | { ok: false; why: string }> {
  const missing = missingPcscStack();
  if (missing !== undefined) return { ok: false, why: `missing ${missing}` };
  return { ok: true, running: await startPcscdNfcBench() };
}
