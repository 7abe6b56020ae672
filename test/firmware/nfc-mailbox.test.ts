import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeChallenge, encodeChallenge } from "../../shared/challenge";
import {
  CAPABILITY_CONTAINER,
  CAPABILITY_CONTAINER_PAGE,
  CHALLENGE_FIRST_PAGE,
  MailboxState,
  REPLY_FIRST_PAGE,
  REPLY_PAGES,
  STATUS_PAGE,
  T2T_ACK,
  T2T_NACK_INVALID,
  VERDICT_PAGE,
} from "../../shared/nfc-mailbox-layout";
import { findNdefMessage } from "../../shared/ndef";
import { Purpose, TAP_RESPONSE_LENGTH } from "../../shared/protocol-constants";
import { tapSignedMessage } from "../../shared/signed-message";
import { decodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { decodeTapResponse } from "../../shared/tap-response";
import { Device, TimerHandle } from "../../firmware/device";
import { handleNfcFrame, createMailbox } from "../../firmware/nfc-mailbox";
import { startStamp } from "../../firmware/stamp-runtime";
import { exchangeOverNfc } from "../../host/nfc/mailbox-reader";
import { TagError } from "../../host/nfc/tag-link";
import { simulatedStampSigner } from "../../sim/stamp-signer";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedDevice } from "../../sim/simulated-device";
import { NFC_FRAME_BUDGET_MS, SimulatedTagLink } from "../../sim/simulated-nfc";
import { documentedPagesReads, replyFromReads } from "./pages-reads";

const challenge = encodeChallenge({
  verifierId: new Uint8Array(8).fill(1),
  issuedAt: 1_790_000_000,
  nonce: new Uint8Array(16).fill(2),
  purpose: Purpose.STAMP,
  quantity: 1,
});

function stampOnReader() {
  const device = new SimulatedDevice(simulatedStampSigner(), new SimulatedAir());
  const runtime = startStamp(device);
  return { device, runtime, link: new SimulatedTagLink(device.nfc) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function writeChallenge(link: SimulatedTagLink, bytes: Uint8Array): Promise<void> {
  for (let i = 0; i < 8; i++) await link.writePage(CHALLENGE_FIRST_PAGE + i, bytes.subarray(4 * i, 4 * i + 4));
}

async function statusWhenDone(link: SimulatedTagLink): Promise<Uint8Array> {
  for (let polls = 0; polls < 200; polls++) {
    const status = await link.readPages(STATUS_PAGE);
    if (status[0] !== MailboxState.BUSY) return status;
    await pause(5);
  }
  throw new Error("the stamp stayed BUSY");
}

describe("the stamp's Type 2 Tag mailbox", () => {
  it("carries a challenge and its signed reply, every frame within the 4.8 ms budget", async () => {
    const { device, link } = stampOnReader();
    const reply = decodeStampReply(await exchangeOverNfc(link, challenge));
    expect(reply.ok && reply.value.status).toBe(StampStatus.OK);
    expect(device.nfc.slowestFrameMs).toBeLessThan(NFC_FRAME_BUDGET_MS);
  });

  it("gives a reader that makes exactly the READs docs/protocol.md lists the whole reply, which verifies", async () => {
    const { link, runtime } = stampOnReader();
    const plan = documentedPagesReads();
    await writeChallenge(link, challenge);
    const status = await statusWhenDone(link);
    expect([...status.subarray(0, 3)]).toEqual([MailboxState.READY, StampStatus.OK, 1 + TAP_RESPONSE_LENGTH]);
    const answers: Uint8Array[] = [];
    for (const read of plan) answers.push(read.page === STATUS_PAGE ? status : await link.readPages(read.page));
    const reply = replyFromReads(plan, answers, status[2]);
    const stampReply = decodeStampReply(reply);
    if (!stampReply.ok || stampReply.value.status !== StampStatus.OK) throw new Error("not an OK reply");
    const response = decodeTapResponse(stampReply.value.response);
    const decoded = decodeChallenge(challenge);
    if (!response.ok || !decoded.ok) throw new Error("does not decode");
    const publicKey = runtime.report.publicKey ?? new Uint8Array(0);
    const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), publicKey]), format: "der", type: "spki" });
    const message = tapSignedMessage(decoded.value, publicKey.subarray(0, 8), response.value.counter, response.value.flags);
    expect(verify(null, message, key, response.value.signature)).toBe(true);
    // The last READ (page 80) carries reply bytes 92-94: without it the reply is 92 bytes short.
    expect(plan[plan.length - 1]).toEqual({ page: REPLY_FIRST_PAGE + REPLY_PAGES - 1, answerBytes: [0, 2], replyBytes: [92, 94] });
  });

  it("zeroes every reply byte behind a shorter reply, and shows the new sequence number when the field drops", async () => {
    const { device, link } = stampOnReader();
    const plan = documentedPagesReads();
    await writeChallenge(link, challenge);
    const ok = await statusWhenDone(link);
    expect(ok[0]).toBe(MailboxState.READY);
    expect(ok[3]).toBe(1); // 0 at boot, 1 for this challenge
    // Still in the field: only the last challenge page written — a one-byte refusal over the 95-byte reply.
    await link.writePage(CHALLENGE_FIRST_PAGE + 7, challenge.subarray(28, 32));
    const answers: Uint8Array[] = [];
    for (const read of plan) answers.push(await link.readPages(read.page));
    expect([...answers[0].subarray(0, 4)]).toEqual([MailboxState.ERROR, StampStatus.MALFORMED_CHALLENGE, 1, 1]);
    const replyArea = [...answers[0].subarray(4), ...answers.slice(1, -1).flatMap((answer) => [...answer]), ...answers[answers.length - 1].subarray(0, 4)];
    expect(replyArea).toEqual([StampStatus.MALFORMED_CHALLENGE, ...new Array<number>(95).fill(0)]);
    device.nfc.removeFromField();
    expect([...(await link.readPages(STATUS_PAGE)).subarray(0, 4)]).toEqual([MailboxState.IDLE, 0, 0, 2]);
  });

  it("answers SIGNER_FAILED, never BUSY for good, when signing stops half way (Espruino out of memory)", () => {
    // A device whose timers the test runs by hand; the answer hook stops as out-of-memory
    // stops Espruino code: nothing after it runs.
    const timers: (() => void)[] = [];
    const sent: unknown[] = [];
    const device = {
      setTimer: (handler: () => void): TimerHandle => timers.push(handler),
      nfc: { sendAck: (nibble: number) => sent.push(nibble), send: (frame: Uint8Array) => sent.push([...frame]), ignore: () => sent.push(null) },
    } as unknown as Device;
    const hooks = {
      answer: (): Uint8Array => {
        throw new Error("out of memory: execution interrupted");
      },
      verdict: () => undefined,
    };
    const mailbox = createMailbox(device, hooks, new Uint8Array(10));
    for (let i = 0; i < 8; i++) handleNfcFrame(mailbox, new Uint8Array([0xa2, CHALLENGE_FIRST_PAGE + i, ...challenge.subarray(4 * i, 4 * i + 4)]));
    expect(mailbox.memory[STATUS_PAGE * 4]).toBe(MailboxState.BUSY);
    expect(timers).toHaveLength(1);
    expect(() => timers[0]()).toThrow("out of memory");
    expect([...mailbox.memory.subarray(STATUS_PAGE * 4, STATUS_PAGE * 4 + 4)]).toEqual([MailboxState.ERROR, StampStatus.SIGNER_FAILED, 1, 1]);
    expect(mailbox.memory[(STATUS_PAGE + 1) * 4]).toBe(StampStatus.SIGNER_FAILED);
  });

  it("without a base URL: a valid NDEF capability container and an empty NDEF message", async () => {
    const { link } = stampOnReader();
    const head = await link.readPages(CAPABILITY_CONTAINER_PAGE);
    expect([...head.subarray(0, 4)]).toEqual([0xe1, 0x10, 0x28, 0x0f]);
    expect([...head.subarray(0, 4)]).toEqual(CAPABILITY_CONTAINER);
    expect([...head.subarray(4, 7)]).toEqual([0x03, 0x00, 0xfe]);
    const dataArea = new Uint8Array(16);
    dataArea.set(head.subarray(4));
    expect(findNdefMessage(dataArea)).toEqual({ ok: true, value: new Uint8Array(0) });
  });

  it("NACKs unknown, short, oversized and read-only frames, and stays silent on HALT", () => {
    const { device } = stampOnReader();
    const nack = { kind: "ack", nibble: T2T_NACK_INVALID };
    expect(device.nfc.transceive(new Uint8Array([]))).toEqual(nack);
    expect(device.nfc.transceive(new Uint8Array([0x60]))).toEqual(nack);
    expect(device.nfc.transceive(new Uint8Array([0x30]))).toEqual(nack);
    expect(device.nfc.transceive(new Uint8Array([0x30, 200]))).toEqual(nack);
    expect(device.nfc.transceive(new Uint8Array([0xa2, CHALLENGE_FIRST_PAGE, 1, 2, 3]))).toEqual(nack);
    expect(device.nfc.transceive(new Uint8Array([0xa2, CHALLENGE_FIRST_PAGE, 1, 2, 3, 4, 5]))).toEqual(nack);
    expect(device.nfc.transceive(new Uint8Array([0xa2, 3, 0, 0, 0, 0]))).toEqual(nack);
    expect(device.nfc.transceive(new Uint8Array([0xa2, STATUS_PAGE, 2, 0, 0, 0]))).toEqual(nack);
    expect(device.nfc.transceive(new Uint8Array([0x50, 0x00]))).toEqual({ kind: "none" });
    expect(device.nfc.transceive(new Uint8Array([0xa2, VERDICT_PAGE, 0, 0, 0, 0]))).toEqual({ kind: "ack", nibble: T2T_ACK });
  });

  it("refuses to sign a partly written challenge", async () => {
    const { link, runtime } = stampOnReader();
    await link.writePage(CHALLENGE_FIRST_PAGE + 7, challenge.subarray(28, 32));
    expect((await link.readPages(STATUS_PAGE))[0]).toBe(MailboxState.ERROR);
    await pause(5);
    expect(runtime.stamp.counter?.last).toBe(0);
  });

  it("forgets a half-written challenge when the field drops, and spends no counter value", async () => {
    const { device, link, runtime } = stampOnReader();
    for (let i = 0; i < 4; i++) await link.writePage(CHALLENGE_FIRST_PAGE + i, challenge.subarray(4 * i, 4 * i + 4));
    device.nfc.removeFromField();
    for (let i = 4; i < 8; i++) await link.writePage(CHALLENGE_FIRST_PAGE + i, challenge.subarray(4 * i, 4 * i + 4));
    expect((await link.readPages(STATUS_PAGE))[0]).toBe(MailboxState.ERROR);
    await pause(5);
    expect(runtime.stamp.counter?.last).toBe(0);
    expect(decodeStampReply(await exchangeOverNfc(link, challenge)).ok).toBe(true);
    expect(runtime.stamp.counter?.last).toBe(1);
  });

  it("discards a reply still being signed when the field drops, so it never reaches the next tap", async () => {
    const { device, link, runtime } = stampOnReader();
    for (let i = 0; i < 8; i++) await link.writePage(CHALLENGE_FIRST_PAGE + i, challenge.subarray(4 * i, 4 * i + 4));
    device.nfc.removeFromField(); // before the signing step after the last frame has run
    await pause(5);
    expect(runtime.stamp.counter?.last).toBe(1); // the value was spent...
    expect((await link.readPages(STATUS_PAGE))[0]).toBe(MailboxState.IDLE); // ...but its reply is gone
  });

  it("reports a frame answered too late as no answer, as a real reader would", async () => {
    const { device, link } = stampOnReader();
    device.nfc.onFrame(() => {
      // A handler that computes inside the frame. The radio judges the lesser of wall time and
      // this process's CPU time, so the handler spins until both have passed the budget: CPU
      // time alone can pass it early while other threads (the garbage collector's) run, and
      // wall time alone while this process is not scheduled on a loaded machine.
      const startedCpu = process.cpuUsage();
      const startedWall = performance.now();
      const judgedMs = () => {
        const used = process.cpuUsage(startedCpu);
        return Math.min(performance.now() - startedWall, (used.user + used.system) / 1000);
      };
      while (judgedMs() < NFC_FRAME_BUDGET_MS + 2) {
        // compute
      }
      device.nfc.sendAck(T2T_ACK);
    });
    await expect(link.writePage(CHALLENGE_FIRST_PAGE, new Uint8Array(4))).rejects.toBeInstanceOf(TagError);
  });
});
