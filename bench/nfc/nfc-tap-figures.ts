import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { toHex } from "../../shared/hex";
import { CHALLENGE_FIRST_PAGE, CHALLENGE_PAGES, STAMP_WRITE_CHALLENGE, STATUS_PAGE, T2T_FAST_READ, T2T_READ, T2T_WRITE, VERDICT_PAGE } from "../../shared/nfc-mailbox-layout";
import { Purpose } from "../../shared/protocol-constants";
import { runStationTap } from "../../host/core/counter-station";
import { addVerifier } from "../../host/core/registry";
import { approveFirmware } from "../../host/core/stamp-registration";
import { DEFAULT_FAST_POLL, DEFAULT_POLL, exchangeOverNfc, exchangeOverNfcFast, sendVerdictOverNfc } from "../../host/nfc/mailbox-reader";
import { PcscTagLink } from "../../host/nfc/pcsc-tag-link";
import { TagError } from "../../host/nfc/tag-link";
import { apiStation } from "../../sim/api-station";
import { bootSimulatedStamp, localFlashingStation, registerProvedStamp, SIMULATED_FIRMWARE_HASH, SIMULATED_FIRMWARE_LABEL } from "../../sim/provision";
import { createTestWorld, enrolTestStation, must } from "../../test/support/test-world";
import { SimulatedAir } from "../../sim/simulated-ble";
import { NFC_FRAME_BUDGET_MS } from "../../sim/simulated-nfc";
import { AirFrame, ReaderEmulation } from "../../sim/virtual-stamp/reader-emulation";

/**
 * NFC tap figures (docs/nfc.md): reader round trips (APDUs), frames and bytes on the air per
 * tap in both modes, the firmware's frame handler latency, and a modelled tap-to-verdict time.
 *
 * Measured: taps of the real firmware on the simulated Puck.js, through the station's own
 * PcscTagLink and the virtual stamp's APDU-to-frame translation (no pcscd in between: pcscd
 * and vpcd add only local socket time, which a USB reader replaces by the per-APDU overhead of
 * the model), judged by runStationTap through the HTTP API in process (the station's signed
 * requests, as `stamp serve --nfc` on a local database) on a real SQLite store.
 */

export type NfcTapMode = "direct" | "pages";

/** One APDU of a tap and the frames it put on the air. */
export interface ApduTrace {
  apdu: string;
  frames: AirFrame[];
}

export interface NfcModeFigures {
  mode: NfcTapMode;
  taps: number;
  /** APDUs from card detected to verdict (UID read included, verdict page excluded). */
  apdusToVerdict: number;
  /** With the verdict page write. */
  apdusPerTap: number;
  framesPerTap: number;
  /** Bytes on the air per tap, CRC included (a 4-bit ACK counts as half a byte). */
  bytesReaderToTag: number;
  bytesTagToReader: number;
  /** The firmware's frame handler, all frames of all taps (wall time in Node). */
  handlerMeanMs: number;
  handlerMaxMs: number;
  handlerP99Ms: number;
  frames: number;
  /** Taps made again because a frame's handler overran the budget (the reader got no answer). */
  missedFrames: number;
  /** judgeStampReply on SQLite: mean per tap. */
  hostVerifyMeanMs: number;
  /** The APDUs of the last tap, for the model. */
  lastTap: ApduTrace[];
  model: TapTimeModel;
}

/** Parameters of the tap-to-verdict model (docs/nfc.md explains each). */
export interface TapModelParameters {
  /** Bit rate of ISO 14443-A: fc/128 = 105.9 kbit/s. */
  bitRate: number;
  /** Host → reader → host cost of one APDU besides the air (USB CCID, reader firmware). */
  perApduOverheadMs: number;
  /** Time from the end of a reader frame to the tag's answer for frames the JS handler answers. */
  tagAnswerDelayMs: number;
  /** Frame delay for frames the NFCT answers in hardware (anticollision): n=9, 1236/fc. */
  hardwareFdtMs: number;
  /** Ed25519 signature on the stamp: Thumb instructions (native benchmark), clock, cycles per instruction. */
  signInstructions: number;
  cpuHz: number;
  cyclesPerInstruction: number;
  /** Stamp work around the signature: counter commit to Storage, message building, JS. */
  stampOverheadMs: number;
  /** Host verification; defaults to the measured mean. */
  hostVerifyMs?: number;
}

export const DEFAULT_TAP_MODEL: TapModelParameters = {
  bitRate: 13.56e6 / 128,
  perApduOverheadMs: 3,
  tagAnswerDelayMs: NFC_FRAME_BUDGET_MS,
  hardwareFdtMs: (1236 / 13.56e6) * 1000,
  signInstructions: 533_451,
  cpuHz: 64e6,
  cyclesPerInstruction: 1.2,
  stampOverheadMs: 5,
};

export interface TapTimeModel {
  parameters: TapModelParameters;
  activationMs: number;
  airMs: number;
  apduOverheadMs: number;
  tagAnswerMs: number;
  stampBusyMs: number;
  /** Time the reader spends idle waiting for the signature (first-poll delay, poll intervals). */
  waitMs: number;
  hostVerifyMs: number;
  /** Card detected → verdict on screen. */
  tapToVerdictMs: number;
  /** Status polls the timeline needs with these parameters. */
  polls: number;
}

/** Bits of an ISO 14443-A standard frame: start bit, 9 bits per byte (8 + odd parity), end. */
export function standardFrameBits(bytes: number): number {
  return 1 + 9 * bytes + 1;
}
/** A short frame (REQA/WUPA, 7 data bits) or a 4-bit ACK/NACK: start, bits, end. */
export function shortFrameBits(dataBits: number): number {
  return 1 + dataBits + 1;
}

/** Air time of one Type 2 Tag frame exchange (command and answer with CRC_A, 2 bytes). */
export function frameAirBits(frame: AirFrame): { reader: number; tag: number } {
  const reader = standardFrameBits(frame.command.length + 2);
  const tag = frame.answer.kind === "data" ? standardFrameBits(frame.answer.length + 2) : frame.answer.kind === "ack" ? shortFrameBits(4) : 0;
  return { reader, tag };
}

/** ISO 14443-3A activation of a 7-byte-UID tag (REQA … SELECT CL2), done by the NFCT in hardware. */
export function activationBits(): { bits: number; exchanges: number } {
  const exchanges: [number, number][] = [
    [shortFrameBits(7), standardFrameBits(2)], // REQA → ATQA
    [standardFrameBits(2), standardFrameBits(5)], // ANTICOLLISION CL1 (93 20) → CT uid0-2 BCC
    [standardFrameBits(9), standardFrameBits(3)], // SELECT CL1 (93 70 + 5 + CRC) → SAK + CRC
    [standardFrameBits(2), standardFrameBits(5)], // ANTICOLLISION CL2 (95 20) → uid3-6 BCC
    [standardFrameBits(9), standardFrameBits(3)], // SELECT CL2 → SAK + CRC
  ];
  let bits = 0;
  for (const [reader, tag] of exchanges) bits += reader + tag;
  return { bits: bits, exchanges: exchanges.length };
}

/**
 * The tap-to-verdict timeline for a mode: activation, then each APDU costs the per-APDU
 * overhead plus its frames' air time and the tag's answer delay; the stamp is busy signing
 * from the challenge's last frame; the reader waits (first-poll delay, then poll interval) and
 * polls until the stamp is done; then the host verifies.
 */
export function modelTapTime(mode: NfcTapMode, trace: ApduTrace[], parameters: TapModelParameters, hostVerifyMs: number): TapTimeModel {
  const bitMs = 1000 / parameters.bitRate;
  const stampBusyMs = (parameters.signInstructions * parameters.cyclesPerInstruction * 1000) / parameters.cpuHz + parameters.stampOverheadMs;
  const activation = activationBits();
  const activationMs = activation.bits * bitMs + 2 * activation.exchanges * parameters.hardwareFdtMs;
  const apduTime = (apdu: ApduTrace) => {
    let air = 0;
    let answer = 0;
    for (const frame of apdu.frames) {
      const bits = frameAirBits(frame);
      air += (bits.reader + bits.tag) * bitMs;
      answer += parameters.tagAnswerDelayMs;
    }
    return { air, answer, total: parameters.perApduOverheadMs + air + answer };
  };
  // The APDUs of one tap: up to the challenge (inclusive), the polls, the rest of the reply.
  const isPoll = (apdu: ApduTrace) =>
    apdu.frames.length === 1 && (apdu.frames[0].command[0] === T2T_FAST_READ || (apdu.frames[0].command[0] === T2T_READ && apdu.frames[0].command[1] === STATUS_PAGE));
  const lastChallengePage = CHALLENGE_FIRST_PAGE + CHALLENGE_PAGES - 1;
  const isChallengeEnd = (apdu: ApduTrace) => apdu.frames.some((f) => f.command[0] === STAMP_WRITE_CHALLENGE || (f.command[0] === T2T_WRITE && f.command[1] === lastChallengePage));
  const challengeEnd = trace.findIndex(isChallengeEnd);
  const firstPoll = trace.findIndex(isPoll);
  const lastPoll = trace.length - 1 - [...trace].reverse().findIndex(isPoll);
  const before = trace.slice(0, challengeEnd + 1);
  const poll = trace[firstPoll];
  const after = trace.slice(lastPoll + 1).filter((apdu) => !apdu.frames.some((f) => f.command[0] === T2T_WRITE && f.command[1] === VERDICT_PAGE));
  let t = activationMs;
  let waitMs = 0;
  let air = activation.bits * bitMs;
  let overhead = 0;
  let answers = 0;
  const spend = (apdu: ApduTrace) => {
    const cost = apduTime(apdu);
    t += cost.total;
    air += cost.air;
    overhead += parameters.perApduOverheadMs;
    answers += cost.answer;
  };
  for (const apdu of before) spend(apdu);
  const ready = t + stampBusyMs;
  const policy = mode === "direct" ? DEFAULT_FAST_POLL : { ...DEFAULT_POLL, firstPollDelayMs: 0 };
  t += policy.firstPollDelayMs;
  waitMs += policy.firstPollDelayMs;
  let polls = 0;
  for (;;) {
    polls++;
    // The poll's READ reaches the tag after the APDU overhead: it finds READY if the stamp is done by then.
    const reachesTag = t + parameters.perApduOverheadMs;
    spend(poll);
    if (reachesTag >= ready) break;
    t += policy.intervalMs;
    waitMs += policy.intervalMs;
  }
  for (const apdu of after) spend(apdu);
  t += hostVerifyMs;
  return {
    parameters: parameters,
    activationMs: activationMs,
    airMs: air,
    apduOverheadMs: overhead,
    tagAnswerMs: answers,
    stampBusyMs: stampBusyMs,
    waitMs: waitMs,
    hostVerifyMs: hostVerifyMs,
    tapToVerdictMs: t,
    polls: polls,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `taps` taps of one simulated stamp in one mode and measures them. */
export async function measureNfcMode(mode: NfcTapMode, taps = 100, parameters: Partial<TapModelParameters> = {}): Promise<NfcModeFigures> {
  const world = await createTestWorld();
  const store = world.store;
  const now = Date.now();
  // A counter without the button: the bench drives the mailbox, not the press.
  const verifier = must(await addVerifier(store, world.owner, { shopId: "gangnam", label: "nfc", requirePresence: false, purpose: Purpose.STAMP, quantity: 1 }, now));
  const enrolled = await enrolTestStation(store, world.owner, "counter-station", { verifierId: verifier.id }, now);
  const station = apiStation(store, { keyId: enrolled.keyId, privateKey: enrolled.key.privateKey });
  try {
    must(await approveFirmware(store, world.operator, { hash: SIMULATED_FIRMWARE_HASH, label: SIMULATED_FIRMWARE_LABEL }, now));
    const { device, runtime } = bootSimulatedStamp(new SimulatedAir());
    if (runtime.report.publicKey === undefined) throw new Error("the stamp did not boot");
    await registerProvedStamp(localFlashingStation(store, world.flasher.principal), runtime.stamp, { label: "bench", merchantId: "bean-bros", shopIds: ["gangnam"] });

    const emulation = new ReaderEmulation(device.nfc, () => runtime.mailbox.memory.slice(0, 7));
    let trace: ApduTrace[] = [];
    const handlerMs: number[] = [];
    emulation.observer = (frame) => {
      handlerMs.push(frame.handlerMs);
      trace[trace.length - 1].frames.push(frame);
    };
    const link = new PcscTagLink(
      {
        transmit: async (apdu) => {
          trace.push({ apdu: toHex(apdu.subarray(0, 8)), frames: [] });
          return emulation.handleApdu(apdu);
        },
      },
      mode,
    );
    let apdusToVerdict = 0;
    let apdus = 0;
    let frames = 0;
    let readerBits = 0;
    let tagBits = 0;
    let hostMs = 0;
    let lastTrace: ApduTrace[] = [];
    let missedFrames = 0;
    let retriedTap = -1;
    for (let i = 0; i < taps; i++) {
      trace = [];
      const apdusBefore = link.traffic.apdus;
      await link.readUid();
      let exchanged = 0;
      let judged;
      try {
        judged = await runStationTap(station.service, async (challenge) => {
          const reply = mode === "direct" ? await exchangeOverNfcFast(link, challenge, { ...DEFAULT_FAST_POLL, firstPollDelayMs: 1 }) : await exchangeOverNfc(link, challenge, { intervalMs: 1, maxPolls: 200 });
          exchanged = performance.now();
          return reply;
        });
      } catch (error) {
        // A frame whose handler overran the radio's budget went unanswered, as it would on the
        // nRF52 (here a pause of Node's own, e.g. its garbage collector): the reader drops that
        // tap and the customer taps again. Counted, and the tap is made again once the stamp has
        // finished any signature it started; a second miss in a row stops the bench.
        if (!(error instanceof TagError) || retriedTap === i) throw error;
        retriedTap = i;
        missedFrames++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        i--;
        continue;
      }
      hostMs += performance.now() - exchanged;
      if (!judged.verdict.accepted) throw new Error(`bench tap ${i} refused: ${judged.verdict.reason}`);
      apdusToVerdict += link.traffic.apdus - apdusBefore;
      await sendVerdictOverNfc(link, judged.verdict.code);
      apdus += link.traffic.apdus - apdusBefore;
      for (const apdu of trace) {
        for (const frame of apdu.frames) {
          frames++;
          const bits = frameAirBits(frame);
          readerBits += bits.reader - 2; // bytes, below: without start/end bits
          tagBits += frame.answer.kind === "data" ? bits.tag - 2 : frame.answer.kind === "ack" ? 4.5 : 0;
        }
      }
      lastTrace = trace;
    }
    const sorted = handlerMs.slice().sort((a, b) => a - b);
    const hostVerifyMeanMs = hostMs / taps;
    const model = modelTapTime(mode, lastTrace, { ...DEFAULT_TAP_MODEL, ...parameters }, parameters.hostVerifyMs ?? hostVerifyMeanMs);
    return {
      mode: mode,
      taps: taps,
      apdusToVerdict: apdusToVerdict / taps,
      apdusPerTap: apdus / taps,
      framesPerTap: frames / taps,
      bytesReaderToTag: readerBits / 9 / taps,
      bytesTagToReader: tagBits / 9 / taps,
      handlerMeanMs: handlerMs.reduce((a, b) => a + b, 0) / Math.max(1, handlerMs.length),
      handlerMaxMs: sorted[sorted.length - 1] ?? 0,
      handlerP99Ms: percentile(sorted, 99),
      frames: handlerMs.length,
      missedFrames: missedFrames,
      hostVerifyMeanMs: hostVerifyMeanMs,
      lastTap: lastTrace,
      model: model,
    };
  } finally {
    await station.close();
    await store.close();
    rmSync(dirname(world.dbPath), { recursive: true, force: true });
  }
}

export interface NfcTapFigures {
  direct: NfcModeFigures;
  pages: NfcModeFigures;
}

/** Both modes. */
export async function measureNfcTapFigures(taps = 100, parameters: Partial<TapModelParameters> = {}): Promise<NfcTapFigures> {
  return { direct: await measureNfcMode("direct", taps, parameters), pages: await measureNfcMode("pages", taps, parameters) };
}

const ms = (value: number, digits = 1) => value.toFixed(digits);

/** The figures as a BENCHMARKS.md section. */
export function formatNfcTapFigures(figures: NfcTapFigures): string {
  const rows = [figures.direct, figures.pages];
  const p = figures.direct.model.parameters;
  const lines = [
    "## NFC tap (docs/nfc.md)",
    "",
    `Measured on ${figures.direct.taps} taps per mode: the real firmware on the simulated Puck.js, the station's PcscTagLink, the virtual stamp's APDU → Type 2 Tag frame translation, runStationTap on SQLite.`,
    "",
    "| | direct transmit | pages (FF B0 / FF D6) |",
    "|---|---:|---:|",
    `| reader round trips (APDUs) to the verdict | ${rows.map((r) => ms(r.apdusToVerdict, 1)).join(" | ")} |`,
    `| APDUs per tap, verdict page included | ${rows.map((r) => ms(r.apdusPerTap, 1)).join(" | ")} |`,
    `| Type 2 Tag frames per tap | ${rows.map((r) => ms(r.framesPerTap, 1)).join(" | ")} |`,
    `| bytes on air reader → tag (CRC included) | ${rows.map((r) => ms(r.bytesReaderToTag, 0)).join(" | ")} |`,
    `| bytes on air tag → reader (CRC included) | ${rows.map((r) => ms(r.bytesTagToReader, 0)).join(" | ")} |`,
    `| frame handler mean / p99 / max, ms (budget ${NFC_FRAME_BUDGET_MS}) | ${rows.map((r) => `${ms(r.handlerMeanMs, 4)} / ${ms(r.handlerP99Ms, 4)} / ${ms(r.handlerMaxMs, 3)}`).join(" | ")} |`,
    `| taps made again after a frame missed the budget | ${rows.map((r) => String(r.missedFrames)).join(" | ")} |`,
    `| host verification (judgeStampReply, SQLite), mean ms | ${rows.map((r) => ms(r.hostVerifyMeanMs, 2)).join(" | ")} |`,
    "",
    `Modelled tap-to-verdict (106 kbit/s air with start/parity/end bits and CRC_A; ${p.perApduOverheadMs} ms per APDU; tag answer ${ms(p.tagAnswerDelayMs, 1)} ms per JS-answered frame; signing ${p.signInstructions.toLocaleString("en-US")} instructions × ${p.cyclesPerInstruction} CPI at ${p.cpuHz / 1e6} MHz + ${p.stampOverheadMs} ms stamp overhead):`,
    "",
    "| ms | direct transmit | pages |",
    "|---|---:|---:|",
    `| activation (REQA … SELECT CL2) | ${rows.map((r) => ms(r.model.activationMs, 2)).join(" | ")} |`,
    `| air time, activation included | ${rows.map((r) => ms(r.model.airMs, 2)).join(" | ")} |`,
    `| per-APDU reader overhead | ${rows.map((r) => ms(r.model.apduOverheadMs)).join(" | ")} |`,
    `| tag answer delays | ${rows.map((r) => ms(r.model.tagAnswerMs)).join(" | ")} |`,
    `| stamp busy (sign + overhead), overlapped with polling | ${rows.map((r) => ms(r.model.stampBusyMs)).join(" | ")} |`,
    `| status polls needed | ${rows.map((r) => String(r.model.polls)).join(" | ")} |`,
    `| reader idle, waiting for the signature | ${rows.map((r) => ms(r.model.waitMs)).join(" | ")} |`,
    `| host verification | ${rows.map((r) => ms(r.model.hostVerifyMs, 2)).join(" | ")} |`,
    `| **tap to verdict** | ${rows.map((r) => `**${ms(r.model.tapToVerdictMs)}**`).join(" | ")} |`,
    "",
  ];
  return lines.join("\n");
}
