/**
 * The phone URL on the Puck-like Espruino (2v29, 2,630 variables): dist/firmware/stamp.js booted
 * from Storage beside a base URL file `stamp.url`, read as a phone reads (READ 3, then READs of
 * 4 pages, through the firmware's own NFCrx handler), parsed with shared/ndef.ts.
 *
 *   boot     the idle URL in the tag; nothing signed
 *   press    the button's watches: a signed URL, the tag re-presented (NRF.nfcStop/nfcStart)
 *   answer   a counter reader's challenge (STAMP.answer) takes the next value: idle at once
 *   ballast  300 variables held: another press still signs (>= 300 spare at its peak)
 *   window   the idle URL comes back by itself after PHONE_URL_WINDOW_MS
 *
 * x86_64 (ESPRUINO_BIN): the recording test signer (the x86 build cannot run the Thumb blob):
 * the message it was handed is byte for byte phoneSignedMessage, and the URL carries its answer.
 * armhf under qemu-arm (ESPRUINO_ARM_BIN): the whole stamp as shipped, the native blob signing;
 * the URL's signature is verified with node:crypto. Without either variable the suite is skipped.
 */
import { createPublicKey, verify } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ED25519_BLOB_FILE } from "../../firmware/espruino/native-signer";
import { PHONE_URL_WINDOW_MS } from "../../firmware/phone-url";
import { BASE_URL_FILE } from "../../firmware/storage-files";
import { encodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { ndefUriTlv } from "../../shared/ndef";
import { NDEF_FIRST_PAGE, T2T_READ } from "../../shared/nfc-mailbox-layout";
import { decodePhoneTokenText, PHONE_TAP_PATH, PhoneToken, phoneIdleUrl, phoneSignedMessage } from "../../shared/phone-url";
import { FLAG_USER_PRESENT, Purpose } from "../../shared/protocol-constants";
import { TagLink } from "../../host/nfc/tag-link";
import {
  bytesExpression,
  EspruinoLauncher,
  EspruinoSession,
  expectArray,
  expectNumber,
  expectString,
  expectStringArray,
  launchersFromEnv,
  makeStampDirectory,
  MemoryFigures,
  readMemory,
  readStampBoot,
  STAMP_TEST_PRELUDE,
  StampBootState,
  testSignerSignature,
  uploadFiles,
  withSession,
} from "../support/espruino-session";
import { PhoneNdefRead, readPhoneUrl } from "../../sim/phone-tag-reader";
import { ARM_STAMP_PRELUDE } from "./arm-stamp-rig";

const DIST = join(__dirname, "..", "..", "dist", "firmware");
const BASE_URL = "https://stamp.bean-bros.kr";
/** Variables every path must leave spare at its peak (issue 16). */
const SPARE_AT_PEAK = 300;

function bytes(hex: string): Uint8Array {
  const decoded = fromHex(hex);
  if (!decoded.ok) throw new Error(decoded.error);
  return decoded.value;
}

/** The tag as a phone's reader sees it: READ frames through the firmware's NFCrx handler. */
function espruinoTag(session: EspruinoSession): TagLink {
  return {
    async readPages(page) {
      const answer = expectArray(await session.evaluate("T.rx([" + T2T_READ + "," + page + "])"), "READ " + page);
      if (answer.length !== 1) throw new Error("READ " + page + " answered " + JSON.stringify(answer));
      return bytes(expectString(answer[0], "READ " + page));
    },
    writePage() {
      throw new Error("a phone does not write the stamp's tag");
    },
  };
}

interface Press {
  read: PhoneNdefRead;
  /** T.n: how often the firmware re-presented the tag so far. */
  restarts: number;
}

/**
 * Presses the button (every watch the firmware set, as the pin would) and waits, inside Espruino,
 * until the firmware re-presents its tag (bounded: 3 s of 5 ms checks); then reads the tag.
 */
async function press(session: EspruinoSession): Promise<Press> {
  const restarts = expectNumber(
    await session.evaluateLater("var n=T.n,k=0;for(var i=0;i<T.w.length;i++)T.w[i]();var t=setInterval(function(){if(T.n>n||++k>600){clearInterval(t);done(T.n);}},5)"),
    "T.n",
  );
  return { read: await readPhoneUrl(espruinoTag(session)), restarts: restarts };
}

interface PhoneLife {
  boot: StampBootState;
  usageAfterBoot: number | undefined;
  phoneUrl: unknown;
  idle: PhoneNdefRead;
  first: Press;
  firstMessages: string[];
  memoryWithUrl: MemoryFigures;
  afterAnswer: PhoneNdefRead;
  ballast: Press;
  ballastMessages: string[];
  ballastProblems: string[];
  windowMs: number;
  afterWindow: PhoneNdefRead;
  memoryAfterWindow: MemoryFigures;
  problems: string[];
}

async function livePhoneStamp(launcher: EspruinoLauncher, directory: string, files: { name: string; content: string }[], recording: boolean): Promise<PhoneLife> {
  await uploadFiles(launcher, directory, files);
  return withSession(launcher, directory, async (session) => {
    const boot = await readStampBoot(session);
    // The ARM rig records process.memory().usage once boot has finished (no console line in RAM).
    const usageAfterBoot = recording ? undefined : expectNumber(await session.evaluateLater("setTimeout(function(){done(T.m0)},20)"), "T.m0");
    const phoneUrl = await session.evaluate("STAMP.phoneUrl");
    const tag = espruinoTag(session);
    const idle = await readPhoneUrl(tag);
    const messages = async (): Promise<string[]> => (recording ? expectStringArray(await session.evaluate("T.m"), "T.m") : []);

    const first = await press(session);
    const firstMessages = await messages();
    // Once the press's BLE tap has given up (no verifier in reach: its blue light goes out).
    await session.evaluateLater("var t=setInterval(function(){if(!T.l[2]){clearInterval(t);done(1);}},10)");
    const memoryWithUrl = await readMemory(session);
    const challenge = encodeChallenge({ verifierId: new Uint8Array(8).fill(7), issuedAt: 1_790_000_000, nonce: new Uint8Array(16).fill(9), purpose: Purpose.STAMP, quantity: 1 });
    await session.evaluate("STAMP.answer(" + bytesExpression(challenge) + ").length");
    const afterAnswer = await readPhoneUrl(tag);

    await session.run("global.BAL=[];for(var i=0;i<" + SPARE_AT_PEAK + ";i++)BAL.push(0)");
    const problemsBefore = session.problems().length;
    const ballast = await press(session);
    const ballastMessages = await messages();
    const ballastProblems = session.problems().slice(problemsBefore);
    await session.run("BAL=undefined");

    // The idle record is back when the TLV at page 4 has the idle record's length again.
    const idleLength = ndefUriTlv(phoneIdleUrl(BASE_URL))[1];
    const started = Date.now();
    await session.evaluateLater(
      "var t=setInterval(function(){var a=T.rx([" + T2T_READ + "," + NDEF_FIRST_PAGE + "])[0];if(parseInt(a.substr(2,2),16)==" + idleLength + "){clearInterval(t);done(1);}},20)",
      PHONE_URL_WINDOW_MS * 4,
    );
    const windowMs = Date.now() - started;
    const afterWindow = await readPhoneUrl(tag);
    const memoryAfterWindow = await readMemory(session);
    return { boot, usageAfterBoot, phoneUrl, idle, first, firstMessages, memoryWithUrl, afterAnswer, ballast, ballastMessages, ballastProblems, windowMs, afterWindow, memoryAfterWindow, problems: session.problems() };
  });
}

function tokenOf(url: string): PhoneToken {
  expect(url.startsWith(BASE_URL + PHONE_TAP_PATH)).toBe(true);
  const token = decodePhoneTokenText(url.slice((BASE_URL + PHONE_TAP_PATH).length));
  if (!token.ok) throw new Error(token.error.detail);
  return token.value;
}

function verifiesWithNodeCrypto(token: PhoneToken, publicKeyHex: string): boolean {
  const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(publicKeyHex, "hex")]), format: "der", type: "spki" });
  return verify(null, phoneSignedMessage(BASE_URL, token.stampId, token.counter, token.flags, token.pressRandom), key, token.signature);
}

function definePhoneSuite(launcher: EspruinoLauncher, files: () => { name: string; content: string }[], recording: boolean, budgetMs: number): void {
  describe("the phone URL on the Puck-like Espruino (" + launcher.label + ")", () => {
    const directory = makeStampDirectory("espruino-phone-");
    let life: PhoneLife;

    beforeAll(async () => {
      life = await livePhoneStamp(launcher, directory.path, files(), recording);
    }, budgetMs);

    afterAll(() => directory.remove());

    it("boots with the base URL from Storage and the idle URL in its tag, nothing signed", () => {
      expect(life.boot.fault).toBe("");
      expect(life.phoneUrl).toBe(BASE_URL);
      expect(life.idle.url).toBe(phoneIdleUrl(BASE_URL));
      expect(life.first.restarts).toBe(1); // none before the press
    });

    it("a press puts a signed URL (counter 1, user present) in the tag, read with READ frames as a phone reads", () => {
      const token = tokenOf(life.first.read.url);
      expect([toHex(token.stampId), token.counter, token.flags]).toEqual([life.boot.publicKey.slice(0, 16), 1, FLAG_USER_PRESENT]);
      const message = phoneSignedMessage(BASE_URL, token.stampId, token.counter, token.flags, token.pressRandom);
      if (recording) {
        expect(life.firstMessages).toEqual([toHex(message)]);
        expect(toHex(token.signature)).toBe(toHex(testSignerSignature(message)));
      } else {
        expect(verifiesWithNodeCrypto(token, life.boot.publicKey)).toBe(true);
      }
      expect([life.first.read.url.length, life.first.read.ndefBytes, life.first.read.readFrames]).toEqual([141, 138, 9]);
    });

    it("withdraws the URL at once when a counter reader's challenge takes the next value", () => {
      expect(life.afterAnswer.url).toBe(phoneIdleUrl(BASE_URL));
    });

    it("still signs with " + SPARE_AT_PEAK + " variables held by ballast, and the idle URL returns after the window", () => {
      expect(life.ballastProblems).toEqual([]);
      const token = tokenOf(life.ballast.read.url);
      expect(token.counter).toBe(3); // 1: the first press, 2: the counter reader, 3: this press
      if (recording) expect(life.ballastMessages[life.ballastMessages.length - 1]).toBe(toHex(phoneSignedMessage(BASE_URL, token.stampId, 3, FLAG_USER_PRESENT, token.pressRandom)));
      else expect(verifiesWithNodeCrypto(token, life.boot.publicKey)).toBe(true);
      expect(life.ballast.restarts).toBe(2);
      expect(life.afterWindow.url).toBe(phoneIdleUrl(BASE_URL));
      expect(life.windowMs).toBeGreaterThan(PHONE_URL_WINDOW_MS - 1500);
    });

    it("stays within 50 % of the variables after boot with the phone URL loaded (ARM: prelude included), and prints no error", () => {
      expect(life.problems).toEqual([]);
      if (life.usageAfterBoot !== undefined) expect(life.usageAfterBoot).toBeLessThanOrEqual(life.boot.memory.total / 2);
      console.log(
        "[" + launcher.label + "] phone mode: " + (life.usageAfterBoot ?? life.boot.memory.usage) + " / " + life.boot.memory.total + " variables after boot, " +
          life.memoryWithUrl.usage + " with a signed URL shown, " + life.memoryAfterWindow.usage + " after the window; URL " + life.first.read.url.length + " characters, NDEF message " +
          life.first.read.ndefBytes + " bytes, " + life.first.read.readFrames + " READ frames",
      );
    });
  });
}

const launchers = launchersFromEnv();
const bundle = () => {
  if (!existsSync(join(DIST, "stamp.js"))) throw new Error("dist/firmware/stamp.js is missing: run npm run build:firmware first");
  return readFileSync(join(DIST, "stamp.js"), "latin1");
};
if (launchers.x86 !== undefined) {
  definePhoneSuite(launchers.x86, () => [
    { name: ".boot0", content: STAMP_TEST_PRELUDE },
    { name: ".bootcde", content: bundle() },
    { name: BASE_URL_FILE, content: BASE_URL },
  ], true, 60_000);
}
if (launchers.arm !== undefined) {
  definePhoneSuite(launchers.arm, () => [
    { name: ".boot0", content: ARM_STAMP_PRELUDE },
    { name: ".bootcde", content: bundle() },
    { name: ED25519_BLOB_FILE, content: readFileSync(join(DIST, "ed25519.bin"), "latin1") },
    { name: BASE_URL_FILE, content: BASE_URL },
  ], false, 300_000);
}
if (launchers.x86 === undefined && launchers.arm === undefined) {
  console.warn("\n!!! SKIPPED: the phone URL on the Puck-like Espruino — neither ESPRUINO_BIN nor ESPRUINO_ARM_BIN is set !!!\n");
  describe.skip("the phone URL on the Puck-like Espruino — SKIPPED: ESPRUINO_BIN / ESPRUINO_ARM_BIN not set", () => {
    it("signs a phone URL after a press", () => undefined);
  });
}
