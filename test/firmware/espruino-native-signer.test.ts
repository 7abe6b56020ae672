/**
 * Issue 16: the whole stamp as shipped, on the ARM build of the Puck-like Espruino (qemu-arm),
 * with the native Ed25519 blob running in place from memory-mapped flash. `.bootcde` and
 * `stamp.ed25519` are the build's own files; the test prelude (`.boot0`, arm-stamp-rig.ts) stands
 * in for the radio and the board only, never for a firmware handler. Every reply is judged by the
 * host core on SQLite, as a counter station judges it.
 *
 *   boot 1  key made by the blob; the flashing station's proof; an NFC tap read exactly as
 *           docs/protocol.md section 12 lists it; a short refusal over a full reply (no stale
 *           bytes); then, holding 300 variables of ballast, an NFC tap, a button press to a BLE
 *           tap through the emulated NRF central, and STAMP.answer; memory run out at a
 *           signature (SIGNER_FAILED, its counter value spent); no copy of the seed left in RAM
 *   boot 2  same key, counter above everything signed before; the flashing station locks it
 *   boot 3  production mode: console closed, no UART, not connectable; an NFC tap through the
 *           radio stand-in still signs
 *
 * Binary: ESPRUINO_ARM_BIN (e.g. ../shared/tools/espruino-puckjs-armhf). Without it this suite
 * is skipped, and says so.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ED25519_BLOB_FILE, SIGN_HEADROOM } from "../../firmware/espruino/native-signer";
import { COUNTER_SLOT_FILES, SEED_FILE } from "../../firmware/storage-files";
import { judgeStampReply, localTapService, TapService } from "../../host/core/counter-station";
import { addVerifier } from "../../host/core/registry";
import { approveFirmware, issueProvisioningChallenge, registerStamp } from "../../host/core/stamp-registration";
import { loadFirmwareImage } from "../../host/flashing/firmware-image";
import { fromHex, toHex } from "../../shared/hex";
import { CHALLENGE_FIRST_PAGE, CHALLENGE_PAGES, MailboxState, STATUS_PAGE, T2T_ACK, T2T_READ, T2T_WRITE, VERDICT_PAGE } from "../../shared/nfc-mailbox-layout";
import { FLAG_USER_PRESENT, Purpose, TAP_RESPONSE_LENGTH } from "../../shared/protocol-constants";
import { decodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { decodeTapResponse } from "../../shared/tap-response";
import {
  EspruinoSession,
  expectArray,
  expectNumber,
  expectRecord,
  expectString,
  launchersFromEnv,
  makeStampDirectory,
  MemoryFigures,
  readMemory,
  readStampBoot,
  StampBootState,
  storageFileHex,
  uploadFiles,
  withSession,
} from "../support/espruino-session";
import { createTestWorld, enrolTestStation, EnrolledStation, must } from "../support/test-world";
import { AirSession, ARM_STAMP_PRELUDE, bleTap, BleTapRun, pagesModeTap, PagesTap } from "./arm-stamp-rig";
import { documentedPagesReads, PagesRead, replyFromReads } from "./pages-reads";

const DIST = join(__dirname, "..", "..", "dist", "firmware");
const LAST_CHALLENGE_PAGE = CHALLENGE_FIRST_PAGE + CHALLENGE_PAGES - 1;
/** Variables every path must leave spare at its peak (issue 16). */
const SPARE_AT_PEAK = 300;
/** Free variables left for a signature to run out of: below SIGN_HEADROOM once the tap's
 * decoding, counter commit and message are made, and enough for those (test: ~55 variables). */
const FREE_FOR_A_STARVED_SIGNATURE = SIGN_HEADROOM + 30;

const arm = launchersFromEnv().arm;

function bytes(hex: string): Uint8Array {
  const decoded = fromHex(hex);
  if (!decoded.ok) throw new Error(decoded.error);
  return decoded.value;
}

const base64 = (data: Uint8Array) => Buffer.from(data).toString("base64");

function ed25519PublicKey(seed: Uint8Array): string {
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
  return toHex(createPublicKey(key).export({ format: "der", type: "spki" }).subarray(12));
}

/** The value a counter slot holds (8 bytes: value, complement), -1 when absent or torn. */
function slotValue(hex: string | undefined): number {
  if (hex === undefined) return -1;
  const slot = Buffer.from(hex, "hex");
  return (slot.readUInt32BE(0) ^ slot.readUInt32BE(4)) >>> 0 === 0xffffffff ? slot.readUInt32BE(0) : -1;
}

async function committedCounter(session: EspruinoSession): Promise<number> {
  let highest = -1;
  for (const name of COUNTER_SLOT_FILES) highest = Math.max(highest, slotValue(await storageFileHex(session, name)));
  return highest;
}

/** The 16 bytes a READ answered. */
function readAnswer(answer: unknown[], what: string): Uint8Array {
  if (answer.length !== 1) throw new Error(what + ": expected one frame, got " + JSON.stringify(answer));
  return bytes(expectString(answer[0], what));
}

/** The user-presence flag of an OK stamp reply. */
function flagsOf(reply: Uint8Array): number {
  const stampReply = decodeStampReply(reply);
  if (!stampReply.ok || stampReply.value.status !== StampStatus.OK) throw new Error("not an OK reply: " + toHex(reply));
  const response = decodeTapResponse(stampReply.value.response);
  if (!response.ok) throw new Error("tap response does not decode");
  return response.value.flags;
}

/**
 * The seed scan's search, as Thumb code for E.nativeCall (JavaScript cannot read freed
 * variables, and E.memoryArea / peek8 do not read RAM on these builds): the first offset of
 * the 8 bytes at `needle` in `length` bytes at `haystack`, or -1.
 */
const FIND8_SOURCE = `int find8(const unsigned char *haystack, int length, const unsigned char *needle) {
  for (int i = 0; i + 8 <= length; i++) {
    int j = 0;
    while (j < 8 && haystack[i + j] == needle[j]) j++;
    if (j == 8) return i;
  }
  return -1;
}
`;

/** Compiles FIND8_SOURCE with the toolchain that builds the blob (gcc-arm-none-eabi). */
function compileFind8(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "find8-"));
  try {
    writeFileSync(join(dir, "find8.c"), FIND8_SOURCE);
    const steps = [
      ["arm-none-eabi-gcc", "-mthumb", "-mcpu=cortex-m4", "-Os", "-ffreestanding", "-nostdlib", "-fno-builtin", "-c", "find8.c", "-o", "find8.o"],
      ["arm-none-eabi-objcopy", "-O", "binary", "-j", ".text", "find8.o", "find8.bin"],
    ];
    for (const [command, ...args] of steps) {
      const result = spawnSync(command, args, { cwd: dir, encoding: "utf8" });
      if (result.status !== 0) throw new Error(command + " failed (gcc-arm-none-eabi builds the blob too): " + (result.stderr || String(result.error)));
    }
    return readFileSync(join(dir, "find8.bin"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Looks for the seed in the JS variable store: all 2,630 variables from `global` (variable 1 on
 * this build; the addresses of STAMP, T, NRF and a new flat buffer are checked to lie inside).
 * The needles are the 25 eight-byte windows of the seed file in memory-mapped flash, so the
 * search copies nothing of the seed into RAM. Then the control: a flat RAM copy of the seed must
 * be found (it is wiped afterwards).
 */
async function scanForSeed(session: EspruinoSession, find8: Buffer): Promise<{ region: boolean; hits: number[]; control: number[] }> {
  await session.run("global.F8=E.nativeCall(1,\"int(int,int,int)\",atob(\"" + find8.toString("base64") + "\"))");
  await session.run("global.RG=function(){var m=process.memory();return [E.getAddressOf(global,false),m.total*m.blocksize];}");
  await session.run(
    "global.SF=function(){var a=E.getAddressOf(require(\"Storage\").read(\"stamp.seed\"),true),r=RG(),h=[];for(var k=0;k<=24;k++)h.push(F8(r[0],r[1],a+k));return h;}",
  );
  const region =
    (await session.evaluate(
      "(function(){var r=RG(),f=E.toFlatString({data:0,count:64});return [STAMP,T,NRF,f].every(function(x,i){var d=E.getAddressOf(x,i>2);return d>r[0]&&d<r[0]+r[1];});})()",
    )) === true;
  const hits = expectArray(await session.evaluate("SF()"), "seed hits").map(Number);
  const control = expectArray(
    await session.evaluate("(function(){var c=new Uint8Array(E.toArrayBuffer(E.toFlatString(require(\"Storage\").read(\"stamp.seed\")))),h=SF();c.fill(0);return h;})()"),
    "control hits",
  ).map(Number);
  return { region: region, hits: hits, control: control };
}

interface Judged {
  reason: string;
  counter: number | undefined;
  code: number;
}

interface FirstBoot {
  state: StampBootState;
  /** process.memory().usage once boot had finished, before any console line was in RAM. */
  usageAfterBoot: number;
  rig: Record<string, unknown>;
  seedHex: string;
  tap: PagesTap;
  tapVerdict: Judged;
  verdictAck: unknown[];
  ledsAfterVerdict: unknown;
  /** Right after that full reply, only the last challenge page written: its ACK, then every documented READ. */
  refusalAck: unknown[];
  refusalReads: Uint8Array[];
  statusAfterFieldOff: Uint8Array;
  ballast: { before: MemoryFigures; after: MemoryFigures };
  ballastTap: PagesTap;
  ballastTapVerdict: Judged;
  ble: BleTapRun;
  bleVerdict: Judged;
  answerReply: Uint8Array;
  answerVerdict: Judged;
  ballastProblems: string[];
  starved: { freeAtSigning: number; status: Uint8Array; committedBefore: number; committedAfter: number; problems: string[] };
  afterStarved: PagesTap;
  afterStarvedVerdict: Judged;
  seedScan: { region: boolean; hits: number[]; control: number[] };
  problems: string[];
}

interface SecondBoot {
  state: StampBootState;
  tap: PagesTap;
  verdict: Judged;
  locked: unknown;
  problems: string[];
}

interface LockedBoot {
  radio: Record<string, unknown>;
  consoleLine: unknown;
  consoleRan: boolean;
  memory: Record<string, unknown>;
  reply: Uint8Array;
  verdict: Judged;
}

if (arm === undefined) {
  console.warn("\n!!! SKIPPED: the whole stamp on the ARM Puck-like Espruino — ESPRUINO_ARM_BIN is not set (e.g. ESPRUINO_ARM_BIN=../shared/tools/espruino-puckjs-armhf; needs qemu-arm) !!!\n");
  describe.skip("the whole stamp on the ARM Puck-like Espruino — SKIPPED: ESPRUINO_ARM_BIN is not set", () => {
    it("runs NFC, BLE and production mode with the blob in place", () => undefined);
  });
} else {
  const launcher = arm;
  describe("the whole stamp on the ARM Puck-like Espruino (qemu-arm), the native blob running in place", () => {
    const directory = makeStampDirectory("espruino-arm-stamp-");
    let world: Awaited<ReturnType<typeof createTestWorld>>;
    let station: EnrolledStation;
    let service: TapService;
    let plan: PagesRead[];
    let first: FirstBoot;
    let second: SecondBoot;
    let locked: LockedBoot;
    let find8: Buffer;

    async function judge(reply: Uint8Array): Promise<Judged> {
      const judged = await judgeStampReply(service, reply);
      return { reason: judged.verdict.reason, counter: judged.verdict.counter, code: judged.verdict.code };
    }

    async function tapAndJudge(session: EspruinoSession): Promise<{ tap: PagesTap; verdict: Judged }> {
      const tap = await pagesModeTap(session, await world.challengeFor(station), plan);
      return { tap: tap, verdict: await judge(tap.reply) };
    }

    async function provision(session: EspruinoSession, publicKey: string): Promise<void> {
      const challenge = must(await issueProvisioningChallenge(world.store, world.flasher.principal, Date.now())).challenge;
      const proof = expectRecord(await session.evaluate("STAMP.prove(E.toUint8Array(atob(\"" + Buffer.from(challenge, "hex").toString("base64") + "\")))"), "proof");
      expect(proof.publicKey).toBe(publicKey);
      const signed = { challenge: challenge, firmwareHash: expectString(proof.firmwareHash, "firmwareHash"), signature: expectString(proof.signature, "signature") };
      const binding = { publicKeyHex: publicKey, label: "arm", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [], proof: signed };
      must(await registerStamp(world.store, world.flasher.principal, binding, Date.now()));
    }

    async function firstBoot(session: EspruinoSession): Promise<FirstBoot> {
      const state = await readStampBoot(session);
      // One idle turn of the main loop (a timer): the prelude's boot timer has run by then.
      const usageAfterBoot = expectNumber(await session.evaluateLater("setTimeout(function(){done(T.m0)},20)"), "T.m0");
      const rig = expectRecord(
        await session.evaluate("({nfcRx:typeof T.h.NFCrx,nfcOff:typeof T.h.NFCoff,watches:T.w.length,blobInPlace:E.getAddressOf(require(\"Storage\").read(\"stamp.ed25519\"),true)>0})"),
        "rig",
      );
      const seedHex = (await storageFileHex(session, SEED_FILE)) ?? "";
      await provision(session, state.publicKey);

      const { tap, verdict: tapVerdict } = await tapAndJudge(session);
      const verdictAck = expectArray(await session.evaluate("T.rx([" + T2T_WRITE + "," + VERDICT_PAGE + "," + tapVerdict.code + ",0,0,0])"), "verdict WRITE");
      const ledsAfterVerdict = await session.evaluate("T.l");

      // Still in the field, over that full reply: a challenge whose only written page is the last.
      const refusalAck = expectArray(await session.evaluate("T.rx([" + T2T_WRITE + "," + LAST_CHALLENGE_PAGE + ",0,0,0,1])"), "WRITE " + LAST_CHALLENGE_PAGE);
      const refusalReads: Uint8Array[] = [];
      for (const read of plan) refusalReads.push(readAnswer(expectArray(await session.evaluate("T.rx([" + T2T_READ + "," + read.page + "])"), "READ"), "READ " + read.page));
      await session.run("T.h.NFCoff()");
      const statusAfterFieldOff = readAnswer(expectArray(await session.evaluate("T.rx([" + T2T_READ + "," + STATUS_PAGE + "])"), "READ " + STATUS_PAGE), "status");

      // Every path while 300 variables are held by ballast: each keeps at least that many spare.
      const before = await readMemory(session);
      await session.run("global.BAL=[];for(var i=0;i<" + SPARE_AT_PEAK + ";i++)BAL.push(0)");
      const after = await readMemory(session);
      const problemsBefore = session.problems().length;
      const { tap: ballastTap, verdict: ballastTapVerdict } = await tapAndJudge(session);
      const bleChallenge = await world.challengeFor(station);
      let bleVerdict: Judged = { reason: "none", counter: undefined, code: -1 };
      const ble = await bleTap(session, bleChallenge.subarray(1, 9), bleChallenge, async (reply) => {
        bleVerdict = await judge(reply);
        return bleVerdict.code;
      });
      const answerReply = bytes(expectString(await session.evaluate("T.x(STAMP.answer(E.toUint8Array(atob(\"" + base64(await world.challengeFor(station)) + "\"))))"), "STAMP.answer"));
      const answerVerdict = await judge(answerReply);
      const ballastProblems = session.problems().slice(problemsBefore);
      await session.run("BAL=undefined");

      // Memory runs out at a signature: the ballast is taken in a timer that runs right before
      // the mailbox's signing timer, leaving FREE_FOR_A_STARVED_SIGNATURE variables.
      const starvedProblemsBefore = session.problems().length;
      const committedBefore = await committedCounter(session);
      const starvedChallenge = await world.challengeFor(station);
      await session.evaluate("T.pages(\"" + base64(starvedChallenge) + "\",7)");
      await session.evaluate("T.fill(" + FREE_FOR_A_STARVED_SIGNATURE + "),T.rx([" + [T2T_WRITE, LAST_CHALLENGE_PAGE, ...starvedChallenge.subarray(28)].join(",") + "])");
      const polled = expectArray(await session.evaluateLater("T.poll(done)"), "status poll");
      const freeAtSigning = expectNumber(await session.evaluate("T.F"), "T.F");
      await session.run("T.B=undefined");
      const starved = {
        freeAtSigning: freeAtSigning,
        status: bytes(expectString(polled[0], "status")),
        committedBefore: committedBefore,
        committedAfter: await committedCounter(session),
        problems: session.problems().slice(starvedProblemsBefore),
      };
      await session.run("T.h.NFCoff()");
      const { tap: afterStarved, verdict: afterStarvedVerdict } = await tapAndJudge(session);

      const seedScan = await scanForSeed(session, find8);
      return {
        state,
        usageAfterBoot,
        rig,
        seedHex,
        tap,
        tapVerdict,
        verdictAck,
        ledsAfterVerdict,
        refusalAck,
        refusalReads,
        statusAfterFieldOff,
        ballast: { before, after },
        ballastTap,
        ballastTapVerdict,
        ble,
        bleVerdict,
        answerReply,
        answerVerdict,
        ballastProblems,
        starved,
        afterStarved,
        afterStarvedVerdict,
        seedScan,
        problems: session.problems(),
      };
    }

    async function secondBoot(session: EspruinoSession): Promise<SecondBoot> {
      const state = await readStampBoot(session);
      const { tap, verdict } = await tapAndJudge(session);
      // The flashing station's last step: stamp.lock is written before the answer, and the
      // console closes 300 ms after it.
      const lockedAnswer = await session.evaluate("STAMP.lock()");
      return { state, tap, verdict, locked: lockedAnswer, problems: session.problems() };
    }

    async function lockedBoot(air: AirSession): Promise<LockedBoot> {
      const radio = expectRecord(await air.command("u"), "radio");
      // A line the console would run: the serial port now carries the radio stand-in's lines only.
      const consoleLine = await air.command("print(\"@@\"+\"OPEN\")");
      const memory = expectRecord(await air.command("m"), "memory");
      const challenge = await world.challengeFor(station);
      for (let page = 0; page < 8; page++) {
        const ack = await air.frame([T2T_WRITE, CHALLENGE_FIRST_PAGE + page, ...challenge.subarray(4 * page, 4 * page + 4)]);
        if (ack[0] !== T2T_ACK) throw new Error("WRITE " + (CHALLENGE_FIRST_PAGE + page) + " answered " + JSON.stringify(ack));
      }
      let status: Uint8Array = new Uint8Array(16);
      for (let reads = 0; reads < 600; reads++) {
        status = readAnswer(await air.frame([T2T_READ, STATUS_PAGE]), "status");
        if (status[0] !== MailboxState.BUSY) break;
      }
      const answers: Uint8Array[] = [];
      for (const read of plan) answers.push(read.page === STATUS_PAGE ? status : readAnswer(await air.frame([T2T_READ, read.page]), "READ " + read.page));
      const reply = replyFromReads(plan, answers, status[2]);
      return { radio, consoleLine, consoleRan: air.transcript.includes("@@OPEN"), memory, reply, verdict: await judge(reply) };
    }

    beforeAll(async () => {
      for (const name of ["stamp.js", "ed25519.bin"]) {
        if (!existsSync(join(DIST, name))) throw new Error(`dist/firmware/${name} is missing: run npm run build:firmware first`);
      }
      plan = documentedPagesReads();
      find8 = compileFind8();
      world = await createTestWorld();
      const now = Date.now();
      must(await approveFirmware(world.store, world.operator, { hash: loadFirmwareImage(DIST).firmwareHash, label: "dist/firmware" }, now));
      // Presence is not required: the NFC taps have no press; the BLE tap carries the flag anyway.
      const counter = must(await addVerifier(world.store, world.owner, { shopId: "gangnam", label: "counter", requirePresence: false, purpose: Purpose.STAMP, quantity: 1 }, now));
      station = await enrolTestStation(world.store, world.owner, "counter-station", { verifierId: counter.id }, now);
      service = localTapService(world.store, station.principal, Date.now);
      await uploadFiles(launcher, directory.path, [
        { name: ".boot0", content: ARM_STAMP_PRELUDE },
        { name: ".bootcde", content: readFileSync(join(DIST, "stamp.js"), "latin1") },
        { name: ED25519_BLOB_FILE, content: readFileSync(join(DIST, "ed25519.bin"), "latin1") },
      ]);
      first = await withSession(launcher, directory.path, firstBoot);
      // The session's quit() follows the lock at once, before production mode closes the console.
      second = await withSession(launcher, directory.path, secondBoot);
      const air = await AirSession.open(launcher, directory.path);
      try {
        locked = await lockedBoot(air);
      } finally {
        air.kill();
      }
    }, 1_800_000);

    afterAll(() => directory.remove());

    it("boots with every mode loaded within half of the 2,630 variables, the blob running from flash", () => {
      const { state, usageAfterBoot, rig } = first;
      expect(state.fault).toBe("");
      expect(state.keyCreated).toBe(true);
      expect(state.memory.total).toBe(2630);
      // One button watch: presence, the BLE tap and the phone URL all start from it.
      expect(rig).toEqual({ nfcRx: "function", nfcOff: "function", watches: 1, blobInPlace: true });
      expect(usageAfterBoot).toBeLessThanOrEqual(state.memory.total / 2);
      expect(locked.memory.usage as number).toBeLessThanOrEqual(state.memory.total / 2);
      console.log(
        `[ARM whole stamp] after boot ${usageAfterBoot} / ${state.memory.total} variables (prelude included; ${state.memory.usage} with a console line in RAM), ` +
          `production mode ${String(locked.memory.usage)}; BLE tap peak ${first.ble.peak - SPARE_AT_PEAK} (+${SPARE_AT_PEAK} ballast); ` +
          `a starved signature had ${first.starved.freeAtSigning} free`,
      );
    });

    it("made its key with the blob: the RFC 8032 public key of the stored seed, proven to the flashing station", () => {
      expect(first.seedHex).toMatch(/^[0-9a-f]{64}$/);
      expect(first.state.publicKey).toBe(ed25519PublicKey(bytes(first.seedHex)));
    });

    it("answers an NFC tap read with exactly the READs docs/protocol.md lists, accepted by the host", () => {
      const { tap, tapVerdict, verdictAck, ledsAfterVerdict } = first;
      expect(plan.map((read) => read.page)).toEqual([58, 62, 66, 70, 74, 78, 82]);
      expect(tap.writeAnswers).toEqual(Array.from({ length: 8 }, () => T2T_ACK));
      expect(Array.from(tap.finalStatus.subarray(0, 3))).toEqual([MailboxState.READY, StampStatus.OK, 1 + TAP_RESPONSE_LENGTH]);
      expect(tap.reads.map((read) => read.page)).toEqual(plan.map((read) => read.page));
      expect(tapVerdict).toEqual({ reason: "ACCEPTED", counter: 1, code: 0 });
      expect(verdictAck).toEqual([T2T_ACK]);
      expect(ledsAfterVerdict).toEqual([false, true, false]);
    });

    it("zeroes the reply pages behind a shorter reply: a refusal leaves no byte of the previous reply", () => {
      const { refusalAck, refusalReads, statusAfterFieldOff } = first;
      expect(refusalAck).toEqual([T2T_ACK]);
      const status = refusalReads[0];
      expect(Array.from(status.subarray(0, 3))).toEqual([MailboxState.ERROR, StampStatus.MALFORMED_CHALLENGE, 1]);
      // The reply pages as the documented READs show them: the refusal byte, then zeros only.
      const replyArea = [...status.subarray(4), ...refusalReads.slice(1, -1).flatMap((answer) => [...answer]), ...refusalReads[refusalReads.length - 1].subarray(0, 4)];
      expect(replyArea.length).toBe(96);
      expect(replyArea).toEqual([StampStatus.MALFORMED_CHALLENGE, ...new Array<number>(95).fill(0)]);
      // The field went: IDLE, and a new sequence number.
      expect(Array.from(statusAfterFieldOff.subarray(0, 3))).toEqual([MailboxState.IDLE, 0, 0]);
      expect(statusAfterFieldOff[3]).toBe((status[3] + 1) & 0xff);
    });

    it("keeps at least 300 variables spare on every path: NFC tap, button press to a BLE tap, STAMP.answer", () => {
      const { ballast, ballastTapVerdict, ble, bleVerdict, answerReply, answerVerdict, ballastProblems } = first;
      expect(ballast.after.usage - ballast.before.usage).toBeGreaterThanOrEqual(SPARE_AT_PEAK);
      expect(ballastTapVerdict).toEqual({ reason: "ACCEPTED", counter: 2, code: 0 });
      // BLE: the press is user presence; the stamp reads the verdict the station wrote, shows it, drops the link.
      expect(bleVerdict).toEqual({ reason: "ACCEPTED", counter: 3, code: 0 });
      expect(flagsOf(ble.reply) & FLAG_USER_PRESENT).toBe(FLAG_USER_PRESENT);
      expect(ble.chunks.length).toBe(5); // 95 bytes in writes of 20 at MTU 23
      expect(ble.leds).toEqual([false, true, false]);
      expect(answerVerdict).toEqual({ reason: "ACCEPTED", counter: 4, code: 0 });
      expect(answerReply.length).toBe(1 + TAP_RESPONSE_LENGTH);
      expect(ballastProblems).toEqual([]);
    });

    it("answers SIGNER_FAILED when memory runs out at a signature, with the counter value spent and never reused", () => {
      const { starved, afterStarved, afterStarvedVerdict } = first;
      expect(starved.freeAtSigning).toBeLessThan(SIGN_HEADROOM + 40);
      expect(Array.from(starved.status.subarray(0, 3))).toEqual([MailboxState.ERROR, StampStatus.SIGNER_FAILED, 1]);
      // Committed before signing: the failed signature's value is in flash...
      expect(starved.committedAfter).toBe(starved.committedBefore + 1);
      // ...and the next tap signs the one above it, which the host accepts.
      expect(Array.from(afterStarved.finalStatus.subarray(0, 2))).toEqual([MailboxState.READY, StampStatus.OK]);
      expect(afterStarvedVerdict).toEqual({ reason: "ACCEPTED", counter: starved.committedAfter + 1, code: 0 });
      // A clean refusal: nothing ran out of memory on the way.
      expect(starved.problems).toEqual([]);
    });

    it("leaves no copy of the seed in RAM after signing on every path (the control copy is found)", () => {
      const { seedScan } = first;
      expect(seedScan.region).toBe(true);
      expect(seedScan.control.every((at) => at >= 0)).toBe(true);
      expect(seedScan.hits).toEqual(new Array<number>(25).fill(-1));
    });

    it("second boot reuses the key and counts on above every value used before", () => {
      expect(second.state.keyCreated).toBe(false);
      expect(second.state.publicKey).toBe(first.state.publicKey);
      expect(second.verdict).toEqual({ reason: "ACCEPTED", counter: (first.afterStarvedVerdict.counter ?? 0) + 1, code: 0 });
      expect(second.locked).toBe(true);
    });

    it("locked, it boots in production mode: no console, no UART, not connectable, and still signs over NFC", () => {
      expect(locked.radio).toEqual({ uart: false, connectable: false });
      expect(locked.consoleLine).toBe("?");
      expect(locked.consoleRan).toBe(false);
      expect(locked.reply.length).toBe(1 + TAP_RESPONSE_LENGTH);
      expect(locked.verdict).toEqual({ reason: "ACCEPTED", counter: second.verdict.counter === undefined ? -1 : second.verdict.counter + 1, code: 0 });
    });

    it("prints no uncaught error or out-of-memory on the Espruino console", () => {
      expect(first.problems).toEqual([]);
      expect(second.problems).toEqual([]);
    });
  });
}
