/**
 * docs/protocol.md section 15 (Phone URL) against the code: its three tables and every value of
 * its worked example — the encoders in shared/, node:crypto signing, the host's verifyStrict,
 * the NDEF parser — and the firmware, which must put exactly the documented TLV in its tag.
 */
import { createPrivateKey, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { startStamp } from "../../firmware/stamp-runtime";
import { BASE_URL_FILE, COUNTER_SLOT_FILES, PUBLIC_KEY_FILE, SEED_FILE } from "../../firmware/storage-files";
import { publicKeyObject, verifyStrict } from "../../host/crypto/ed25519-strict";
import { fromBase64Url, toBase64Url } from "../../shared/base64url";
import { asciiBytes } from "../../shared/bytes";
import { toHex } from "../../shared/hex";
import { decodeNdefUriRecord, findNdefMessage, ndefUriTlv } from "../../shared/ndef";
import { NDEF_FIRST_PAGE, NDEF_PAGES, PAGE_SIZE } from "../../shared/nfc-mailbox-layout";
import {
  decodePhoneToken,
  decodePhoneTokenText,
  encodePhoneToken,
  PHONE_TOKEN_LENGTH,
  PHONE_TOKEN_TEXT_LENGTH,
  PRESS_RANDOM_LENGTH,
  phoneIdleUrl,
  phoneSignedMessage,
  phoneTapUrl,
  URL_DOMAIN_TAG,
} from "../../shared/phone-url";
import { FLAG_USER_PRESENT } from "../../shared/protocol-constants";
import { fakeDevice } from "./fake-device";
import { checkedTable, hexValues, readProtocolDoc, section } from "./protocol-doc";

const doc = readProtocolDoc();
const phoneSection = section(doc, "Phone URL");
const example = hexValues(phoneSection);
const keyExample = hexValues(section(doc, "Worked example"));

function value(label: string, from = example): Uint8Array {
  const bytes = from.get(label);
  if (bytes === undefined) throw new Error(`docs/protocol.md has no "${label}:" value`);
  return bytes;
}

const seed = value("seed", keyExample);
const publicKey = value("public key", keyExample);
const stampId = value("stamp id", keyExample);
const baseUrl = Buffer.from(value("base url")).toString("latin1");
const counter = Buffer.from(value("phone counter")).readUInt32BE(0);
const flags = value("phone flags")[0];
const pressRandom = value("press random");
const documentedUrl = (/```url\n(.*)\n```/.exec(phoneSection) ?? [])[1];

function counterSlot(n: number): Uint8Array {
  const slot = Buffer.alloc(8);
  slot.writeUInt32BE(n, 0);
  slot.writeUInt32BE(~n >>> 0, 4);
  return new Uint8Array(slot);
}

describe("docs/protocol.md section 15, the phone URL, agrees with the code", () => {
  it("signed message and signature: node:crypto over phoneSignedMessage, verified by the host's verifyStrict", () => {
    expect([baseUrl, counter, flags]).toEqual(["https://stamp.bean-bros.kr", 43, FLAG_USER_PRESENT]);
    const message = phoneSignedMessage(baseUrl, stampId, counter, flags, pressRandom);
    expect(toHex(message)).toBe(toHex(value("phone signed message")));
    const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
    expect(toHex(new Uint8Array(sign(null, message, privateKey)))).toBe(toHex(value("phone signature")));
    expect(verifyStrict(publicKeyObject(publicKey), message, value("phone signature"))).toBe(true);
    // Bound to the base URL: the same token shown to another host does not verify there.
    expect(verifyStrict(publicKeyObject(publicKey), phoneSignedMessage("https://evil.example", stampId, counter, flags, pressRandom), value("phone signature"))).toBe(false);
    // Another press random (a clone pressed at this counter): another message, this signature fails.
    expect(verifyStrict(publicKeyObject(publicKey), phoneSignedMessage(baseUrl, stampId, counter, flags, new Uint8Array(PRESS_RANDOM_LENGTH)), value("phone signature"))).toBe(false);
  });

  it("token, token text and URL", () => {
    const token = { stampId: stampId, counter: counter, flags: flags, pressRandom: pressRandom, signature: value("phone signature") };
    expect(toHex(encodePhoneToken(token))).toBe(toHex(value("phone token")));
    expect(value("phone token").length).toBe(PHONE_TOKEN_LENGTH);
    expect(decodePhoneToken(value("phone token"))).toEqual({ ok: true, value: token });
    const text = toBase64Url(value("phone token"));
    expect(text).toHaveLength(PHONE_TOKEN_TEXT_LENGTH);
    expect(text).toBe(Buffer.from(value("phone token")).toString("base64url"));
    expect(phoneTapUrl(baseUrl, token)).toBe(documentedUrl);
    expect(documentedUrl).toHaveLength(baseUrl.length + 115);
    expect(decodePhoneTokenText(text)).toEqual({ ok: true, value: token });
    const fromText = fromBase64Url(text);
    expect(fromText.ok && toHex(fromText.value)).toBe(toHex(value("phone token")));
  });

  it("the NDEF TLVs, and a phone's parse of them", () => {
    expect(toHex(ndefUriTlv(documentedUrl))).toBe(toHex(value("phone tlv")));
    expect(toHex(ndefUriTlv(phoneIdleUrl(baseUrl)))).toBe(toHex(value("idle tlv")));
    for (const [label, url] of [["phone tlv", documentedUrl], ["idle tlv", phoneIdleUrl(baseUrl)]] as const) {
      const message = findNdefMessage(value(label));
      if (!message.ok) throw new Error(message.error.detail);
      expect(decodeNdefUriRecord(message.value)).toEqual({ ok: true, value: url });
    }
    // Sizes as documented: record n - p + 120, TLV n - p + 123 (p = 8 for https://).
    expect(value("phone tlv").length - 3).toBe(baseUrl.length - 8 + 120);
    expect(value("phone tlv").length).toBe(baseUrl.length - 8 + 123);
    const longest = "http://" + "a".repeat(57);
    expect(ndefUriTlv(longest + "/t/" + "A".repeat(PHONE_TOKEN_TEXT_LENGTH)).length).toBe(180);
    expect(180).toBeLessThanOrEqual(NDEF_PAGES * PAGE_SIZE);
  });

  it("the token, signed message and TLV tables", () => {
    const rows = (name: string) => checkedTable(doc, name).map(([offset, length, field]) => [offset, length, field]);
    expect(rows("phone-token-layout")).toEqual([
      ["0", "1", "version"],
      ["1", "8", "stamp id"],
      ["9", "4", "counter"],
      ["13", "1", "flags"],
      ["14", "6", "press random"],
      ["20", "64", "signature"],
    ]);
    const token = value("phone token");
    expect([token[0], toHex(token.subarray(1, 9)), Buffer.from(token).readUInt32BE(9), token[13], toHex(token.subarray(14, 20)), toHex(token.subarray(20))]).toEqual([
      1,
      toHex(stampId),
      counter,
      flags,
      toHex(pressRandom),
      toHex(value("phone signature")),
    ]);
    // The signed message: offsets in n, the base URL's length, checked at the example's n.
    const n = baseUrl.length;
    const message = value("phone signed message");
    const at = (text: string) => Number(text.replace("n", String(n)).split("+").reduce((sum, part) => sum + Number(part.trim()), 0));
    const fields: Record<string, Uint8Array> = {
      "domain tag": asciiBytes(URL_DOMAIN_TAG),
      "base URL length": new Uint8Array([n]),
      "base URL": asciiBytes(baseUrl),
      "stamp id": stampId,
      counter: value("phone counter"),
      flags: value("phone flags"),
      "press random": pressRandom,
    };
    let next = 0;
    for (const [offset, length, field] of rows("phone-signed-message-layout")) {
      const expected = fields[field];
      expect([field, at(offset), at(length)]).toEqual([field, next, expected.length]);
      expect(toHex(message.subarray(next, next + expected.length))).toBe(toHex(expected));
      next += expected.length;
    }
    expect(next).toBe(message.length);
    expect(checkedTable(doc, "phone-signed-message-layout")[0][3]).toContain(toHex(asciiBytes(URL_DOMAIN_TAG)));
    // The TLV: the fixed bytes as the table gives them, the URI of m bytes, the terminator last.
    const tlv = value("phone tlv");
    const m = documentedUrl.length - "https://".length;
    const tlvRows = checkedTable(doc, "ndef-uri-tlv-layout");
    expect(tlvRows.map(([offset]) => at(offset.replace("m", String(m))))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 7 + m]);
    const fixed = Object.fromEntries(tlvRows.map(([offset, , field, text]) => [field, [Number(offset.replace("7 + m", String(7 + m))), text]]));
    for (const [field, byte] of [["TLV type", 0x03], ["record header", 0xd1], ["type length", 0x01], ["type", 0x55], ["terminator TLV", 0xfe]] as const) {
      const [offset, text] = fixed[field] as [number, string];
      expect([field, tlv[offset], text.startsWith(byte.toString(16).padStart(2, "0"))]).toEqual([field, byte, true]);
    }
    expect([tlv[1], tlv[4], tlv[6]]).toEqual([5 + m, 1 + m, 4]);
  });

  it("the firmware puts exactly these bytes in its tag: the idle TLV at boot, the phone TLV after a press", () => {
    const device = fakeDevice(seed);
    device.flash.set(SEED_FILE, seed.slice());
    device.flash.set(PUBLIC_KEY_FILE, publicKey.slice());
    device.flash.set(COUNTER_SLOT_FILES[0], counterSlot(counter - 1));
    device.flash.set(BASE_URL_FILE, asciiBytes(baseUrl));
    device.randomBytes = (length) => pressRandom.slice(0, length); // the RNG gives the example's press random
    const runtime = startStamp(device);
    const area = runtime.mailbox.memory.subarray(NDEF_FIRST_PAGE * PAGE_SIZE, (NDEF_FIRST_PAGE + NDEF_PAGES) * PAGE_SIZE);
    const idle = value("idle tlv");
    expect(toHex(area.subarray(0, idle.length))).toBe(toHex(idle));
    expect([...area.subarray(idle.length)].every((b) => b === 0)).toBe(true);
    device.press();
    expect(device.signed).toHaveLength(0); // the press only schedules
    device.runTimers();
    expect(device.signed.map((s) => toHex(s.message))).toEqual([toHex(value("phone signed message"))]);
    // Committed before signing: flash already held 43 when the signer was called.
    expect(toHex(device.signed[0].flashAtSigning.get(COUNTER_SLOT_FILES[1]) ?? new Uint8Array())).toBe(toHex(counterSlot(counter)));
    const tlv = value("phone tlv");
    expect(toHex(area.subarray(0, tlv.length))).toBe(toHex(tlv));
    expect([...area.subarray(tlv.length)].every((b) => b === 0)).toBe(true);
  });
});
