import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addChunk,
  CHALLENGE_CHARACTERISTIC_UUID,
  createChunkAssembly,
  RESPONSE_CHARACTERISTIC_UUID,
  splitIntoChunks,
  VERDICT_CHARACTERISTIC_UUID,
  VERIFIER_SERVICE_UUID,
} from "../../shared/ble-gatt";
import { asciiBytes, concatBytes } from "../../shared/bytes";
import { Challenge, decodeChallenge, encodeChallenge } from "../../shared/challenge";
import { DecodeErrorCode } from "../../shared/decode-error";
import { toHex } from "../../shared/hex";
import {
  CHALLENGE_LENGTH,
  FLAG_USER_PRESENT,
  isPurpose,
  KNOWN_FLAGS,
  Purpose,
  SIGNED_MESSAGE_LENGTH,
  STAMP_ID_LENGTH,
  TAP_DOMAIN_TAG,
  TAP_RESPONSE_LENGTH,
} from "../../shared/protocol-constants";
import { Reason, REASON_NAMES } from "../../shared/reason-codes";
import { tapSignedMessage } from "../../shared/signed-message";
import { decodeStampReply, encodeStampReply, STAMP_STATUS_NAMES, StampStatus } from "../../shared/stamp-reply";
import { decodeTapResponse, encodeTapResponse, TapResponse } from "../../shared/tap-response";
import {
  CAPABILITY_CONTAINER,
  CHALLENGE_FIRST_PAGE,
  CHALLENGE_PAGES,
  MailboxState,
  PAGE_SIZE,
  REPLY_FIRST_PAGE,
  REPLY_PAGES,
  STATUS_PAGE,
  T2T_ACK,
  T2T_READ,
  T2T_WRITE,
  TAG_PAGES,
  VERDICT_PAGE,
} from "../../shared/nfc-mailbox-layout";
import { BLE_WRITE_SIZE } from "../../firmware/ble-tap";
import { recordPress } from "../../firmware/presence";
import { answerChallenge, bootStamp } from "../../firmware/stamp-app";
import { createMailbox, handleNfcFrame, MailboxHooks } from "../../firmware/nfc-mailbox";
import { COUNTER_SLOT_FILES, PUBLIC_KEY_FILE, SEED_FILE } from "../../firmware/storage-files";
import { publicKeyObject, verifyStrict } from "../../host/crypto/ed25519-strict";
import { decideTap, TapContext } from "../../host/core/tap-decision";
import { authenticateToken, bootstrapOperator, enrolStation, issueEnrolmentCode, issueToken, revokeCredential } from "../../host/core/access/credentials";
import { Principal } from "../../host/core/access/principal";
import { judgeStampReply, localTapService, TapService } from "../../host/core/counter-station";
import { addMerchant, addShop, addVerifier } from "../../host/core/registry";
import { approveFirmware, issueProvisioningChallenge, registerStamp } from "../../host/core/stamp-registration";
import { ApiClient } from "../../host/client/api-client";
import { apiTapService } from "../../host/client/api-tap-service";
import { injectTransport } from "../../host/client/transports";
import { buildServer } from "../../host/http/server";
import { provisioningMessage } from "../../shared/provisioning-message";
import { SqliteStore } from "../../host/store/sqlite-store";
import { hexValues, checkedTable, checkedTableNames, readProtocolDoc, section } from "./protocol-doc";
import { fakeDevice, FakeDevice } from "./fake-device";

const doc = readProtocolDoc();
const example = hexValues(section(doc, "Worked example"));

/** The public values of RFC 8032 section 7.1, TEST 1: an anchor independent of node:crypto. */
const RFC8032_TEST1_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC8032_TEST1_PUBLIC_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

const LABELS = [
  "seed",
  "public key",
  "stamp id",
  "verifier id",
  "issued at",
  "nonce",
  "purpose",
  "quantity",
  "challenge",
  "counter",
  "flags",
  "signed message",
  "signature",
  "tap response",
  "stamp reply",
  "nfc status page",
  "ble chunk 0",
  "ble chunk 1",
  "ble chunk 2",
  "ble chunk 3",
  "ble chunk 4",
  "verdict",
];

function value(label: string): Uint8Array {
  const bytes = example.get(label);
  if (bytes === undefined) throw new Error(`the worked example has no "${label}:" value`);
  return bytes;
}

/** An unsigned big-endian integer of exactly `length` bytes. */
function bigEndian(label: string, length: number): number {
  const bytes = value(label);
  expect(bytes.length, `${label} is ${length} bytes`).toBe(length);
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

function privateKey(seed: Uint8Array) {
  return createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
}

function rawPublicKey(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKey(seed)).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

function exampleChallenge(): Challenge {
  const purpose = bigEndian("purpose", 1);
  if (!isPurpose(purpose)) throw new Error(`purpose ${purpose} is not a purpose`);
  return {
    verifierId: value("verifier id"),
    issuedAt: bigEndian("issued at", 4),
    nonce: value("nonce"),
    purpose: purpose,
    quantity: bigEndian("quantity", 2),
  };
}

function exampleResponse(): TapResponse {
  return {
    stampId: value("stamp id"),
    nonce: value("nonce"),
    counter: bigEndian("counter", 4),
    flags: bigEndian("flags", 1),
    signature: value("signature"),
  };
}

function counterSlot(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setUint32(0, value);
  new DataView(out.buffer).setUint32(4, ~value >>> 0);
  return out;
}

describe("docs/protocol.md worked example", () => {
  it("has exactly the expected labelled hex values, each valid hex", () => {
    expect([...example.keys()].sort()).toEqual([...LABELS].sort());
  });

  it("key: RFC 8032 TEST 1 seed, node:crypto public key, stamp id = first 8 bytes", () => {
    expect(toHex(value("seed"))).toBe(RFC8032_TEST1_SEED);
    expect(toHex(value("public key"))).toBe(RFC8032_TEST1_PUBLIC_KEY);
    expect(toHex(rawPublicKey(value("seed")))).toBe(toHex(value("public key")));
    expect(value("stamp id").length).toBe(STAMP_ID_LENGTH);
    expect(toHex(value("stamp id"))).toBe(toHex(value("public key").subarray(0, STAMP_ID_LENGTH)));
  });

  it("challenge: encodeChallenge of the listed fields, and it decodes back to them", () => {
    const challenge = exampleChallenge();
    expect(challenge.purpose).toBe(Purpose.STAMP);
    expect(value("challenge").length).toBe(CHALLENGE_LENGTH);
    expect(toHex(encodeChallenge(challenge))).toBe(toHex(value("challenge")));
    const decoded = decodeChallenge(value("challenge"));
    expect(decoded).toEqual({ ok: true, value: challenge });
  });

  it("signed message: tapSignedMessage of challenge, stamp id, counter, flags", () => {
    const message = tapSignedMessage(exampleChallenge(), value("stamp id"), bigEndian("counter", 4), bigEndian("flags", 1));
    expect(message.length).toBe(SIGNED_MESSAGE_LENGTH);
    expect(toHex(value("signed message"))).toBe(toHex(message));
    expect(toHex(message.subarray(0, 12))).toBe(toHex(asciiBytes(TAP_DOMAIN_TAG)));
    expect(Buffer.from(message.subarray(0, 12)).toString("ascii")).toBe("stamp-tap/v1");
  });

  it("signature: node:crypto Ed25519 over the signed message; verifies with node:crypto and verifyStrict", () => {
    const message = value("signed message");
    const signature = value("signature");
    expect(toHex(new Uint8Array(sign(null, message, privateKey(value("seed")))))).toBe(toHex(signature));
    const key = publicKeyObject(value("public key"));
    expect(verify(null, message, key, signature)).toBe(true);
    expect(verifyStrict(key, message, signature)).toBe(true);
    // Any change to what is signed breaks it: e.g. the flags byte, the quantity, the verifier id.
    for (const offset of [56, 12 + 30 + 1, 12 + 1]) {
      const changed = message.slice();
      changed[offset] ^= 1;
      expect(verifyStrict(key, changed, signature)).toBe(false);
    }
  });

  it("tap response and stamp reply: encoders, decoders", () => {
    const response = exampleResponse();
    expect(value("tap response").length).toBe(TAP_RESPONSE_LENGTH);
    expect(toHex(encodeTapResponse(response))).toBe(toHex(value("tap response")));
    expect(decodeTapResponse(value("tap response"))).toEqual({ ok: true, value: response });
    expect(value("stamp reply").length).toBe(1 + TAP_RESPONSE_LENGTH);
    expect(toHex(encodeStampReply({ status: StampStatus.OK, response: value("tap response") }))).toBe(toHex(value("stamp reply")));
    const reply = decodeStampReply(value("stamp reply"));
    if (!reply.ok || reply.value.status !== StampStatus.OK) throw new Error("the stamp reply does not decode as OK");
    expect(toHex(reply.value.response)).toBe(toHex(value("tap response")));
  });

  it("the firmware produces this exact stamp reply, committing counter 42 before it signs", () => {
    const device: FakeDevice = fakeDevice(value("seed"));
    device.flash.set(SEED_FILE, value("seed").slice());
    device.flash.set(PUBLIC_KEY_FILE, value("public key").slice());
    device.flash.set(COUNTER_SLOT_FILES[0], counterSlot(40));
    device.flash.set(COUNTER_SLOT_FILES[1], counterSlot(41));
    const { stamp, report } = bootStamp(device);
    expect(report.fault).toBeUndefined();
    expect(report.keyCreated).toBe(false);
    recordPress(stamp.presence, device.now()); // its button was pressed a moment ago
    const reply = answerChallenge(stamp, value("challenge"));
    expect(toHex(reply)).toBe(toHex(value("stamp reply")));
    expect(device.signed.map((s) => toHex(s.message))).toEqual([toHex(value("signed message"))]);
    // At the moment of signing, flash already held 42 in the older slot (the one that held 40).
    expect(toHex(device.signed[0].flashAtSigning.get(COUNTER_SLOT_FILES[0]) ?? new Uint8Array())).toBe(toHex(counterSlot(42)));
    // Without a press the flag is clear and the next counter is used.
    const next = decodeStampReply(answerChallenge(stamp, value("challenge")));
    if (!next.ok || next.value.status !== StampStatus.OK) throw new Error("second answer failed");
    const decoded = decodeTapResponse(next.value.response);
    expect(decoded.ok && decoded.value.counter).toBe(43);
    expect(decoded.ok && decoded.value.flags).toBe(0);
  });

  it("NFC: the mailbox answers with the documented status page and the reply in the reply pages", () => {
    const device = fakeDevice(value("seed"));
    device.flash.set(SEED_FILE, value("seed").slice());
    device.flash.set(COUNTER_SLOT_FILES[0], counterSlot(41));
    const { stamp } = bootStamp(device);
    const verdicts: number[] = [];
    const hooks: MailboxHooks = { answer: (challenge) => answerChallenge(stamp, challenge), verdict: (reason) => verdicts.push(reason) };
    const mailbox = createMailbox(device, hooks, new Uint8Array(10).fill(0x04));
    recordPress(stamp.presence, device.now()); // its button was pressed a moment ago
    const challenge = value("challenge");
    for (let i = 0; i < CHALLENGE_PAGES; i++) {
      handleNfcFrame(mailbox, concatBytes([new Uint8Array([T2T_WRITE, CHALLENGE_FIRST_PAGE + i]), challenge.subarray(4 * i, 4 * i + 4)]));
      expect(device.nfcAnswers.pop()).toEqual({ ack: T2T_ACK });
    }
    device.runTimers();
    handleNfcFrame(mailbox, new Uint8Array([T2T_READ, STATUS_PAGE]));
    const head = device.nfcAnswers.pop();
    if (head === undefined || !("data" in head)) throw new Error("READ got no data");
    expect(toHex(head.data.subarray(0, 4))).toBe(toHex(value("nfc status page")));
    expect(head.data[0]).toBe(MailboxState.READY);
    const replyArea = mailbox.memory.subarray(REPLY_FIRST_PAGE * PAGE_SIZE, REPLY_FIRST_PAGE * PAGE_SIZE + value("stamp reply").length);
    expect(toHex(replyArea)).toBe(toHex(value("stamp reply")));
    handleNfcFrame(mailbox, new Uint8Array([T2T_WRITE, VERDICT_PAGE, ...value("verdict"), 0, 0, 0]));
    expect(verdicts).toEqual([value("verdict")[0]]);
    expect(toHex(mailbox.memory.subarray(3 * PAGE_SIZE, 4 * PAGE_SIZE))).toBe("e110280f");
  });

  it("BLE: the stamp reply is written as the documented chunks and reassembles", () => {
    const chunks = splitIntoChunks(value("stamp reply"), BLE_WRITE_SIZE);
    expect(chunks.map(toHex)).toEqual([0, 1, 2, 3, 4].map((i) => toHex(value(`ble chunk ${i}`))));
    let assembly = createChunkAssembly();
    for (const chunk of chunks) {
      const added = addChunk(assembly, chunk, 1 + TAP_RESPONSE_LENGTH);
      if (!added.ok) throw new Error(added.error.detail);
      assembly = added.value;
    }
    expect(assembly.complete).toBe(true);
    expect(toHex(concatBytes(assembly.parts))).toBe(toHex(value("stamp reply")));
  });

  it("the host decision accepts the example tap with the documented verdict byte", () => {
    const response = decodeTapResponse(value("tap response"));
    if (!response.ok) throw new Error(response.error.detail);
    const decision = decideTap(baseContext(response.value));
    expect(decision.verdict.reason).toBe("ACCEPTED");
    expect(decision.verdict.code).toBe(value("verdict")[0]);
    expect(decision.effect.kind === "commit" && decision.effect.changes.ledger !== undefined).toBe(true);
  });
});

const VERIFIER = "a1b2c3d4e5f60718";
const ISSUED_AT_MS = 1767225600 * 1000;

function baseContext(response: TapResponse): TapContext {
  return {
    verifier: { id: VERIFIER, shopId: "shop-1", label: "counter 1", requirePresence: true, purpose: Purpose.STAMP, quantity: 2 },
    shop: { id: "shop-1", merchantId: "m", name: "Shop 1" },
    challenge: {
      nonce: toHex(value("nonce")),
      verifierId: VERIFIER,
      issuedAt: 1767225600,
      expiresAt: ISSUED_AT_MS + 30_000,
      purpose: Purpose.STAMP,
      quantity: 2,
      usedAt: undefined,
      cardId: "",
      voucherId: undefined,
      receipt: undefined,
      stationId: "",
    },
    sameCounter: [],
    stamp: {
      id: toHex(value("stamp id")),
      publicKey: value("public key"),
      label: "stamp A",
      merchantId: "m",
      shopIds: ["shop-1"],
      verifierIds: [],
      status: "active",
      lastCounter: 41,
      registeredAt: 0,
      firmwareHash: undefined,
    },
    response: response,
    responseHex: toHex(encodeTapResponse(response)),
    now: ISSUED_AT_MS + 1000,
    card: undefined,
    lastTap: undefined,
  };
}

/** Signs a tap response for the example challenge with the example key. */
function signedResponse(counter: number, flags: number): TapResponse {
  const message = tapSignedMessage(exampleChallenge(), value("stamp id"), counter, flags);
  const signature = new Uint8Array(sign(null, message, privateKey(value("seed"))));
  return { stampId: value("stamp id"), nonce: value("nonce"), counter: counter, flags: flags, signature: signature };
}

describe("docs/protocol.md tables agree with the code", () => {
  it("every marked table is checked here", () => {
    expect(checkedTableNames(doc).sort()).toEqual(
      [
        "ble-uuids",
        "challenge-layout",
        "decision-order",
        "decode-errors",
        "flags",
        "nfc-memory-map",
        "nfc-pages-reads", // driven as a tap by test/firmware/nfc-mailbox.test.ts and the ARM suite
        "nfc-status-page",
        "ndef-uri-tlv-layout", // section 15: test/protocol/phone-url-example.test.ts
        "phone-signed-message-layout", // section 15
        "phone-token-layout", // section 15
        "purposes",
        "reasons",
        "signed-message-layout",
        "stamp-reply-layout",
        "stamp-status",
        "tap-response-layout",
      ].sort(),
    );
  });

  /** Each row's field must sit at its documented offset in the encoding, rows contiguous, total = length. */
  function checkLayout(table: string, encoded: Uint8Array, fields: Record<string, Uint8Array>): void {
    const rows = checkedTable(doc, table);
    let expectedOffset = 0;
    for (const [offsetText, lengthText, field] of rows) {
      const offset = Number(offsetText);
      const length = Number(lengthText);
      expect(offset, `${table}: ${field} offset`).toBe(expectedOffset);
      const expected = fields[field];
      if (expected === undefined) throw new Error(`${table}: the test does not know the field "${field}"`);
      expect(length, `${table}: ${field} length`).toBe(expected.length);
      expect(toHex(encoded.subarray(offset, offset + length)), `${table}: ${field} bytes`).toBe(toHex(expected));
      expectedOffset += length;
    }
    expect(expectedOffset, `${table}: total length`).toBe(encoded.length);
    expect(rows.map((r) => r[2]).sort()).toEqual(Object.keys(fields).sort());
  }

  it("challenge, signed message, tap response and stamp reply layouts", () => {
    const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    checkLayout("challenge-layout", value("challenge"), {
      version: new Uint8Array([1]),
      "verifier id": value("verifier id"),
      "issued at": u32(1767225600),
      nonce: value("nonce"),
      purpose: new Uint8Array([Purpose.STAMP]),
      quantity: new Uint8Array([0, 2]),
    });
    checkLayout("signed-message-layout", value("signed message"), {
      "domain tag": asciiBytes("stamp-tap/v1"),
      challenge: value("challenge"),
      "stamp id": value("stamp id"),
      counter: u32(42),
      flags: new Uint8Array([FLAG_USER_PRESENT]),
    });
    checkLayout("tap-response-layout", value("tap response"), {
      version: new Uint8Array([1]),
      "stamp id": value("stamp id"),
      nonce: value("nonce"),
      counter: u32(42),
      flags: new Uint8Array([FLAG_USER_PRESENT]),
      signature: value("signature"),
    });
    checkLayout("stamp-reply-layout", value("stamp reply"), {
      status: new Uint8Array([StampStatus.OK]),
      "tap response": value("tap response"),
    });
    // The domain tag's hex as written in the table.
    expect(checkedTable(doc, "signed-message-layout")[0][3]).toContain(toHex(asciiBytes(TAP_DOMAIN_TAG)));
  });

  it("purposes, flags, stamp statuses, reasons, decode errors", () => {
    const pairs = (table: string) => checkedTable(doc, table).map(([n, name]) => [Number(n), name] as const);
    expect(pairs("purposes")).toEqual(Object.entries(Purpose).map(([name, n]) => [n, name]));
    expect(pairs("stamp-status")).toEqual(STAMP_STATUS_NAMES.map((name, n) => [n, name]));
    expect(pairs("stamp-status")).toEqual(Object.entries(StampStatus).map(([name, n]) => [n, name]));
    expect(pairs("reasons")).toEqual(REASON_NAMES.map((name, n) => [n, name]));
    expect(pairs("reasons")).toEqual(Object.entries(Reason).map(([name, n]) => [n, name]));
    expect(checkedTable(doc, "decode-errors").map((r) => r[0]).sort()).toEqual(Object.values(DecodeErrorCode).sort());
    const flags = checkedTable(doc, "flags");
    expect(flags.map(([bit, name]) => [Number(bit), name])).toEqual([[FLAG_USER_PRESENT, "USER_PRESENT"]]);
    expect(flags.reduce((all, [bit]) => all | Number(bit), 0)).toBe(KNOWN_FLAGS);
  });

  it("NFC memory map and status page", () => {
    const rows = checkedTable(doc, "nfc-memory-map").map(([first, count, content, access]) => ({
      first: Number(first),
      count: Number(count),
      content: content,
      access: access,
    }));
    let next = 0;
    for (const row of rows) {
      expect(row.first).toBe(next);
      next += row.count;
    }
    expect(next).toBe(TAG_PAGES);
    const find = (word: string) => {
      const row = rows.find((r) => r.content.startsWith(word));
      if (row === undefined) throw new Error(`no memory map row for ${word}`);
      return row;
    };
    expect([find("challenge").first, find("challenge").count, find("challenge").access]).toEqual([CHALLENGE_FIRST_PAGE, CHALLENGE_PAGES, "write"]);
    expect([find("status").first, find("status").count]).toEqual([STATUS_PAGE, 1]);
    expect([find("stamp reply").first, find("stamp reply").count]).toEqual([REPLY_FIRST_PAGE, REPLY_PAGES]);
    expect([find("verdict").first, find("verdict").count, find("verdict").access]).toEqual([VERDICT_PAGE, 1, "write"]);
    expect(find("capability container").content).toContain(toHex(new Uint8Array(CAPABILITY_CONTAINER)).replace(/(..)(?!$)/g, "$1 "));
    const status = checkedTable(doc, "nfc-status-page");
    expect(status.map((r) => r[1])).toEqual(["state", "stamp status", "reply length", "sequence"]);
    expect(status[0][2]).toBe(Object.entries(MailboxState).map(([name, n]) => `${n} ${name}`).join(", "));
  });

  it("BLE UUIDs", () => {
    const uuids = Object.fromEntries(checkedTable(doc, "ble-uuids").map(([role, uuid]) => [role, uuid]));
    expect(uuids).toEqual({
      "verifier service": VERIFIER_SERVICE_UUID,
      challenge: CHALLENGE_CHARACTERISTIC_UUID,
      response: RESPONSE_CHARACTERISTIC_UUID,
      verdict: VERDICT_CHARACTERISTIC_UUID,
    });
  });

  it("decision order, steps 6-17: with every later check also failing, the documented step decides", () => {
    const order = checkedTable(doc, "decision-order").map(([step, , reason]) => [Number(step), reason] as const);
    expect(order.map(([step]) => step)).toEqual(order.map((_, i) => i + 1));
    for (const [, reason] of order) expect(REASON_NAMES).toContain(reason);
    // Start with a tap failing every check from step 6 on, then repair them one by one, in the
    // documented order: each time, the verdict must be the next documented step's reason.
    const unpressed = signedResponse(42, 0);
    const forged = { ...unpressed, signature: unpressed.signature.slice() };
    forged.signature[0] ^= 1;
    const base = baseContext(unpressed);
    const baseStamp = base.stamp;
    const baseChallenge = base.challenge;
    if (baseStamp === undefined || baseChallenge === undefined) throw new Error("unreachable");
    // The same counter, validly signed earlier for another challenge: the evidence of a fork.
    const fork = { stampId: baseStamp.id, counter: 42, nonce: "00".repeat(16), verifierId: VERIFIER, challengeIssuedAt: 1767225500, purpose: Purpose.STAMP, quantity: 2, response: "", at: 0 };
    const repairs: ((c: TapContext) => TapContext)[] = [
      (c) => ({ ...c, challenge: { ...baseChallenge, verifierId: VERIFIER, usedAt: ISSUED_AT_MS } }), // 6
      (c) => ({ ...c, challenge: { ...baseChallenge, usedAt: undefined } }), // 7
      (c) => ({ ...c, now: ISSUED_AT_MS + 20_000 }), // 8: not expired, but later than any genuine reply (step 17)
      (c) => ({ ...c, stamp: { ...baseStamp, status: "revoked", lastCounter: 42, shopIds: ["shop-2"] } }), // 9
      (c) => ({ ...c, response: unpressed }), // 10
      (c) => ({ ...c, stamp: c.stamp && { ...c.stamp, status: "quarantined" } }), // 11
      (c) => ({ ...c, stamp: c.stamp && { ...c.stamp, status: "active" } }), // 12
      (c) => ({ ...c, sameCounter: [] }), // 13
      (c) => ({ ...c, stamp: c.stamp && { ...c.stamp, lastCounter: 41 } }), // 14
      (c) => ({ ...c, stamp: c.stamp && { ...c.stamp, shopIds: ["shop-1"] } }), // 15
      (c) => ({ ...c, lastTap: undefined }), // 16
      (c) => ({ ...c, now: ISSUED_AT_MS + 1000 }), // 17
      (c) => ({ ...c, response: signedResponse(42, FLAG_USER_PRESENT) }), // 18
    ];
    let context: TapContext = {
      ...base,
      challenge: { ...baseChallenge, verifierId: "0000000000000000", usedAt: ISSUED_AT_MS },
      now: ISSUED_AT_MS + 31_000,
      stamp: undefined,
      sameCounter: [fork],
      response: forged,
      // Pressed in Seoul, and one second earlier in Busan (325 km away).
      shop: { ...base.shop, location: { latitude: 37.5665, longitude: 126.978 } },
      lastTap: { shopId: "shop-2", at: ISSUED_AT_MS, location: { latitude: 35.1796, longitude: 129.0756 } },
    };
    const seen: string[] = [decideTap(context).verdict.reason];
    for (const repair of repairs) {
      context = repair(context);
      seen.push(decideTap(context).verdict.reason);
    }
    expect(seen).toEqual(order.slice(5).map(([, reason]) => reason));
  });

  describe("decision order, steps 1-5, through the real store and the HTTP API", () => {
    const NOW = ISSUED_AT_MS + 1000;
    const clock = () => NOW;
    let dir = "";
    let store: SqliteStore;
    let station: TapService;
    let refusedStation: TapService;
    const clients: ApiClient[] = [];
    const must = <T,>(r: { ok: true; value: T } | { ok: false; error: { message: string } | string }): T => {
      if (!r.ok) throw new Error(typeof r.error === "string" ? r.error : r.error.message);
      return r.value;
    };
    /** A counter station for the example's verifier, enrolled with its own key; its TapService over the API. */
    async function enrolCounterStation(owner: Principal): Promise<{ service: TapService; credentialId: string }> {
      const code = must(await issueEnrolmentCode(store, owner, { role: "counter-station", verifierId: VERIFIER }, NOW));
      const stationKey = generateKeyPairSync("ed25519").privateKey;
      const credential = must(await enrolStation(store, { code: code.code, publicKey: rawKey(stationKey), label: "counter 1" }, NOW));
      const client = new ApiClient(injectTransport(buildServer(store, { clock })), { kind: "station", keyId: credential.id, privateKey: stationKey }, clock);
      clients.push(client);
      return { service: apiTapService(client), credentialId: credential.id };
    }
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "protocol-doc-"));
      store = new SqliteStore(join(dir, "stamp.db"));
      const operator = must(await authenticateToken(store, must(await bootstrapOperator(store, "operator", NOW)).token, NOW));
      must(await addMerchant(store, operator, { id: "m", name: "Merchant" }, NOW));
      const firmwareHash = "f1".repeat(32);
      must(await approveFirmware(store, operator, { hash: firmwareHash, label: "firmware" }, NOW));
      const owner = must(await authenticateToken(store, must(await issueToken(store, operator, { role: "owner", merchantId: "m", label: "owner" }, NOW)).token, NOW));
      must(await addShop(store, owner, { id: "shop-1", merchantId: "m", name: "Shop 1" }, NOW));
      // The example challenge's purpose and quantity are the verifier's configuration.
      must(await addVerifier(store, owner, { id: VERIFIER, shopId: "shop-1", label: "counter 1", requirePresence: true, purpose: Purpose.STAMP, quantity: 2 }, NOW));
      // The example stamp, registered by a flashing station with its proof (we hold the example seed).
      const flasherCode = must(await issueEnrolmentCode(store, owner, { role: "flashing-station", merchantId: "m" }, NOW));
      const flasherKey = generateKeyPairSync("ed25519").privateKey;
      const flasherCredential = must(await enrolStation(store, { code: flasherCode.code, publicKey: rawKey(flasherKey), label: "flasher" }, NOW));
      const flasher: Principal = { role: "flashing-station", credentialId: flasherCredential.id, merchantId: "m" };
      const provisioning = must(await issueProvisioningChallenge(store, flasher, NOW)).challenge;
      const message = provisioningMessage(Buffer.from(provisioning, "hex"), value("public key"), Buffer.from(firmwareHash, "hex"));
      if (message === undefined) throw new Error("unreachable");
      const proof = { challenge: provisioning, firmwareHash: firmwareHash, signature: sign(null, message, privateKey(value("seed"))).toString("hex") };
      must(await registerStamp(store, flasher, { publicKeyHex: toHex(value("public key")), label: "stamp A", merchantId: "m", shopIds: ["shop-1"], verifierIds: [], proof }, NOW));
      station = (await enrolCounterStation(owner)).service;
      // A second station for the same counter, whose key the owner revoked: the host refuses it.
      const refused = await enrolCounterStation(owner);
      must(await revokeCredential(store, owner, refused.credentialId, NOW));
      refusedStation = refused.service;
      const challenge = baseContext(exampleResponse()).challenge;
      if (challenge === undefined) throw new Error("unreachable");
      expect(await store.saveChallenge(challenge, 16, NOW)).toBe("saved");
    });
    afterAll(async () => {
      for (const client of clients) await client.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("each of steps 1-5 decides before the later ones; then the example is accepted once", async () => {
      const order = checkedTable(doc, "decision-order").map(([, , reason]) => reason);
      const reply = value("stamp reply");
      const unknownNonce = reply.slice();
      unknownNonce[1 + 9] ^= 0xff;
      const badVersion = unknownNonce.slice(); // the nonce unknown too
      badVersion[1] = 2;
      // Steps 1-3 with a counter station of a verifier that is not registered (in process: the
      // core decodes the tap response before it looks the verifier up); step 4 with a station
      // whose key the owner revoked (refused by the API); step 5 with the enrolled station.
      const unregistered = localTapService(store, { role: "counter-station", credentialId: "none", merchantId: "m", verifierId: "ffffffffffffffff" }, clock);
      const seen = [
        (await judgeStampReply(unregistered, new Uint8Array([9]))).verdict.reason, // 1: undecodable reply
        (await judgeStampReply(unregistered, new Uint8Array([StampStatus.BUSY]))).verdict.reason, // 2
        (await judgeStampReply(unregistered, badVersion)).verdict.reason, // 3
        (await judgeStampReply(refusedStation, unknownNonce)).verdict.reason, // 4 (nonce also unknown)
        (await judgeStampReply(station, unknownNonce)).verdict.reason, // 5
      ];
      expect(seen).toEqual(order.slice(0, 5));
      const accepted = await judgeStampReply(station, reply);
      expect([accepted.verdict.reason, accepted.verdict.code]).toEqual(["ACCEPTED", value("verdict")[0]]);
      expect((await judgeStampReply(station, reply)).verdict.reason).toBe("CHALLENGE_REUSED");
      expect((await store.listEvents({ merchantId: "m", limit: 10 })).length).toBe(1);
    });
  });
});

function rawKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}
