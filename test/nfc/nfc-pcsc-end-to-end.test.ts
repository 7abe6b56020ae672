import { ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CAPABILITY_CONTAINER,
  CAPABILITY_CONTAINER_PAGE,
  CHALLENGE_FIRST_PAGE,
  NDEF_FIRST_PAGE,
  STAMP_WRITE_CHALLENGE,
  STATUS_PAGE,
  T2T_FAST_READ,
  T2T_NACK_INVALID,
  TAG_PAGES,
} from "../../shared/nfc-mailbox-layout";
import { NfcMode, NfcStation } from "../../host/nfc/nfc-station";
import { openPcscContext, PcscReader, readerTransport } from "../../host/nfc/nfc-pcsc-reader";
import { PcscTagLink } from "../../host/nfc/pcsc-tag-link";
import { TagError } from "../../host/nfc/tag-link";
import { ApduIntercept, VirtualStamp } from "../../sim/virtual-stamp/virtual-stamp";
import { createTestWorld } from "../support/test-world";
import { missingPcscStack, PcscdInstance, startPcscd } from "./pcscd-harness";
import { registeredVirtualStamp, startTestStation, StationEvents } from "./station-world";

const missing = missingPcscStack();
if (missing !== undefined) {
  console.warn(
    `\n*** SKIPPED: the NFC end-to-end tests through the real PC/SC stack need ${missing}; ` +
      "not installed (npm run setup installs them as root on Debian). ***\n",
  );
}
const describeStack = missing === undefined ? describe : describe.skip;

/** The APDU index (0 = FF CA) of the FAST_READ in a direct-mode tap: UID, WRITE_CHALLENGE, FAST_READ. */
const isFastRead = (apdu: Uint8Array) => apdu.length === 10 && apdu[1] === 0x00 && apdu[7] === T2T_FAST_READ;
const isWriteChallenge = (apdu: Uint8Array) => apdu[1] === 0x00 && apdu[7] === STAMP_WRITE_CHALLENGE;
const sw9000 = (data: number[]) => new Uint8Array([...data, 0x90, 0x00]);

describeStack("NFC tap end to end: nfc-pcsc → pcscd → vpcd → virtual stamp → firmware → host", () => {
  let pcscd: PcscdInstance;
  let world: Awaited<ReturnType<typeof createTestWorld>>;
  let station: NfcStation;
  let events: StationEvents;
  const flashDir = mkdtempSync(join(tmpdir(), "stamp-flash-"));

  async function useStation(mode: NfcMode): Promise<void> {
    await station?.stop();
    const started = startTestStation(world, world.gangnamStation, mode, pcscd.readerName(0));
    station = started.station;
    events = started.events;
    await events.until(() => events.readers.length > 0, "the virtual reader");
  }

  beforeAll(async () => {
    pcscd = await startPcscd();
    world = await createTestWorld();
    await useStation("direct");
  }, 20_000);

  afterAll(async () => {
    await station?.stop();
    await pcscd?.stop();
  });

  /** The stamp enters the field, the station does its tap, the stamp leaves and the reader sees it go. */
  async function tap(stamp: VirtualStamp, intercept?: ApduIntercept): Promise<{ verdicts: string[]; errors: TagError[] }> {
    const verdictsBefore = events.verdicts.length;
    const errorsBefore = events.errors.length;
    const cardsBefore = events.cards.length;
    stamp.intercept = intercept;
    await stamp.present();
    await events.until(() => events.verdicts.length > verdictsBefore || events.errors.length > errorsBefore, "a verdict or an error");
    await station.idle();
    await stamp.remove();
    await events.until(() => events.cards.slice(cardsBefore).includes(false), "the card to leave the field");
    stamp.intercept = undefined;
    return { verdicts: events.verdicts.slice(verdictsBefore).map((v) => v.verdict.reason), errors: events.errors.slice(errorsBefore).map((e) => e.error) };
  }

  const eventsOf = async (stamp: VirtualStamp) => (await world.store.listEvents({ merchantId: "bean-bros", limit: 100, stampId: stamp.publicKeyHex.slice(0, 16) })).length;
  const hostCounter = async (stamp: VirtualStamp) => (await world.store.getStamp(stamp.publicKeyHex.slice(0, 16)))?.lastCounter;

  it("direct transmit: taps are ACCEPTED with rising counters, in 3 APDUs to the verdict (4 with the verdict page)", async () => {
    const stamp = await registeredVirtualStamp(world, "direct-1", { port: pcscd.port });
    expect((await tap(stamp)).verdicts).toEqual(["ACCEPTED"]);
    expect((await tap(stamp)).verdicts).toEqual(["ACCEPTED"]);
    expect(events.verdicts.map((v) => v.verdict.counter)).toEqual([1, 2]);
    expect(events.verdicts.every((v) => v.apdus <= 7)).toBe(true);
    expect(stamp.apdus).toBeLessThanOrEqual(8); // whole tap as the card saw it, verdict page included
    expect(await eventsOf(stamp)).toBe(2);
    expect(await hostCounter(stamp)).toBe(2);
    expect(stamp.device.leds.green).toBe(true); // the verdict page reached the firmware
  }, 30_000);

  it("a replayed reply (an old signature put back on the air) is refused as CHALLENGE_REUSED and records nothing", async () => {
    const stamp = await registeredVirtualStamp(world, "replay-1", { port: pcscd.port });
    let recorded: Uint8Array | undefined;
    const first = await tap(stamp, (apdu) => {
      if (!isFastRead(apdu)) return undefined;
      const answer = stamp.emulation.handleApdu(apdu);
      if (answer[3] === 2) recorded = answer; // D5 43 00, then the status page: state READY, the signed reply
      return { answer: answer };
    });
    expect(first.verdicts).toEqual(["ACCEPTED"]);
    expect(recorded).toBeDefined();
    const replay = await tap(stamp, (apdu) => (isFastRead(apdu) && recorded !== undefined ? { answer: recorded } : undefined));
    expect(replay.verdicts).toEqual(["CHALLENGE_REUSED"]);
    expect(await eventsOf(stamp)).toBe(1);
  }, 30_000);

  it("card removed mid-tap: a typed error, nothing recorded, the station keeps serving and the next tap is accepted", async () => {
    const stamp = await registeredVirtualStamp(world, "removed-1", { port: pcscd.port });
    const removed = await tap(stamp, (apdu) => (isFastRead(apdu) ? "remove" : undefined));
    expect(removed.verdicts).toEqual([]);
    expect(removed.errors.map((e) => e.failure)).toEqual(["removed"]);
    expect(events.errors.at(-1)?.phase).toBe("exchange");
    expect(await eventsOf(stamp)).toBe(0);
    expect(await hostCounter(stamp)).toBe(0);
    expect(stamp.counter).toBe(1); // signed before the field dropped: that value is spent on the stamp
    const next = await tap(stamp);
    expect(next.verdicts).toEqual(["ACCEPTED"]);
    expect(events.verdicts.at(-1)?.verdict.counter).toBe(2);
  }, 30_000);

  it("card removed before the challenge is written: nothing signed, nothing recorded", async () => {
    const stamp = await registeredVirtualStamp(world, "removed-2", { port: pcscd.port });
    const removed = await tap(stamp, (apdu) => (isWriteChallenge(apdu) ? "remove" : undefined));
    expect(removed.errors.map((e) => e.failure)).toEqual(["removed"]);
    expect(stamp.counter).toBe(0);
    expect(await eventsOf(stamp)).toBe(0);
  }, 30_000);

  it("garbage from the reader or the tag: clear typed errors, nothing recorded, the next tap accepted", async () => {
    const stamp = await registeredVirtualStamp(world, "garbage-1", { port: pcscd.port });
    const garbage: [string, ApduIntercept, string][] = [
      ["not an InCommunicateThru answer", (apdu) => (isFastRead(apdu) ? { answer: sw9000([1, 2, 3, 4, 5]) } : undefined), "garbled"],
      ["an unknown status word", (apdu) => (isFastRead(apdu) ? { answer: new Uint8Array([0x6a, 0x82]) } : undefined), "garbled"],
      [
        "a READY status page with an impossible reply length",
        (apdu) => (isFastRead(apdu) ? { answer: sw9000([0xd5, 0x43, 0x00, 2, 0, 200, 1, ...new Array<number>(96).fill(0)]) } : undefined),
        "garbled",
      ],
      ["a reader status byte", (apdu) => (isFastRead(apdu) ? { answer: sw9000([0xd5, 0x43, 0x27]) } : undefined), "garbled"],
      ["a UID of 0 bytes", (apdu) => (apdu[1] === 0xca ? { answer: sw9000([]) } : undefined), "garbled"],
      ["the challenge NACKed", (apdu) => (isWriteChallenge(apdu) ? { answer: sw9000([0xd5, 0x43, 0x00, 0x00]) } : undefined), "nack"],
    ];
    for (const [what, intercept, failure] of garbage) {
      const result = await tap(stamp, intercept);
      expect({ what, verdicts: result.verdicts, failures: result.errors.map((e) => e.failure) }).toEqual({ what, verdicts: [], failures: [failure] });
    }
    expect(await eventsOf(stamp)).toBe(0);
    expect((await tap(stamp)).verdicts).toEqual(["ACCEPTED"]);
  }, 60_000);

  it("garbage frames reach the real firmware through pcscd and are NACKed; HALT gets no answer; nothing is signed", async () => {
    // The second vpcd slot, not served by the station: a raw PC/SC client talks to the tag.
    const stamp = new VirtualStamp({ port: pcscd.port + 1 });
    const context = openPcscContext();
    try {
      const reader = await new Promise<PcscReader>((resolveReader, reject) => {
        const timer = setTimeout(() => reject(new Error("no card on the second slot")), 8000);
        context.on("error", () => {});
        context.on("reader", (r) => {
          r.autoProcessing = false;
          r.on("error", () => {});
          if (r.name !== pcscd.readerName(1)) return;
          r.on("card", () => {
            clearTimeout(timer);
            resolveReader(r);
          });
          void stamp.present();
        });
      });
      const link = new PcscTagLink(readerTransport(reader), "direct");
      const frames = [
        [0x60],
        [0x30],
        [0x30, 200],
        [0x30, 1, 2],
        [0xa2, CHALLENGE_FIRST_PAGE, 1, 2, 3],
        [0xa2, CHALLENGE_FIRST_PAGE, 1, 2, 3, 4, 5],
        [0xa2, STATUS_PAGE, 2, 0, 95, 9],
        [0xa2, NDEF_FIRST_PAGE, 3, 0, 0xfe, 0],
        [0x7a, 1, 2, 3],
        [0x3a, STATUS_PAGE, TAG_PAGES],
        [0x3a, STATUS_PAGE + 4, STATUS_PAGE],
        [0xff, 0xff],
      ];
      for (const frame of frames) expect({ frame, answer: await link.transceive(new Uint8Array(frame), 16) }).toEqual({ frame, answer: { kind: "ack", nibble: T2T_NACK_INVALID } });
      await expect(link.transceive(new Uint8Array([0x50, 0x00]), 16)).rejects.toMatchObject({ failure: "timeout" });
      await expect(link.readPages(200)).rejects.toMatchObject({ failure: "nack" });
      const pages = new PcscTagLink(readerTransport(reader), "pages");
      await expect(pages.readPages(200)).rejects.toMatchObject({ failure: "nack" });
      await expect(pages.writePage(3, new Uint8Array(4))).rejects.toMatchObject({ failure: "nack" });
      expect([...(await pages.readPages(CAPABILITY_CONTAINER_PAGE)).subarray(0, 4)]).toEqual(CAPABILITY_CONTAINER);
      const wrongClass = await readerTransport(reader).transmit(new Uint8Array([0x00, 0xa4, 0x04, 0x00, 0x00]), 2);
      expect([...wrongClass]).toEqual([0x6e, 0x00]);
      expect(stamp.counter).toBe(0);
    } finally {
      await stamp.remove();
      context.close();
    }
  }, 30_000);

  it("pages mode (FF D6 / FF B0 only): ACCEPTED through the portable fallback", async () => {
    await useStation("pages");
    const stamp = await registeredVirtualStamp(world, "pages-1", { port: pcscd.port });
    expect((await tap(stamp)).verdicts).toEqual(["ACCEPTED"]);
    expect((await tap(stamp)).verdicts).toEqual(["ACCEPTED"]);
    expect(events.verdicts.map((v) => v.verdict.counter)).toEqual([1, 2]);
    expect(events.verdicts[0].apdus).toBeGreaterThanOrEqual(15); // UID + 8 page writes + status + 5 reply reads
    expect(await eventsOf(stamp)).toBe(2);
    await useStation("direct");
  }, 30_000);

  it("a clone (a second virtual stamp process booted from a dump of the flash) signs a counter the stamp already signed: COUNTER_FORK, quarantined", async () => {
    const flash = join(flashDir, "original.json");
    const copy = join(flashDir, "dump.json");
    const original = await registeredVirtualStamp(world, "cloned-1", { port: pcscd.port, flashFile: flash });
    expect((await tap(original)).verdicts).toEqual(["ACCEPTED"]);
    copyFileSync(flash, copy); // the flash dump: key and counter 1
    // Both boots of that state sign counter 2, for different challenges: the original first...
    expect((await tap(original)).verdicts).toEqual(["ACCEPTED"]);
    // ...then the clone, as the virtual stamp runs by hand: its own process, its own flash file.
    const before = events.verdicts.length;
    const cardsBefore = events.cards.length;
    const clone: ChildProcess = spawn(process.execPath, ["--import", "tsx", "sim/virtual-stamp/main.ts", "--flash", copy, "--port", String(pcscd.port)], {
      cwd: resolve(__dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    clone.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    clone.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolveExit) => clone.once("exit", resolveExit));
    try {
      await events.until(() => events.verdicts.length > before, `the clone's tap (clone output: ${output})`, 20_000);
      await station.idle();
    } finally {
      clone.kill("SIGTERM");
      await exited;
    }
    await events.until(() => events.cards.slice(cardsBefore).includes(false), "the clone to leave the field");
    expect(output).toContain(original.publicKeyHex);
    const verdict = events.verdicts[before].verdict;
    expect(verdict.reason).toBe("COUNTER_FORK");
    expect(verdict.counter).toBe(2);
    const stampId = original.publicKeyHex.slice(0, 16);
    expect((await world.store.getStamp(stampId))?.status).toBe("quarantined");
    const alerts = await world.store.listAlerts("bean-bros", { limit: 10 });
    expect(alerts.filter((a) => a.stampId === stampId).map((a) => a.kind)).toEqual(["CLONE_PROVEN"]);
    expect(alerts.some((a) => a.kind === "LATE_COUNTER")).toBe(false);
    expect(await eventsOf(original)).toBe(2);
    expect((await tap(original)).verdicts).toEqual(["STAMP_QUARANTINED"]);
  }, 40_000);

  it("reader gone (pcscd stops): a typed reader error, no crash, and stop() returns", async () => {
    const errorsBefore = events.errors.length;
    await pcscd.stop();
    await events.until(() => events.errors.slice(errorsBefore).some((e) => e.error.failure === "reader"), "a reader error");
    await station.stop();
  }, 20_000);
});
