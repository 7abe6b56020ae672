import { describe, expect, it } from "vitest";
import { encodeChallenge } from "../../shared/challenge";
import { CHALLENGE_FIRST_PAGE, MailboxState, REPLY_FIRST_PAGE, REPLY_PAGES, STATUS_PAGE, T2T_ACK, T2T_NACK_INVALID, TAG_PAGES } from "../../shared/nfc-mailbox-layout";
import { Purpose } from "../../shared/protocol-constants";
import { decodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { exchangeOverNfc, exchangeOverNfcFast, sendVerdictOverNfc } from "../../host/nfc/mailbox-reader";
import { PcscTagLink } from "../../host/nfc/pcsc-tag-link";
import { TagError } from "../../host/nfc/tag-link";
import { bootSimulatedStamp } from "../../sim/provision";
import { SimulatedAir } from "../../sim/simulated-ble";
import { AirFrame, ReaderEmulation } from "../../sim/virtual-stamp/reader-emulation";

const challenge = (n: number) =>
  encodeChallenge({ verifierId: new Uint8Array(8).fill(1), issuedAt: 1_790_000_000, nonce: new Uint8Array(16).fill(n), purpose: Purpose.STAMP, quantity: 1 });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bytes = (...values: number[]) => new Uint8Array(values);

function stampOnReader() {
  const { device, runtime } = bootSimulatedStamp(new SimulatedAir());
  const emulation = new ReaderEmulation(device.nfc, () => runtime.mailbox.memory.slice(0, 7));
  const frames: AirFrame[] = [];
  emulation.observer = (frame) => frames.push(frame);
  const transport = { transmit: async (apdu: Uint8Array) => emulation.handleApdu(apdu) };
  return { device, runtime, emulation, frames, direct: new PcscTagLink(transport, "direct"), pages: new PcscTagLink(transport, "pages") };
}

describe("the stamp's fast frames (WRITE_CHALLENGE 7A, FAST_READ 3A) and the reader translation", () => {
  it("a tap in 2 frames: WRITE_CHALLENGE is ACKed, one FAST_READ brings the status and the whole signed reply", async () => {
    const { direct, frames, runtime } = stampOnReader();
    const reply = await exchangeOverNfcFast(direct, challenge(1), { firstPollDelayMs: 1, intervalMs: 1, maxPolls: 50 });
    const decoded = decodeStampReply(reply);
    expect(decoded.ok && decoded.value.status).toBe(StampStatus.OK);
    expect(frames.map((f) => f.command[0])).toEqual([0x7a, 0x3a]);
    expect(runtime.stamp.counter?.last).toBe(1);
    await sendVerdictOverNfc(direct, 0);
    expect(direct.traffic.apdus).toBe(3);
  });

  it("the portable path (FF D6 / FF B0) carries the same tap in page frames", async () => {
    const { pages, frames } = stampOnReader();
    const reply = await exchangeOverNfc(pages, challenge(2), { intervalMs: 1, maxPolls: 50 });
    expect(decodeStampReply(reply).ok).toBe(true);
    expect(frames.filter((f) => f.command[0] === 0xa2).length).toBe(8);
    expect(frames.filter((f) => f.command[0] === 0x30).length).toBeGreaterThanOrEqual(6);
  });

  it("NACKs malformed fast frames and any challenge while signing; FAST_READ ranges are checked", async () => {
    const { device } = stampOnReader();
    const nack = { kind: "ack", nibble: T2T_NACK_INVALID };
    const full = new Uint8Array(33);
    full[0] = 0x7a;
    full.set(challenge(3), 1);
    expect(device.nfc.transceive(full.subarray(0, 32))).toEqual(nack);
    expect(device.nfc.transceive(new Uint8Array([...full, 0]))).toEqual(nack);
    expect(device.nfc.transceive(bytes(0x3a, 5, 4))).toEqual(nack);
    expect(device.nfc.transceive(bytes(0x3a, 0, TAG_PAGES))).toEqual(nack);
    expect(device.nfc.transceive(bytes(0x3a, 0))).toEqual(nack);
    expect(device.nfc.transceive(bytes(0x3a, 0, 1, 2))).toEqual(nack);
    const all = device.nfc.transceive(bytes(0x3a, 0, TAG_PAGES - 1));
    expect(all?.kind === "data" && all.bytes.length).toBe(TAG_PAGES * 4);
    expect(device.nfc.transceive(full)).toEqual({ kind: "ack", nibble: T2T_ACK });
    // Signing has not run yet (it runs after the frame): a second challenge, by either path, is refused.
    expect(device.nfc.transceive(full)).toEqual(nack);
    expect(device.nfc.transceive(bytes(0xa2, CHALLENGE_FIRST_PAGE, 1, 2, 3, 4))).toEqual(nack);
    const status = device.nfc.transceive(bytes(0x3a, STATUS_PAGE, STATUS_PAGE));
    expect(status?.kind === "data" && status.bytes[0]).toBe(MailboxState.BUSY);
    await pause(5);
    const done = device.nfc.transceive(bytes(0x3a, STATUS_PAGE, STATUS_PAGE));
    expect(done?.kind === "data" && [done.bytes[0], done.bytes[2]]).toEqual([MailboxState.READY, 95]);
    // A repeated challenge after the reply is a new tap with a new counter value.
    expect(device.nfc.transceive(full)).toEqual({ kind: "ack", nibble: T2T_ACK });
  });

  it("a field drop while signing after WRITE_CHALLENGE discards the reply; the counter value is spent, never reused", async () => {
    const { device, direct, runtime } = stampOnReader();
    await direct.writeChallenge(challenge(4));
    device.nfc.removeFromField();
    await pause(5);
    expect(runtime.stamp.counter?.last).toBe(1);
    expect((await direct.fastRead(STATUS_PAGE, STATUS_PAGE))[0]).toBe(MailboxState.IDLE);
    const reply = decodeStampReply(await exchangeOverNfcFast(direct, challenge(5), { firstPollDelayMs: 1, intervalMs: 1, maxPolls: 50 }));
    expect(reply.ok && reply.value.status).toBe(StampStatus.OK);
    expect(runtime.stamp.counter?.last).toBe(2);
  });

  it("translates PC/SC pseudo-APDUs like an ACR122U and answers bad ones with status words", () => {
    const { emulation, frames } = stampOnReader();
    const sw = (response: Uint8Array) => [...response.subarray(response.length - 2)];
    expect(emulation.handleApdu(bytes(0xff, 0xca, 0x00, 0x00, 0x00)).length).toBe(9);
    expect(sw(emulation.handleApdu(bytes(0xff, 0xca, 0x01, 0x00, 0x00)))).toEqual([0x6a, 0x81]);
    const long = emulation.handleApdu(bytes(0xff, 0xb0, 0x00, 0x00, 0x40));
    expect([long.length, ...sw(long)]).toEqual([66, 0x90, 0x00]);
    expect(frames.map((f) => [...f.command])).toEqual([[0x30, 0], [0x30, 4], [0x30, 8], [0x30, 12]]);
    expect(sw(emulation.handleApdu(bytes(0xff, 0xd6, 0x00, CHALLENGE_FIRST_PAGE, 0x08, 1, 2, 3, 4, 5, 6, 7, 8)))).toEqual([0x90, 0x00]);
    expect(sw(emulation.handleApdu(bytes(0xff, 0xd6, 0x00, 0x03, 0x04, 1, 2, 3, 4)))).toEqual([0x63, 0x00]);
    expect(sw(emulation.handleApdu(bytes(0xff, 0xd6, 0x00, CHALLENGE_FIRST_PAGE, 0x03, 1, 2, 3)))).toEqual([0x67, 0x00]);
    expect(sw(emulation.handleApdu(bytes(0xff, 0xd6, 0x00, CHALLENGE_FIRST_PAGE, 0x04, 1, 2)))).toEqual([0x67, 0x00]);
    expect(sw(emulation.handleApdu(bytes(0xff, 0xb0, 0x01, 0x00, 0x10)))).toEqual([0x6b, 0x00]);
    expect(sw(emulation.handleApdu(bytes(0xff, 0xb0, 0x00, 200, 0x10)))).toEqual([0x63, 0x00]);
    expect(sw(emulation.handleApdu(bytes(0x00, 0xa4, 0x04, 0x00)))).toEqual([0x6e, 0x00]);
    expect(sw(emulation.handleApdu(bytes(0xff, 0x12, 0x00, 0x00)))).toEqual([0x6d, 0x00]);
    expect(sw(emulation.handleApdu(bytes(0xff)))).toEqual([0x67, 0x00]);
    expect([...emulation.handleApdu(bytes(0xff, 0x00, 0x00, 0x00, 0x04, 0xd4, 0x42, 0x50, 0x00))]).toEqual([0xd5, 0x43, 0x01, 0x90, 0x00]);
    expect(sw(emulation.handleApdu(bytes(0xff, 0x00, 0x00, 0x00, 0x03, 0xd4, 0x4a, 0x01)))).toEqual([0x63, 0x00]);
  });

  it("maps what a reader may answer to typed errors", async () => {
    const answering = (response: number[]) => new PcscTagLink({ transmit: async () => new Uint8Array(response) }, "direct");
    const failure = async (link: PcscTagLink, action: (l: PcscTagLink) => Promise<unknown>) => {
      try {
        await action(link);
        return "none";
      } catch (error) {
        return error instanceof TagError ? error.failure : "untyped";
      }
    };
    expect(await failure(answering([]), (l) => l.readUid())).toBe("removed");
    expect(await failure(answering([0x63, 0x00]), (l) => l.fastRead(STATUS_PAGE, REPLY_FIRST_PAGE + REPLY_PAGES - 1))).toBe("nack");
    expect(await failure(answering([0x90]), (l) => l.fastRead(STATUS_PAGE, REPLY_FIRST_PAGE + REPLY_PAGES - 1))).toBe("garbled");
    expect(await failure(answering([0xd5, 0x43, 0x01, 0x90, 0x00]), (l) => l.fastRead(STATUS_PAGE, REPLY_FIRST_PAGE + REPLY_PAGES - 1))).toBe("timeout");
    expect(await failure(answering([0xd5, 0x43, 0x00, 1, 2, 0x90, 0x00]), (l) => l.fastRead(STATUS_PAGE, REPLY_FIRST_PAGE + REPLY_PAGES - 1))).toBe("garbled");
    expect(await failure(answering([0xd5, 0x43, 0x00, 0x00, 0x90, 0x00]), (l) => l.writeChallenge(challenge(1)))).toBe("nack");
    expect(await failure(answering([0xd5, 0x43, 0x00, 0x0a, 0x90, 0x00]), (l) => l.writeChallenge(challenge(1)))).toBe("none");
    expect(await failure(answering([1, 2, 3, 0x90, 0x00]), (l) => l.readUid())).toBe("garbled");
    const pages = new PcscTagLink({ transmit: async () => new Uint8Array([0x90, 0x00]) }, "pages");
    expect(await failure(pages, (l) => l.readPages(STATUS_PAGE))).toBe("garbled");
  });

});
