import fc from "fast-check";
import { toHex } from "../../shared/hex";
import { CHALLENGE_FIRST_PAGE, STAMP_WRITE_CHALLENGE, T2T_FAST_READ, T2T_HALT, T2T_READ, T2T_WRITE, TAG_PAGES, VERDICT_PAGE } from "../../shared/nfc-mailbox-layout";
import { startStamp } from "../../firmware/stamp-runtime";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedDevice } from "../../sim/simulated-device";
import { ReaderEmulation } from "../../sim/virtual-stamp/reader-emulation";
import { nodeSigner } from "../world/node-signer";
import { notAnRApdu, notARadioAnswer } from "./answer-shapes";
import { Decoder, IN_PROCESS_HANG_MS } from "./fuzz-decoder";
import { anyBytes, mutatedBytes } from "./mutations";
import { validChallenge } from "./valid-encodings";

/**
 * The firmware's own NFC front end, fuzzed through the simulated radio exactly as the suite and
 * the virtual stamp drive it: a booted stamp (its runtime, mailbox and phone URL), one frame at
 * a time. The stamp keeps its state between frames, as it would in a reader's field, so half-
 * written challenges and busy mailboxes are reached too.
 */
function bootedStamp(): SimulatedDevice {
  const device = new SimulatedDevice(nodeSigner, new SimulatedAir());
  startStamp(device);
  return device;
}

const page = fc.integer({ min: 0, max: 255 });
const mailboxPage = fc.oneof(fc.integer({ min: CHALLENGE_FIRST_PAGE, max: CHALLENGE_FIRST_PAGE + 7 }), fc.constant(VERDICT_PAGE), fc.integer({ min: 0, max: TAG_PAGES + 2 }));

/** Well-formed reader frames of every command the handler knows. */
const validFrame: fc.Arbitrary<Uint8Array> = fc.oneof(
  page.map((p) => new Uint8Array([T2T_READ, p])),
  fc.tuple(mailboxPage, fc.uint8Array({ minLength: 4, maxLength: 4 })).map(([p, data]) => new Uint8Array([T2T_WRITE, p, ...data])),
  fc.tuple(page, page).map(([a, b]) => new Uint8Array([T2T_FAST_READ, Math.min(a, b), Math.max(a, b)])),
  validChallenge.map((c) => new Uint8Array([STAMP_WRITE_CHALLENGE, ...c])),
  fc.constant(new Uint8Array([T2T_HALT, 0])),
);

export function nfcFrameDecoder(): Decoder<Uint8Array> {
  const device = bootedStamp();
  return {
    name: "Type 2 Tag frames into the firmware's NFC handler",
    generated: anyBytes,
    mutated: mutatedBytes(validFrame),
    decode: (frame) => device.nfc.transceive(frame),
    wrongAnswer: notARadioAnswer,
    show: toHex,
    hangMs: IN_PROCESS_HANG_MS,
  };
}

/** Pseudo-APDUs (PC/SC, ACR122U class) as the virtual stamp's reader emulation takes them from vpcd. */
const validApdu: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(new Uint8Array([0xff, 0xca, 0x00, 0x00, 0x00])),
  fc.tuple(page, fc.integer({ min: 0, max: 64 })).map(([p, le]) => new Uint8Array([0xff, 0xb0, 0x00, p, le])),
  fc.tuple(mailboxPage, fc.uint8Array({ minLength: 4, maxLength: 16 })).map(([p, data]) => new Uint8Array([0xff, 0xd6, 0x00, p, data.length, ...data])),
  validFrame.map((frame) => new Uint8Array([0xff, 0x00, 0x00, 0x00, frame.length + 2, 0xd4, 0x42, ...frame])),
);

export function readerApduDecoder(): Decoder<Uint8Array> {
  const device = bootedStamp();
  const reader = new ReaderEmulation(device.nfc, () => device.nfc.start());
  return {
    name: "PC/SC APDUs through the reader emulation into the firmware's NFC handler",
    generated: anyBytes,
    mutated: mutatedBytes(validApdu),
    decode: (apdu) => reader.handleApdu(apdu),
    wrongAnswer: notAnRApdu,
    show: toHex,
    hangMs: IN_PROCESS_HANG_MS,
  };
}
