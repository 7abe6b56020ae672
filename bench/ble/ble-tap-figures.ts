import { splitIntoChunks } from "../../shared/ble-gatt";
import { Reason } from "../../shared/reason-codes";
import { StampStatus } from "../../shared/stamp-reply";
import { BLE_TAP_TIMEOUT_MS, SCAN_MS } from "../../firmware/ble-tap";
import { AttTraffic } from "../../sim/ble-hci/att-central";
import { createTestWorld } from "../../test/support/test-world";
import { connectRaw, readWholeChallenge, startStation } from "../../test/ble/ble-world";
import { bootStamp, registerAt } from "../../test/ble/stamp-world";

/** What the press-to-verdict model is made of; every term is a parameter. */
export interface BleTapModelParameters {
  /** The stamp's scan window (firmware SCAN_MS). */
  scanMs: number;
  /** Station advertising interval: an initiator waits on average half of it for the advert it connects on. */
  advertisingIntervalMs: number;
  connectionIntervalMs: number;
  /** Connection set-up: CONNECT_IND to the first data exchange, in connection intervals. */
  setupIntervals: number;
  /** Thumb instructions per Ed25519 signature (native benchmark) and the core clock. */
  signatureInstructions: number;
  cpuHz: number;
  /** Cycles per instruction on the Cortex-M4 with flash wait states. */
  cyclesPerInstruction: number;
}

export const DEFAULT_BLE_MODEL: BleTapModelParameters = {
  scanMs: SCAN_MS,
  advertisingIntervalMs: 40,
  connectionIntervalMs: 15,
  setupIntervals: 2,
  signatureInstructions: 533_451,
  cpuHz: 64_000_000,
  cyclesPerInstruction: 1.1,
};

export interface BleMtuFigures {
  mtu: number;
  /** Every ATT request → response after the link came up (MTU exchange, discovery, tap). */
  roundTrips: number;
  /** Of these, the tap itself: read challenge (+ blobs), reply writes, read verdict. */
  tapRoundTrips: number;
  discoveryRoundTrips: number;
  byRequest: Record<string, number>;
  attBytes: number;
  l2capBytes: number;
  /** Modelled press-to-verdict, ms, and its terms. */
  modelledMs: number;
  terms: Record<string, number>;
}

export interface BleTapFigures {
  parameters: BleTapModelParameters;
  /** Median wall time of the final Write Request through bleno + host core + SQLite, ms. */
  hostJudgeMs: number;
  mtu23: BleMtuFigures;
  mtu53: BleMtuFigures;
  tapTimeoutMs: number;
}

function figuresFor(mtu: number, traffic: AttTraffic, hostJudgeMs: number, p: BleTapModelParameters): BleMtuFigures {
  const tapKinds = ["READ_REQ", "READ_BLOB_REQ", "WRITE_REQ"];
  const tapRoundTrips = tapKinds.reduce((n, k) => n + (traffic.byRequest[k] ?? 0), 0);
  const signMs = (p.signatureInstructions * p.cyclesPerInstruction * 1000) / p.cpuHz;
  const terms = {
    scan: p.scanMs,
    waitForAdvert: p.advertisingIntervalMs / 2,
    connectionSetup: p.setupIntervals * p.connectionIntervalMs,
    roundTrips: traffic.roundTrips * p.connectionIntervalMs,
    signing: signMs,
    hostJudge: hostJudgeMs,
  };
  return {
    mtu,
    roundTrips: traffic.roundTrips,
    tapRoundTrips,
    discoveryRoundTrips: traffic.roundTrips - tapRoundTrips,
    byRequest: { ...traffic.byRequest },
    attBytes: traffic.attBytesOut + traffic.attBytesIn,
    l2capBytes: traffic.l2capBytesOut + traffic.l2capBytesIn,
    modelledMs: Object.values(terms).reduce((a, b) => a + b, 0),
    terms,
  };
}

async function tapTraffic(mtu: number): Promise<AttTraffic> {
  const w = await createTestWorld();
  const s = await startStation(w, w.gangnamStation);
  try {
    const stamp = bootStamp([{ s, rssi: -45 }], { mtu, longReads: false });
    await registerAt(w, stamp, ["gangnam"]);
    stamp.device.press();
    const verdict = await stamp.runtime.lastBleTap;
    if (verdict !== Reason.ACCEPTED) throw new Error(`tap at MTU ${mtu} gave verdict ${verdict}`);
    return stamp.nrf.connections[0].traffic;
  } finally {
    await s.stop();
  }
}

/** The last reply write to its verdict: the station submits through the HTTP API in process, signed with its key. */
async function measureHostJudge(taps: number): Promise<number> {
  const w = await createTestWorld();
  const s = await startStation(w, w.gangnamStation);
  const times: number[] = [];
  try {
    for (let i = 0; i < taps; i++) {
      while (!s.controller.advertising) await new Promise((r) => setTimeout(r, 1));
      const c = await connectRaw(s.controller, 53);
      const challenge = await readWholeChallenge(c.central, c.challenge);
      const chunks = splitIntoChunks(new Uint8Array([StampStatus.OK, ...w.stamp.answer(challenge)]), 50);
      for (let j = 0; j < chunks.length - 1; j++) await c.central.write(c.response, chunks[j]);
      const started = performance.now();
      await c.central.write(c.response, chunks[chunks.length - 1]);
      times.push(performance.now() - started);
      c.central.disconnect();
    }
  } finally {
    await s.stop();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** ATT round trips and bytes per tap at MTU 23 and 53 through bleno's real stack, and the modelled press-to-verdict time. */
export async function measureBleTapFigures(taps = 30, parameters: Partial<BleTapModelParameters> = {}): Promise<BleTapFigures> {
  const p = { ...DEFAULT_BLE_MODEL, ...parameters };
  const hostJudgeMs = await measureHostJudge(taps);
  return {
    parameters: p,
    hostJudgeMs,
    mtu23: figuresFor(23, await tapTraffic(23), hostJudgeMs, p),
    mtu53: figuresFor(53, await tapTraffic(53), hostJudgeMs, p),
    tapTimeoutMs: BLE_TAP_TIMEOUT_MS,
  };
}
