/**
 * The phone URL on the simulated Puck.js (firmware/phone-url.ts, docs/protocol.md §15): the idle
 * record at boot, a signed one-time URL after a press (counter committed before signing, tag
 * re-presented), back to idle after the window or when a counter reader used the press, and
 * never a signature in the tag without a press. Read the way a phone reads (READ 3, then READs
 * of 4 pages), parsed with shared/ndef.ts, verified with node:crypto.
 */
import { createPublicKey, verify } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Signer } from "../../firmware/device";
import { PHONE_URL_WINDOW_MS } from "../../firmware/phone-url";
import { startStamp } from "../../firmware/stamp-runtime";
import { BASE_URL_FILE, COUNTER_SLOT_FILES } from "../../firmware/storage-files";
import { asciiBytes } from "../../shared/bytes";
import { fromHex as decodeHex, toHex } from "../../shared/hex";
import { encodeChallenge } from "../../shared/challenge";
import { NDEF_FIRST_PAGE, NDEF_PAGES, PAGE_SIZE } from "../../shared/nfc-mailbox-layout";
import { decodePhoneTokenText, PHONE_TAP_PATH, PHONE_TOKEN_TEXT_LENGTH, phoneIdleUrl, phoneSignedMessage } from "../../shared/phone-url";
import { FLAG_USER_PRESENT, Purpose } from "../../shared/protocol-constants";
import { decodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { exchangeOverNfc } from "../../host/nfc/mailbox-reader";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedDevice } from "../../sim/simulated-device";
import { NFC_FRAME_BUDGET_MS, SimulatedTagLink } from "../../sim/simulated-nfc";
import { simulatedStampSigner } from "../../sim/stamp-signer";
import { readPhoneUrl } from "../../sim/phone-tag-reader";

const BASE_URL = "https://stamp.bean-bros.kr";

function fromHex(hex: string): Uint8Array {
  const bytes = decodeHex(hex);
  if (!bytes.ok) throw new Error(bytes.error);
  return bytes.value;
}

const challenge = encodeChallenge({
  verifierId: new Uint8Array(8).fill(1),
  issuedAt: 1_790_000_000,
  nonce: new Uint8Array(16).fill(2),
  purpose: Purpose.STAMP,
  quantity: 1,
});

/** The counter value each counter slot held when the signer was called, and what it signed. */
interface Signing {
  message: Uint8Array;
  committed: number;
}

function recordingSigner(signings: Signing[], flash: Map<string, Uint8Array>, fail: boolean): Signer {
  const real = simulatedStampSigner();
  return {
    publicKey: (seed) => real.publicKey(seed),
    sign(seed, publicKey, message) {
      let committed = 0;
      for (const name of COUNTER_SLOT_FILES) {
        const slot = flash.get(name);
        if (slot !== undefined) committed = Math.max(committed, new DataView(slot.buffer, slot.byteOffset).getUint32(0));
      }
      signings.push({ message: message.slice(), committed });
      return fail ? undefined : real.sign(seed, publicKey, message);
    },
  };
}

function phoneStamp(options: { baseUrl?: string; failSigning?: boolean } = {}) {
  const signings: Signing[] = [];
  const flash = new Map<string, Uint8Array>();
  if (options.baseUrl !== undefined) flash.set(BASE_URL_FILE, asciiBytes(options.baseUrl));
  const device = new SimulatedDevice(recordingSigner(signings, flash, options.failSigning === true), new SimulatedAir(), flash);
  const runtime = startStamp(device);
  return { device, runtime, signings, link: new SimulatedTagLink(device.nfc) };
}

/** Lets the timer the press scheduled run (the stamp signs between frames, never inside one). */
const afterTimers = () => new Promise((resolve) => setTimeout(resolve, 5));

function ndefArea(memory: Uint8Array): Uint8Array {
  return memory.subarray(NDEF_FIRST_PAGE * PAGE_SIZE, (NDEF_FIRST_PAGE + NDEF_PAGES) * PAGE_SIZE);
}

function verifyUrl(url: string, publicKey: Uint8Array): { counter: number; flags: number; pressRandom: string; valid: boolean } {
  const prefix = BASE_URL + PHONE_TAP_PATH;
  expect(url.startsWith(prefix)).toBe(true);
  const text = url.slice(prefix.length);
  expect(text).toHaveLength(PHONE_TOKEN_TEXT_LENGTH);
  const token = decodePhoneTokenText(text);
  if (!token.ok) throw new Error(token.error.detail);
  const { stampId, counter, flags, pressRandom, signature } = token.value;
  expect([...stampId]).toEqual([...publicKey.subarray(0, 8)]);
  const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), publicKey]), format: "der", type: "spki" });
  return { counter, flags, pressRandom: toHex(pressRandom), valid: verify(null, phoneSignedMessage(BASE_URL, stampId, counter, flags, pressRandom), key, signature) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the phone URL in the stamp's tag", () => {
  it("boots with the idle 'press the stamp' URL: no signature, no counter value used", async () => {
    const { link, runtime, signings } = phoneStamp({ baseUrl: BASE_URL });
    const read = await readPhoneUrl(link);
    expect(read.url).toBe(phoneIdleUrl(BASE_URL));
    // READ 3 (the CC and the TLV's first 12 bytes), then READs of 16 until the message is whole.
    expect(read.readFrames).toBe(1 + Math.ceil((2 + read.ndefBytes - 12) / 16));
    expect(signings).toHaveLength(0);
    expect(runtime.stamp.counter?.last).toBe(0);
  });

  it("after a press: the next counter is committed, then signed; the signed URL verifies; the tag is re-presented", async () => {
    const { device, link, runtime, signings } = phoneStamp({ baseUrl: BASE_URL });
    const publicKey = runtime.report.publicKey ?? new Uint8Array(0);
    const sequenceBefore = runtime.mailbox.sequence;
    device.press();
    // The press only schedules: nothing is signed inside the button handler.
    expect(signings).toHaveLength(0);
    await afterTimers();
    expect(signings).toHaveLength(1);
    expect(signings[0].committed).toBe(1);
    expect(device.nfc.discoveries).toBe(1);
    expect(runtime.mailbox.sequence).toBe(sequenceBefore + 1); // field lost, as on NFCoff
    const read = await readPhoneUrl(link);
    const checked = verifyUrl(read.url, publicKey);
    expect([checked.counter, checked.flags, checked.valid]).toEqual([1, FLAG_USER_PRESENT, true]);
    expect(toHex(signings[0].message)).toBe(toHex(phoneSignedMessage(BASE_URL, publicKey.subarray(0, 8), 1, FLAG_USER_PRESENT, fromHex(checked.pressRandom))));
    expect(read.ndefBytes).toBe(4 + 1 + (BASE_URL.length - "https://".length) + PHONE_TAP_PATH.length + PHONE_TOKEN_TEXT_LENGTH);
    // The TLV, its terminator, then only zeros to the end of the NDEF area.
    const area = ndefArea(runtime.mailbox.memory);
    const tlvLength = 2 + read.ndefBytes + 1;
    expect(area[tlvLength - 1]).toBe(0xfe);
    expect([...area.subarray(tlvLength)].every((b) => b === 0)).toBe(true);
    expect(device.nfc.slowestFrameMs).toBeLessThan(NFC_FRAME_BUDGET_MS);
  });

  it("goes back to the idle URL after the window", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { device, link } = phoneStamp({ baseUrl: BASE_URL });
    device.press();
    vi.advanceTimersByTime(1);
    expect((await readPhoneUrl(link)).url).toContain(PHONE_TAP_PATH);
    vi.advanceTimersByTime(PHONE_URL_WINDOW_MS - 10);
    expect((await readPhoneUrl(link)).url).toContain(PHONE_TAP_PATH);
    vi.advanceTimersByTime(20);
    expect((await readPhoneUrl(link)).url).toBe(phoneIdleUrl(BASE_URL));
    expect(device.nfc.discoveries).toBe(1); // withdrawing does not re-present the tag
  });

  it("withdraws the URL at once when a counter reader's challenge takes the next counter value", async () => {
    const { device, link, runtime } = phoneStamp({ baseUrl: BASE_URL });
    device.press();
    await afterTimers();
    expect((await readPhoneUrl(link)).url).toContain(PHONE_TAP_PATH);
    const reply = decodeStampReply(await exchangeOverNfc(link, challenge));
    expect(reply.ok && reply.value.status).toBe(StampStatus.OK);
    expect(runtime.stamp.counter?.last).toBe(2);
    expect((await readPhoneUrl(link)).url).toBe(phoneIdleUrl(BASE_URL));
  });

  it("a second press replaces the URL with one for a higher counter", async () => {
    const { device, link, runtime } = phoneStamp({ baseUrl: BASE_URL });
    const publicKey = runtime.report.publicKey ?? new Uint8Array(0);
    device.press();
    await afterTimers();
    const first = verifyUrl((await readPhoneUrl(link)).url, publicKey);
    device.press();
    await afterTimers();
    const second = verifyUrl((await readPhoneUrl(link)).url, publicKey);
    expect([first.counter, second.counter, second.valid]).toEqual([1, 2, true]);
    expect(second.pressRandom).not.toBe(first.pressRandom); // drawn anew at each press
    expect(device.nfc.discoveries).toBe(2);
  });

  it("never holds a signature without a press: every page of the data area, over time and field drops", async () => {
    const { device, link, signings } = phoneStamp({ baseUrl: BASE_URL });
    const idle = new Uint8Array(ndefArea(new Uint8Array((NDEF_FIRST_PAGE + NDEF_PAGES) * PAGE_SIZE)).length);
    for (let round = 0; round < 3; round++) {
      for (let page = NDEF_FIRST_PAGE; page < NDEF_FIRST_PAGE + NDEF_PAGES; page += 4) {
        idle.set((await link.readPages(page)).subarray(0, Math.min(16, idle.length - (page - NDEF_FIRST_PAGE) * PAGE_SIZE)), (page - NDEF_FIRST_PAGE) * PAGE_SIZE);
      }
      device.nfc.removeFromField();
      await afterTimers();
    }
    expect(signings).toHaveLength(0);
    expect(Buffer.from(idle).toString("latin1")).toContain(phoneIdleUrl(BASE_URL).slice("https://".length));
  });

  it("without a base URL (or with an invalid one) a press signs nothing for phones: an empty NDEF message stays", async () => {
    for (const baseUrl of [undefined, "ftp://stamp.example", "https://stamp.example/"]) {
      const { device, link, runtime, signings } = phoneStamp({ baseUrl });
      expect(runtime.stamp.phoneUrl).toBeUndefined();
      device.press();
      await afterTimers();
      expect(signings).toHaveLength(0);
      expect(device.nfc.discoveries).toBe(0);
      await expect(readPhoneUrl(link)).rejects.toThrow("empty NDEF message");
    }
  });

  it("a counter that cannot be committed: nothing signed, the idle URL stays, red", async () => {
    const { device, link, signings } = phoneStamp({ baseUrl: BASE_URL });
    device.failNextWrite = true;
    device.press();
    await afterTimers();
    expect(signings).toHaveLength(0);
    expect((await readPhoneUrl(link)).url).toBe(phoneIdleUrl(BASE_URL));
    expect(device.leds.red).toBe(true);
    expect(device.nfc.discoveries).toBe(0);
  });

  it("a signer that fails: the idle URL stays, red, and the committed value is spent", async () => {
    const { device, link, runtime, signings } = phoneStamp({ baseUrl: BASE_URL, failSigning: true });
    device.press();
    await afterTimers();
    expect(signings).toHaveLength(1);
    expect(runtime.stamp.counter?.last).toBe(1);
    expect((await readPhoneUrl(link)).url).toBe(phoneIdleUrl(BASE_URL));
    expect(device.leds.red).toBe(true);
  });
});
