/**
 * A phone-like reader through the real PC/SC stack: pcscd → vpcd → virtual stamp (the real
 * firmware with a base URL) read with Type 2 Tag READs only (FF B0, one READ frame each), the
 * NDEF message parsed with shared/ndef.ts. Without a press the tag holds the idle URL; a press
 * re-presents the tag (pcscd sees it leave and come back) with a signed URL that verifies.
 */
import { createPublicKey, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePhoneTokenText, PHONE_TAP_PATH, phoneIdleUrl, phoneSignedMessage } from "../../shared/phone-url";
import { FLAG_USER_PRESENT } from "../../shared/protocol-constants";
import { VirtualStamp } from "../../sim/virtual-stamp/virtual-stamp";
import { openPhoneReader, PhoneReader } from "../support/phone-ndef-reader";
import { missingPcscStack, PcscdInstance, startPcscd } from "./pcscd-harness";

const BASE_URL = "https://stamp.bean-bros.kr";

const missing = missingPcscStack();
if (missing !== undefined) {
  console.warn(`\n*** SKIPPED: the phone NDEF read through PC/SC needs ${missing}; not installed (npm run setup installs them as root on Debian). ***\n`);
}
const describeStack = missing === undefined ? describe : describe.skip;

describeStack("a phone-like reader through pcscd reads the stamp's URL record", () => {
  let pcscd: PcscdInstance;
  let phone: PhoneReader;
  let stamp: VirtualStamp;

  beforeAll(async () => {
    pcscd = await startPcscd();
    phone = await openPhoneReader(pcscd.readerName(0), 10_000);
    stamp = new VirtualStamp({ port: pcscd.port, phoneUrl: BASE_URL });
  }, 20_000);

  afterAll(async () => {
    await stamp?.remove();
    phone?.close();
    await pcscd?.stop();
  });

  it("held to the stamp without a press: the idle URL, nothing signed", async () => {
    await stamp.present({ press: false });
    await phone.waitForTag(0, 10_000);
    const read = await phone.read();
    expect(read.url).toBe(phoneIdleUrl(BASE_URL));
    expect(read.readFrames).toBe(2);
    expect(stamp.counter).toBe(0);
  }, 20_000);

  it("pressed while held: the tag comes back with a signed one-time URL that verifies", async () => {
    const arrivals = phone.arrivals;
    stamp.device.press();
    await phone.waitForTag(arrivals, 10_000);
    const read = await phone.read();
    expect(read.url.startsWith(BASE_URL + PHONE_TAP_PATH)).toBe(true);
    const token = decodePhoneTokenText(read.url.slice((BASE_URL + PHONE_TAP_PATH).length));
    if (!token.ok) throw new Error(token.error.detail);
    const publicKey = Buffer.from(stamp.publicKeyHex, "hex");
    const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), publicKey]), format: "der", type: "spki" });
    const { stampId, counter, flags, pressRandom, signature } = token.value;
    expect([counter, flags]).toEqual([1, FLAG_USER_PRESENT]);
    expect(verify(null, phoneSignedMessage(BASE_URL, stampId, counter, flags, pressRandom), key, signature)).toBe(true);
    // 26-character base URL: a 141-character URL, a 138-byte NDEF message in a 141-byte TLV: READ 3 and 8 more READs.
    expect([read.url.length, read.ndefBytes, read.readFrames]).toEqual([141, 138, 9]);
    console.log(`[phone read] URL ${read.url.length} characters, NDEF message ${read.ndefBytes} bytes, ${read.readFrames} READ frames`);
  }, 20_000);
});
