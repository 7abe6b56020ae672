import { describe, expect, it } from "vitest";
import { encodeChallenge } from "../../shared/challenge";
import { CHALLENGE_FIRST_PAGE, MailboxState, STATUS_PAGE, T2T_ACK, T2T_NACK_INVALID, VERDICT_PAGE } from "../../shared/nfc-mailbox-layout";
import { Purpose } from "../../shared/protocol-constants";
import { decodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { startStamp } from "../../firmware/stamp-runtime";
import { exchangeOverNfc } from "../../host/nfc/mailbox-reader";
import { TagError } from "../../host/nfc/tag-link";
import { simulatedStampSigner } from "../../sim/stamp-signer";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedDevice } from "../../sim/simulated-device";
import { NFC_FRAME_BUDGET_MS, SimulatedTagLink } from "../../sim/simulated-nfc";

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

describe("the stamp's Type 2 Tag mailbox", () => {
  it("carries a challenge and its signed reply, every frame within the 4.8 ms budget", async () => {
    const { device, link } = stampOnReader();
    const reply = decodeStampReply(await exchangeOverNfc(link, challenge));
    expect(reply.ok && reply.value.status).toBe(StampStatus.OK);
    expect(device.nfc.slowestFrameMs).toBeLessThan(NFC_FRAME_BUDGET_MS);
  });

  it("presents a valid NDEF capability container and an empty NDEF message", async () => {
    const { link } = stampOnReader();
    const head = await link.readPages(3);
    expect([...head.subarray(0, 4)]).toEqual([0xe1, 0x10, 0x13, 0x00]);
    expect([...head.subarray(4, 7)]).toEqual([0x03, 0x00, 0xfe]);
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
      // A handler that computes inside the frame: spins on CPU time, which is what the radio
      // judges (wall time on a loaded machine can pass without this process running).
      const started = process.cpuUsage();
      const cpuMs = () => {
        const used = process.cpuUsage(started);
        return (used.user + used.system) / 1000;
      };
      while (cpuMs() < NFC_FRAME_BUDGET_MS + 2) {
        // compute
      }
      device.nfc.sendAck(T2T_ACK);
    });
    await expect(link.writePage(CHALLENGE_FIRST_PAGE, new Uint8Array(4))).rejects.toBeInstanceOf(TagError);
  });
});
