/**
 * The NFC station survives its PC/SC service: with no pcscd it says so within seconds, keeps
 * its event loop free and stops at once; it serves as soon as pcscd comes up; pcscd killed under
 * it is reported and it serves again after pcscd restarts — all without restarting the station.
 */
import { createServer } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NfcStation } from "../../host/nfc/nfc-station";
import { VirtualStamp } from "../../sim/virtual-stamp/virtual-stamp";
import { createTestWorld } from "../support/test-world";
import { missingPcscStack, PcscdInstance, PcscdPlace, pcscdPlace, startPcscd } from "./pcscd-harness";
import { registeredVirtualStamp, startTestStation, StationEvents } from "./station-world";

const missing = missingPcscStack();
const describeStack = missing === undefined ? describe : describe.skip;

/** Short pauses so that the tests do not wait 30 s; the default is 1 s doubling to 30 s. */
const TEST_RETRY = { firstMs: 200, maxMs: 1000 };

const serviceErrors = (events: StationEvents, from = 0) => events.errors.slice(from).filter((e) => e.phase === "reader" && e.reader === undefined);

describeStack("NFC station without pcscd, and pcscd coming and going", () => {
  let world: Awaited<ReturnType<typeof createTestWorld>>;
  let place: PcscdPlace;
  let pcscd: PcscdInstance | undefined;
  let station: NfcStation | undefined;
  let events: StationEvents;
  let stamp: VirtualStamp;

  beforeAll(async () => {
    world = await createTestWorld();
    place = await pcscdPlace(); // PCSCLITE_CSOCK_NAME points here; nothing runs there yet
  }, 20_000);

  afterAll(async () => {
    await stamp?.remove();
    await station?.stop();
    await pcscd?.stop();
  }, 20_000);

  it("no pcscd: one clear line within 5 s, the event loop keeps running, stop() resolves within 2 s", async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 50);
    try {
      const started = Date.now();
      const test = startTestStation(world, world.gangnamStation, "direct", "Virtual PCD 00 00", { retry: TEST_RETRY });
      await test.events.until(() => serviceErrors(test.events).length > 0, "the missing pcscd to be reported", 5000);
      const reportedAfter = Date.now() - started;
      const [first] = serviceErrors(test.events);
      expect(first.error.failure).toBe("reader");
      expect(first.error.message).toMatch(/pcscd\) is not running/);
      expect(first.error.message).toContain(place.socket);
      // Retries go on without repeating the same line.
      const ticksBefore = ticks;
      await test.events.until(() => ticks >= ticksBefore + 20, "1 s of timer ticks", 5000);
      expect(serviceErrors(test.events)).toHaveLength(1);
      expect(reportedAfter).toBeLessThan(5000);
      const stopping = Date.now();
      await test.station.stop();
      expect(Date.now() - stopping).toBeLessThan(2000);
    } finally {
      clearInterval(ticker);
    }
  }, 20_000);

  it("a station started without pcscd serves a tap once pcscd comes up, without a restart", async () => {
    const test = startTestStation(world, world.gangnamStation, "direct", "Virtual PCD 00 00", { retry: TEST_RETRY });
    station = test.station;
    events = test.events;
    await events.until(() => serviceErrors(events).length > 0, "the missing pcscd to be reported", 5000);
    pcscd = await startPcscd(place);
    await events.until(() => events.readers.length > 0, "the virtual reader once pcscd is up", 15_000);
    stamp = await registeredVirtualStamp(world, "outage-1", { port: place.port });
    await stamp.present();
    await events.until(() => events.verdicts.length > 0, "the tap's verdict", 10_000);
    expect(events.verdicts.map((v) => v.verdict.reason)).toEqual(["ACCEPTED"]);
    await station.idle();
    await stamp.remove();
    await events.until(() => events.cards.includes(false), "the card to leave the field");
  }, 40_000);

  it("pcscd killed under a running station: reported within seconds, and it serves again after pcscd restarts", async () => {
    if (pcscd === undefined || station === undefined) throw new Error("needs the previous test's station");
    const errorsBefore = events.errors.length;
    const readersBefore = events.readers.length;
    await pcscd.stop("SIGKILL");
    await events.until(() => serviceErrors(events, errorsBefore).length > 0, "pcscd's death to be reported", 5000);
    // Its reader went with it: the same report as for a reader unplugged.
    const gone = events.errors.slice(errorsBefore).filter((e) => e.reader === "Virtual PCD 00 00" && e.phase === "reader");
    expect(gone.map((e) => e.error.message)).toContain("reader Virtual PCD 00 00 was removed");
    // Down for a while: the station retries (the line for "not running" comes once).
    await events.until(() => serviceErrors(events, errorsBefore).some((e) => /not running/.test(e.error.message)), "the missing pcscd to be reported", 5000);
    pcscd = await startPcscd(place);
    await events.until(() => events.readers.length > readersBefore, "the virtual reader again", 15_000);
    const verdictsBefore = events.verdicts.length;
    await stamp.present();
    await events.until(() => events.verdicts.length > verdictsBefore, "a tap's verdict after the restart", 10_000);
    expect(events.verdicts.slice(verdictsBefore).map((v) => [v.verdict.reason, v.verdict.counter])).toEqual([["ACCEPTED", 2]]);
    await station.idle();
    await stamp.remove();
    const stopping = Date.now();
    await station.stop();
    station = undefined;
    expect(Date.now() - stopping).toBeLessThan(2000);
  }, 40_000);
});

describe("NFC station with a pcscd socket that never answers", () => {
  it("reports that pcscd does not answer within 5 s of the helper loading, retries, and stops at once", async () => {
    const world = await createTestWorld();
    const socket = join(mkdtempSync(join(tmpdir(), "stamp-mute-pcscd-")), "pcscd.comm");
    // Accepts connections, reads and says nothing: what a wedged pcscd looks like to libpcsclite.
    const mute = createServer((connection) => connection.resume());
    await new Promise<void>((resolve) => mute.listen(socket, resolve));
    const previous = process.env.PCSCLITE_CSOCK_NAME;
    process.env.PCSCLITE_CSOCK_NAME = socket;
    try {
      const test = startTestStation(world, world.gangnamStation, "direct", "Virtual PCD 00 00", { retry: TEST_RETRY, contextTimeoutMs: 1500 });
      // The helper loads tsx and the native module first (slow on a busy machine), then has 1.5 s.
      await test.events.until(() => serviceErrors(test.events).length > 0, "the silent pcscd to be reported", 20_000);
      expect(serviceErrors(test.events)[0].error.message).toMatch(/pcscd\) does not answer at .*no PC\/SC context after 1500 ms/);
      const stopping = Date.now();
      await test.station.stop();
      expect(Date.now() - stopping).toBeLessThan(2000);
    } finally {
      process.env.PCSCLITE_CSOCK_NAME = previous;
      await new Promise((resolve) => mute.close(resolve));
    }
  }, 30_000);
});
