/**
 * Issue 2, item 4: dist/firmware/stamp.js on real Espruino (2v29, Puck.js feature set, 2,630
 * variables, 40 KB Storage) — not a simulator. The stamp lives through three processes, like a
 * stamp at the flashing station and then in a shop:
 *
 *   session 1  upload `.boot0` (test prelude: stub radio, LEDs, button, recording signer) and
 *              `.bootcde` (the bundle) line by line; read both back and hash them in Espruino
 *   session 2  first boot: key created; NFC taps through the NFCrx handler, STAMP.answer,
 *              malformed challenges, a run of signatures
 *   session 3  second boot: same key, counter continues above everything signed before
 *
 * Every signed message the test signer was handed is compared byte for byte with the host's own
 * construction (shared/signed-message.ts), and every reply is decoded with the host's decoders.
 *
 * Binary: ESPRUINO_BIN (x86_64, e.g. ../shared/tools/espruino-puckjs-x86_64): the x86 build
 * cannot run the native Thumb blob, hence the recording signer. The ARM build runs the whole stamp
 * as shipped, blob included, in test/firmware/espruino-native-signer.test.ts. Without
 * ESPRUINO_BIN this suite is skipped, and says so.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COUNTER_SLOT_FILES, PUBLIC_KEY_FILE, SEED_FILE } from "../../firmware/storage-files";
import { decodeChallenge, encodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import {
  CAPABILITY_CONTAINER,
  CHALLENGE_FIRST_PAGE,
  MailboxState,
  NDEF_FIRST_PAGE,
  REPLY_FIRST_PAGE,
  STATUS_PAGE,
  T2T_ACK,
  T2T_HALT,
  T2T_NACK_INVALID,
  T2T_READ,
  T2T_WRITE,
  TAG_PAGES,
  VERDICT_PAGE,
} from "../../shared/nfc-mailbox-layout";
import { Purpose, SIGNED_MESSAGE_LENGTH, STAMP_ID_LENGTH, TAP_RESPONSE_LENGTH } from "../../shared/protocol-constants";
import { Reason } from "../../shared/reason-codes";
import { tapSignedMessage } from "../../shared/signed-message";
import { decodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { decodeTapResponse } from "../../shared/tap-response";
import {
  bytesExpression,
  BootMeasurement,
  EspruinoLauncher,
  EspruinoSession,
  expectArray,
  expectRecord,
  expectString,
  expectStringArray,
  launchersFromEnv,
  makeStampDirectory,
  measureBoot,
  MemoryFigures,
  nfcFrame,
  readMemory,
  readStampBoot,
  StampBootState,
  stampFiles,
  storageFileHex,
  storageList,
  TEST_NFC_UID,
  testSignerPublicKey,
  testSignerSignature,
  UploadReport,
  uploadFiles,
  withSession,
} from "../support/espruino-session";

/** What `npm run build:firmware` writes (firmware/build/build-bundle.ts). */
const BUNDLE_PATH = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "firmware", "stamp.js");

const CMD_READ = T2T_READ;
const CMD_WRITE = T2T_WRITE;
const CMD_HALT = T2T_HALT;
const ACK = T2T_ACK;
const NACK = T2T_NACK_INVALID;
/** Signatures made in the first boot before the run of STAMP.answer calls, and in all. */
const SIGNED_BEFORE_RUN = 3;
const SIGNED_IN_FIRST_BOOT = 17;

// ---------------------------------------------------------------------------------------------
// Observation: drive the stamp and record everything; the tests below only assert.

type FrameAnswer = (string | number | null)[];

interface TapObservation {
  challenge: Uint8Array;
  /** Answers to the WRITEs of the first 7 challenge pages, then of the last. */
  writeAnswers: FrameAnswer[];
  /** READ of the status page in the same console command as the page-15 WRITE (no idle between). */
  statusRightAfterLastWrite: FrameAnswer;
  /** A WRITE of the first challenge page while the stamp is busy signing. */
  writeWhileBusy: FrameAnswer;
  /** Status page once the stamp left BUSY, and how many reads that took. */
  status: Uint8Array;
  statusReads: number;
  /** The 24 reply pages (96 bytes), read with READ commands as a reader would. */
  replyArea: Uint8Array;
  /** Messages the test signer was asked to sign during this tap (hex). */
  signed: string[];
}

interface AnswerObservation {
  challenge: Uint8Array;
  reply: Uint8Array;
  signed: string[];
}

interface FirstBoot {
  boot: StampBootState;
  filesAtBoot: string[];
  /** Counter slots (hex) right after the first boot. */
  slotsAtBoot: (string | undefined)[];
  seed: Uint8Array;
  publicKeyFile: Uint8Array;
  rig: Record<string, unknown>;
  tagHeader: FrameAnswer;
  tap: TapObservation;
  filesAfterFirstTap: string[];
  slotsAfterFirstTap: (string | undefined)[];
  verdictAck: FrameAnswer;
  ledsAfterVerdict: unknown;
  statusAfterFieldOff: FrameAnswer;
  refusals: Record<string, FrameAnswer>;
  /** Only the last challenge page written (after the field came back): WRITE answer, then status. */
  incompleteChallenge: FrameAnswer[];
  answer: AnswerObservation;
  malformedAnswers: { name: string; reply: string }[];
  signedDuringMalformed: number;
  malformedTap: TapObservation;
  answerAfterMalformed: AnswerObservation;
  signatureRun: AnswerObservation[];
  filesAtEnd: string[];
  slots: (string | undefined)[];
  memoryAfterTaps: MemoryFigures;
  problems: string[];
}

interface SecondBoot {
  boot: StampBootState;
  seed: Uint8Array;
  publicKeyFile: Uint8Array;
  rig: Record<string, unknown>;
  tap: TapObservation;
  answer: AnswerObservation;
  problems: string[];
}

interface StampLife {
  bundle: string;
  upload: UploadReport;
  baseline: BootMeasurement;
  first: FirstBoot;
  second: SecondBoot;
}

function bytesOf(hex: string, what: string): Uint8Array {
  const decoded = fromHex(hex);
  if (!decoded.ok) throw new Error(what + ": " + decoded.error);
  return decoded.value;
}

function frameList(value: unknown, what: string): FrameAnswer[] {
  return expectArray(value, what).map((answer, i) =>
    expectArray(answer, what + "[" + i + "]").map((item) => {
      if (item === null || typeof item === "number" || typeof item === "string") return item;
      throw new Error(what + ": unexpected " + JSON.stringify(item));
    }),
  );
}

/** Several reader frames in ONE console command: nothing (no timer) runs between them. */
async function nfcFrames(session: EspruinoSession, frames: number[][]): Promise<FrameAnswer[]> {
  return frameList(await session.evaluate("[" + frames.map((f) => "T.rx([" + f.join(",") + "])").join(",") + "]"), "NFC answers");
}

/** The 16 bytes a READ returns, or an error naming what came back instead. */
function readData(answer: FrameAnswer, what: string): Uint8Array {
  if (answer.length !== 1 || typeof answer[0] !== "string" || answer[0].length !== 32) {
    throw new Error(what + ": expected one 16-byte frame, got " + JSON.stringify(answer));
  }
  return bytesOf(answer[0], what);
}

async function readPage(session: EspruinoSession, page: number): Promise<Uint8Array> {
  return readData(await nfcFrame(session, [CMD_READ, page]), "READ page " + page);
}

async function signedCount(session: EspruinoSession): Promise<number> {
  const value = await session.evaluate("T.m.length");
  if (typeof value !== "number") throw new Error("T.m.length: " + JSON.stringify(value));
  return value;
}

async function signedSince(session: EspruinoSession, from: number): Promise<string[]> {
  return expectStringArray(await session.evaluate("T.m.slice(" + from + ")"), "signed messages");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One tap as an NFC reader does it: WRITE the 8 challenge pages, poll the status page, READ the reply. */
async function nfcTap(session: EspruinoSession, challenge: Uint8Array): Promise<TapObservation> {
  const before = await signedCount(session);
  const write = (page: number): number[] => {
    const offset = (page - CHALLENGE_FIRST_PAGE) * 4;
    return [CMD_WRITE, page, ...challenge.subarray(offset, offset + 4)];
  };
  const last = CHALLENGE_FIRST_PAGE + 7;
  const firstSeven = await nfcFrames(session, [0, 1, 2, 3, 4, 5, 6].map((i) => write(CHALLENGE_FIRST_PAGE + i)));
  const [lastWrite, statusRightAfterLastWrite, writeWhileBusy] = await nfcFrames(session, [write(last), [CMD_READ, STATUS_PAGE], write(CHALLENGE_FIRST_PAGE)]);
  let status = readData(statusRightAfterLastWrite, "status right after the last WRITE");
  let statusReads = 0;
  while (status[0] === MailboxState.BUSY && statusReads < 100) {
    statusReads++;
    if (statusReads > 1) await sleep(20);
    status = await readPage(session, STATUS_PAGE);
  }
  const replyArea = new Uint8Array(96);
  for (let i = 0; i < 6; i++) replyArea.set(await readPage(session, REPLY_FIRST_PAGE + 4 * i), 16 * i);
  return {
    challenge: challenge,
    writeAnswers: [...firstSeven, lastWrite],
    statusRightAfterLastWrite: statusRightAfterLastWrite,
    writeWhileBusy: writeWhileBusy,
    status: status,
    statusReads: statusReads,
    replyArea: replyArea,
    signed: await signedSince(session, before),
  };
}

/** The other entry point: global.STAMP.answer(challengeBytes). */
async function stampAnswer(session: EspruinoSession, challenge: Uint8Array): Promise<AnswerObservation> {
  const before = await signedCount(session);
  const reply = expectString(await session.evaluate("T.x(STAMP.answer(" + bytesExpression(challenge) + "))"), "STAMP.answer");
  return { challenge: challenge, reply: bytesOf(reply, "STAMP.answer reply"), signed: await signedSince(session, before) };
}

function makeChallenge(verifierId: Uint8Array, purpose: Purpose, quantity: number): Uint8Array {
  return encodeChallenge({
    verifierId: verifierId,
    issuedAt: Math.floor(Date.now() / 1000),
    nonce: new Uint8Array(randomBytes(16)),
    purpose: purpose,
    quantity: quantity,
  });
}

function variant(challenge: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = challenge.slice();
  copy[offset] = value;
  return copy;
}

async function rigState(session: EspruinoSession): Promise<Record<string, unknown>> {
  return expectRecord(
    await session.evaluate("({publicKeyCalls:T.k,watches:T.w.length,nfcRx:typeof T.h.NFCrx,nfcOff:typeof T.h.NFCoff,leds:T.l})"),
    "rig state",
  );
}

async function fileBytes(session: EspruinoSession, name: string): Promise<Uint8Array> {
  const hex = await storageFileHex(session, name);
  if (hex === undefined) throw new Error("Storage file " + name + " is missing");
  return bytesOf(hex, name);
}

async function counterSlots(session: EspruinoSession): Promise<(string | undefined)[]> {
  const slots: (string | undefined)[] = [];
  for (const name of COUNTER_SLOT_FILES) slots.push(await storageFileHex(session, name));
  return slots;
}

async function liveStamp(launcher: EspruinoLauncher, bundle: string, directory: string): Promise<StampLife> {
  const baseline = await measureBoot(launcher, stampFiles(undefined));
  const upload = await uploadFiles(launcher, directory, stampFiles(bundle));
  const verifierId = new Uint8Array(randomBytes(8));

  const first = await withSession(launcher, directory, async (session): Promise<FirstBoot> => {
    const boot = await readStampBoot(session);
    const filesAtBoot = await storageList(session);
    const slotsAtBoot = await counterSlots(session);
    const seed = await fileBytes(session, SEED_FILE);
    const publicKeyFile = await fileBytes(session, PUBLIC_KEY_FILE);
    const rig = await rigState(session);
    const tagHeader = await nfcFrame(session, [CMD_READ, 0]);

    const tap = await nfcTap(session, makeChallenge(verifierId, Purpose.STAMP, 1));
    const filesAfterFirstTap = await storageList(session);
    const slotsAfterFirstTap = await counterSlots(session);
    const verdictAck = await nfcFrame(session, [CMD_WRITE, VERDICT_PAGE, Reason.ACCEPTED, 0, 0, 0]);
    const ledsAfterVerdict = await session.evaluate("T.l");
    await session.run("T.h.NFCoff()");
    const statusAfterFieldOff = await nfcFrame(session, [CMD_READ, STATUS_PAGE]);

    const refusals: Record<string, FrameAnswer> = {};
    refusals["WRITE to read-only page 3"] = await nfcFrame(session, [CMD_WRITE, 3, 0, 0, 0, 0]);
    refusals["WRITE to the status page"] = await nfcFrame(session, [CMD_WRITE, STATUS_PAGE, MailboxState.READY, 0, 95, 9]);
    refusals["WRITE with 1 data byte"] = await nfcFrame(session, [CMD_WRITE, CHALLENGE_FIRST_PAGE, 1]);
    refusals["WRITE to the NDEF area"] = await nfcFrame(session, [CMD_WRITE, NDEF_FIRST_PAGE, 0, 0, 0, 0]);
    refusals["READ past the last page"] = await nfcFrame(session, [CMD_READ, TAG_PAGES]);
    refusals["READ without a page"] = await nfcFrame(session, [CMD_READ]);
    refusals["unknown command 0x60"] = await nfcFrame(session, [0x60, 0]);
    refusals["empty frame"] = await nfcFrame(session, []);
    refusals["HALT"] = await nfcFrame(session, [CMD_HALT, 0]);
    const incompleteChallenge = await nfcFrames(session, [[CMD_WRITE, CHALLENGE_FIRST_PAGE + 7, 0, 0, 0, 1], [CMD_READ, STATUS_PAGE]]);

    const answer = await stampAnswer(session, makeChallenge(verifierId, Purpose.REDEEM, 3));

    const good = makeChallenge(verifierId, Purpose.CLOCK_IN, 1);
    const malformed: { name: string; bytes: Uint8Array }[] = [
      { name: "31 bytes", bytes: good.subarray(0, 31) },
      { name: "33 bytes", bytes: Uint8Array.from([...good, 0]) },
      { name: "empty", bytes: new Uint8Array(0) },
      { name: "protocol version 2", bytes: variant(good, 0, 2) },
      { name: "purpose 0", bytes: variant(good, 29, 0) },
      { name: "purpose 5", bytes: variant(good, 29, 5) },
      { name: "quantity 0", bytes: variant(variant(good, 30, 0), 31, 0) },
    ];
    const signedBeforeMalformed = await signedCount(session);
    const malformedAnswers: { name: string; reply: string }[] = [];
    for (const m of malformed) malformedAnswers.push({ name: m.name, reply: toHex((await stampAnswer(session, m.bytes)).reply) });
    const malformedTap = await nfcTap(session, variant(good, 0, 9));
    const signedDuringMalformed = (await signedCount(session)) - signedBeforeMalformed;
    const answerAfterMalformed = await stampAnswer(session, good);

    // A run of signatures in one command: consecutive counters, both counter slots in use.
    const runLength = SIGNED_IN_FIRST_BOOT - SIGNED_BEFORE_RUN;
    const runChallenge = makeChallenge(verifierId, Purpose.STAMP, 2);
    const beforeRun = await signedCount(session);
    const replies = expectStringArray(
      await session.evaluate(
        "(function(){var o=[],c=" + bytesExpression(runChallenge) + ";for(var i=0;i<" + runLength +
          ";i++)o.push(T.x(STAMP.answer(c)));return o;})()",
      ),
      "signature run",
    );
    const runSigned = await signedSince(session, beforeRun);
    const signatureRun = replies.map((reply, i) => ({
      challenge: runChallenge,
      reply: bytesOf(reply, "run reply " + i),
      signed: runSigned[i] === undefined ? [] : [runSigned[i]],
    }));
    const filesAtEnd = await storageList(session);
    const slots = await counterSlots(session);
    const memoryAfterTaps = await readMemory(session);
    return {
      boot,
      filesAtBoot,
      slotsAtBoot,
      seed,
      publicKeyFile,
      rig,
      tagHeader,
      tap,
      filesAfterFirstTap,
      slotsAfterFirstTap,
      verdictAck,
      ledsAfterVerdict,
      statusAfterFieldOff,
      refusals,
      incompleteChallenge,
      answer,
      malformedAnswers,
      signedDuringMalformed,
      malformedTap,
      answerAfterMalformed,
      signatureRun,
      filesAtEnd,
      slots,
      memoryAfterTaps,
      problems: session.problems(),
    };
  });

  const second = await withSession(launcher, directory, async (session): Promise<SecondBoot> => {
    const boot = await readStampBoot(session);
    const seed = await fileBytes(session, SEED_FILE);
    const publicKeyFile = await fileBytes(session, PUBLIC_KEY_FILE);
    const rig = await rigState(session);
    const tap = await nfcTap(session, makeChallenge(verifierId, Purpose.CLOCK_OUT, 1));
    const answer = await stampAnswer(session, makeChallenge(verifierId, Purpose.STAMP, 1));
    return { boot, seed, publicKeyFile, rig, tap, answer, problems: session.problems() };
  });

  return { bundle: bundle, upload: upload, baseline: baseline, first: first, second: second };
}

// ---------------------------------------------------------------------------------------------
// Assertions shared by every signing path.

/**
 * Checks one OK reply against the host: framing, the tap response fields, the one message the
 * signer was handed (byte for byte the host's tapSignedMessage) and the signature (what the test
 * signer returns for exactly that message). Returns the counter.
 */
function checkSignedReply(reply: Uint8Array, challengeBytes: Uint8Array, signed: string[], publicKeyHex: string): number {
  expect(reply.length).toBe(1 + TAP_RESPONSE_LENGTH);
  const decodedReply = decodeStampReply(reply);
  if (!decodedReply.ok) throw new Error("stamp reply does not decode: " + decodedReply.error.detail);
  const stampReply = decodedReply.value;
  if (stampReply.status !== StampStatus.OK) throw new Error("stamp refused with status " + stampReply.status);
  const decodedResponse = decodeTapResponse(stampReply.response);
  if (!decodedResponse.ok) throw new Error("tap response does not decode: " + decodedResponse.error.detail);
  const response = decodedResponse.value;

  const challenge = decodeChallenge(challengeBytes);
  if (!challenge.ok) throw new Error("test challenge does not decode: " + challenge.error.detail);
  const stampId = bytesOf(publicKeyHex, "public key").subarray(0, STAMP_ID_LENGTH);
  expect(toHex(response.stampId)).toBe(toHex(stampId));
  expect(toHex(response.nonce)).toBe(toHex(challenge.value.nonce));
  expect(response.flags).toBe(0);
  expect(response.counter).toBeGreaterThanOrEqual(1);

  const expectedMessage = tapSignedMessage(challenge.value, stampId, response.counter, 0);
  expect(expectedMessage.length).toBe(SIGNED_MESSAGE_LENGTH);
  expect(signed).toEqual([toHex(expectedMessage)]);
  expect(toHex(response.signature)).toBe(toHex(testSignerSignature(expectedMessage)));
  return response.counter;
}

/**
 * The mailbox side of one tap: every WRITE ACKed; signing is scheduled, never done inside the
 * frame handler (right after the last WRITE the status page says BUSY, and a WRITE while busy
 * is refused); then the final status [state, stamp status, reply length] with the same sequence
 * number as the BUSY status. Returns that sequence number.
 */
function checkTapProtocol(tap: TapObservation, state: number, stampStatus: number, replyLength: number): number {
  expect(tap.writeAnswers).toEqual(Array.from({ length: 8 }, () => [ACK]));
  const busy = readData(tap.statusRightAfterLastWrite, "status right after the last WRITE");
  expect(Array.from(busy.subarray(0, 3))).toEqual([MailboxState.BUSY, 0, 0]);
  expect(tap.writeWhileBusy).toEqual([NACK]);
  expect(tap.statusReads).toBeLessThan(100);
  expect(Array.from(tap.status.subarray(0, 4))).toEqual([state, stampStatus, replyLength, busy[3]]);
  // The reply area holds the reply and nothing after it.
  expect(Array.from(tap.replyArea.subarray(replyLength))).toEqual(Array.from({ length: tap.replyArea.length - replyLength }, () => 0));
  return busy[3];
}

/** The value a counter slot holds (8 bytes: value, complement), -1 when absent. */
function slotValue(hex: string | undefined): number {
  if (hex === undefined) return -1;
  const bytes = bytesOf(hex, "counter slot");
  expect(bytes.length).toBe(8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const value = view.getUint32(0);
  expect((value ^ view.getUint32(4)) >>> 0).toBe(0xffffffff);
  return value;
}

/** The highest counter value committed to flash (what the next boot continues above). */
function committed(slots: (string | undefined)[]): number {
  return Math.max(...slots.map(slotValue));
}

function percent(part: number, whole: number): string {
  return ((100 * part) / whole).toFixed(1) + " %";
}

// ---------------------------------------------------------------------------------------------

function defineStampSuite(launcher: EspruinoLauncher, budgetMs: number): void {
  describe("firmware bundle on real Espruino (" + launcher.label + ")", () => {
    let life: StampLife;
    const directory = makeStampDirectory();

    beforeAll(async () => {
      if (!existsSync(BUNDLE_PATH)) throw new Error(BUNDLE_PATH + " is missing: run `npm run build:firmware` first");
      life = await liveStamp(launcher, readFileSync(BUNDLE_PATH, "latin1"), directory.path);
    }, budgetMs);

    afterAll(() => directory.remove());

    it("uploads the bundle and the test prelude intact (length and SHA-256 computed inside Espruino)", () => {
      const bootcde = life.upload.files.find((f) => f.name === ".bootcde");
      expect(bootcde?.bytes).toBe(life.bundle.length);
      expect(life.upload.files.map((f) => f.name)).toEqual([".boot0", ".bootcde"]);
      if (life.upload.attempts > 1) console.warn("[" + launcher.label + "] upload needed " + life.upload.attempts + " attempts:\n" + life.upload.failures.join("\n"));
    });

    it("first boot creates the key: stamp.seed and stamp.pub, the public key made from the stored seed", () => {
      const { boot, filesAtBoot, seed, publicKeyFile, rig } = life.first;
      expect(boot.fault).toBe("");
      expect(boot.keyCreated).toBe(true);
      expect(filesAtBoot).toEqual(expect.arrayContaining([SEED_FILE, PUBLIC_KEY_FILE]));
      // The counter exists beside the key from the first boot on, and nothing is counted yet.
      expect(filesAtBoot.filter((name) => COUNTER_SLOT_FILES.includes(name)).length).toBeGreaterThanOrEqual(1);
      expect(committed(life.first.slotsAtBoot)).toBe(0);
      expect(seed.length).toBe(32);
      expect(new Set(seed).size).toBeGreaterThan(8); // from E.hwRand, not a constant
      expect(toHex(publicKeyFile)).toBe(boot.publicKey);
      expect(toHex(testSignerPublicKey(seed))).toBe(boot.publicKey);
      expect(rig.publicKeyCalls).toBe(1);
      expect(rig.nfcRx).toBe("function");
      expect(rig.nfcOff).toBe("function");
      expect(rig.watches).toBeGreaterThanOrEqual(1); // the button (user presence)
      // Tag memory opens with the radio's UID and the Type 2 capability container.
      const header = readData(life.first.tagHeader, "READ page 0");
      expect(Array.from(header.subarray(0, 10))).toEqual(TEST_NFC_UID);
      expect(Array.from(header.subarray(12, 16))).toEqual(CAPABILITY_CONTAINER);
    });

    it("stays within 50 % of the variables after boot (figures printed)", () => {
      const { baseline, first, second } = life;
      const total = first.boot.memory.total;
      expect(total).toBe(2630);
      expect(baseline.stampType).toBe("undefined");
      const bundleShare = first.boot.memory.usage - baseline.memory.usage;
      // The bound is the stamp's: the firmware's own variables, without the test rig's prelude
      // (stub radio and recording signer, which a Puck.js does not carry). The ARM build packs
      // variables into 13 bytes like a Puck.js and gives the figure closest to the stamp's.
      expect(bundleShare).toBeLessThanOrEqual(total / 2);
      expect(second.boot.memory.usage - baseline.memory.usage).toBeLessThanOrEqual(total / 2);
      console.log(
        [
          "[" + launcher.label + "] Espruino " + baseline.espruinoVersion + ", bundle " + life.bundle.length + " bytes",
          "  memory after first boot:  " + first.boot.memory.usage + " / " + total + " variables (" + percent(first.boot.memory.usage, total) + ")",
          "  memory after second boot: " + second.boot.memory.usage + " / " + total + " (" + percent(second.boot.memory.usage, total) + ")",
          "  test prelude alone:       " + baseline.memory.usage + " → the bundle's share " + bundleShare + " (" + percent(bundleShare, total) + ")",
          "  memory after " + SIGNED_IN_FIRST_BOOT + " signatures: " + first.memoryAfterTaps.usage + " / " + total,
          "  Storage free: " + life.upload.storageFree + " bytes after upload (" + life.upload.files.map((f) => f.name + " " + f.bytes + " B in " + f.writes + " writes").join(", ") + ")",
        ].join("\n"),
      );
    });

    it("answers a tap over the NFC mailbox: ACKed writes, BUSY while signing, then READY with the framed reply", () => {
      const { tap, boot } = life.first;
      checkTapProtocol(tap, MailboxState.READY, StampStatus.OK, 1 + TAP_RESPONSE_LENGTH);
      const counter = checkSignedReply(tap.replyArea.subarray(0, 1 + TAP_RESPONSE_LENGTH), tap.challenge, tap.signed, boot.publicKey);
      expect(counter).toBe(1);
      // R4: the counter value was committed to flash before the signature left the stamp.
      expect(committed(life.first.slotsAfterFirstTap)).toBeGreaterThanOrEqual(counter);
    });

    it("shows the verdict on the LEDs and clears the mailbox when the reader's field goes", () => {
      expect(life.first.verdictAck).toEqual([ACK]);
      expect(life.first.ledsAfterVerdict).toEqual([false, true, false]); // green: accepted
      expect(Array.from(readData(life.first.statusAfterFieldOff, "status after NFCoff").subarray(0, 3))).toEqual([0, 0, 0]);
    });

    it("refuses frames it does not accept with a NACK (HALT gets no answer)", () => {
      const refusals = life.first.refusals;
      for (const name of Object.keys(refusals)) {
        expect({ name: name, answer: refusals[name] }).toEqual({ name: name, answer: name === "HALT" ? [null] : [NACK] });
      }
    });

    it("answers through STAMP.answer with the same signed message the host constructs", () => {
      const { answer, boot } = life.first;
      expect(checkSignedReply(answer.reply, answer.challenge, answer.signed, boot.publicKey)).toBe(2);
    });

    it("refuses malformed or incomplete challenges with MALFORMED_CHALLENGE, signing nothing and using no counter value", () => {
      const { malformedAnswers, malformedTap, incompleteChallenge, signedDuringMalformed, answerAfterMalformed, tap, boot } = life.first;
      for (const m of malformedAnswers) expect(m).toEqual({ name: m.name, reply: toHex(Uint8Array.of(StampStatus.MALFORMED_CHALLENGE)) });
      // Over NFC: the mailbox reports ERROR with the stamp status and the 1-byte refusal.
      const sequence = checkTapProtocol(malformedTap, MailboxState.ERROR, StampStatus.MALFORMED_CHALLENGE, 1);
      expect(sequence).toBeGreaterThan(readData(tap.statusRightAfterLastWrite, "first tap status")[3]);
      expect(malformedTap.replyArea[0]).toBe(StampStatus.MALFORMED_CHALLENGE);
      // Only the last challenge page written: ACKed, then refused as malformed.
      expect(incompleteChallenge[0]).toEqual([ACK]);
      expect(Array.from(readData(incompleteChallenge[1], "status after an incomplete challenge").subarray(0, 3))).toEqual([
        MailboxState.ERROR,
        StampStatus.MALFORMED_CHALLENGE,
        1,
      ]);
      expect(signedDuringMalformed).toBe(0);
      expect(checkSignedReply(answerAfterMalformed.reply, answerAfterMalformed.challenge, answerAfterMalformed.signed, boot.publicKey)).toBe(
        SIGNED_BEFORE_RUN,
      );
    });

    it("signs a run of " + (SIGNED_IN_FIRST_BOOT - SIGNED_BEFORE_RUN) + " more with consecutive counters, both counter slots in use", () => {
      const { signatureRun, filesAtEnd, slots, boot } = life.first;
      const counters = signatureRun.map((a) => checkSignedReply(a.reply, a.challenge, a.signed, boot.publicKey));
      expect(counters).toEqual(Array.from({ length: SIGNED_IN_FIRST_BOOT - SIGNED_BEFORE_RUN }, (_, i) => SIGNED_BEFORE_RUN + 1 + i));
      expect(filesAtEnd).toEqual(expect.arrayContaining([SEED_FILE, PUBLIC_KEY_FILE, ...COUNTER_SLOT_FILES]));
      expect(committed(slots)).toBeGreaterThanOrEqual(SIGNED_IN_FIRST_BOOT);
    });

    it("second boot reuses the key and continues the counter above every value signed before", () => {
      const { first, second } = life;
      expect(second.boot.fault).toBe("");
      expect(second.boot.keyCreated).toBe(false);
      expect(second.boot.publicKey).toBe(first.boot.publicKey);
      expect(toHex(second.seed)).toBe(toHex(first.seed));
      expect(toHex(second.publicKeyFile)).toBe(toHex(first.publicKeyFile));
      expect(second.rig.publicKeyCalls).toBe(1);

      const before = [first.tap, first.answer, first.answerAfterMalformed, ...first.signatureRun].map((a) => {
        const reply = "replyArea" in a ? a.replyArea.subarray(0, 1 + TAP_RESPONSE_LENGTH) : a.reply;
        return checkSignedReply(reply, a.challenge, a.signed, first.boot.publicKey);
      });
      const highestBefore = Math.max(...before);
      expect(highestBefore).toBe(SIGNED_IN_FIRST_BOOT);

      checkTapProtocol(second.tap, MailboxState.READY, StampStatus.OK, 1 + TAP_RESPONSE_LENGTH);
      const afterReboot = checkSignedReply(
        second.tap.replyArea.subarray(0, 1 + TAP_RESPONSE_LENGTH),
        second.tap.challenge,
        second.tap.signed,
        second.boot.publicKey,
      );
      expect(afterReboot).toBeGreaterThan(highestBefore);
      // Directly above what was committed: values reserved but never used are skipped, never reused.
      expect(afterReboot).toBe(committed(first.slots) + 1);
      expect(checkSignedReply(second.answer.reply, second.answer.challenge, second.answer.signed, second.boot.publicKey)).toBe(afterReboot + 1);
    });

    it("prints no uncaught error, out-of-memory or other error on the Espruino console", () => {
      expect(life.baseline.problems).toEqual([]);
      expect(life.first.problems).toEqual([]);
      expect(life.second.problems).toEqual([]);
    });
  });
}

const launchers = launchersFromEnv();

if (launchers.x86 !== undefined) {
  defineStampSuite(launchers.x86, 60_000);
} else {
  console.warn(
    "\n" +
      "!!! SKIPPED: firmware bundle on real Espruino — ESPRUINO_BIN is not set.\n" +
      "!!! Set it to the Puck.js-like Linux build to run it, e.g. from the repository root:\n" +
      "!!!   ESPRUINO_BIN=../shared/tools/espruino-puckjs-x86_64 npx vitest run test/firmware/espruino-bundle.test.ts\n",
  );
  describe.skip("firmware bundle on real Espruino (x86_64) — SKIPPED: ESPRUINO_BIN is not set", () => {
    it("boots dist/firmware/stamp.js and answers a signing request", () => undefined);
  });
}

// The ARM build runs the whole stamp as shipped, with the native blob instead of the recording
// signer: test/firmware/espruino-native-signer.test.ts.
