/**
 * The whole phone path through real parts: the firmware (virtual stamp on vpcd, the same
 * firmware/*.ts as on the Puck.js) bound to the host's public URL, read the way a phone reads a
 * tag (Type 2 Tag READ frames through the real pcscd, the NDEF message parsed from the NFC Forum
 * layout), and the URL opened in headless Chromium at phone size against a real server on a
 * real SQLite file. A read without a press gives nothing to redeem; a press gives one stamp,
 * once; an edited URL is not genuine; a flash dump booted as a second stamp makes a URL with the
 * genuine stamp's counter, which proves the clone and stops the key.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FastifyInstance } from "fastify";
import { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHONE_TAP_PATH, phoneIdleUrl } from "../../shared/phone-url";
import { buildServer } from "../../host/http/server";
import { ENGLISH } from "../../host/web/i18n/messages-en";
import { VirtualStamp } from "../../sim/virtual-stamp/virtual-stamp";
import { missingPcscStack, PcscdInstance, startPcscd } from "../nfc/pcscd-harness";
import { registeredVirtualStamp } from "../nfc/station-world";
import { LAUNCH_TIMEOUT, launchChromium, mainText, phoneContext } from "../support/chromium";
import { PhoneNdefRead } from "../../sim/phone-tag-reader";
import { openPhoneReader, PhoneReader } from "../support/phone-ndef-reader";
import { createTestWorld } from "../support/test-world";

const TEST_TIMEOUT = 60_000;
const TAG_WAIT_MS = 15_000;

const missing = missingPcscStack();
if (missing !== undefined) {
  console.warn(`\n*** SKIPPED: the phone path through PC/SC needs ${missing}; not installed (npm run setup installs them as root on Debian). ***\n`);
}
const describeStack = missing === undefined ? describe : describe.skip;

describeStack("a customer's phone, a stamp running the firmware, pcscd and Chromium", () => {
  let world: Awaited<ReturnType<typeof createTestWorld>>;
  let app: FastifyInstance;
  let publicUrl: string;
  let pcscd: PcscdInstance;
  let reader: PhoneReader;
  let stamp: VirtualStamp;
  let flashDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  /** The stamp is held to the phone: the phone reads whatever tag arrives after `arrivals`. */
  async function phoneReads(arrivals: number): Promise<PhoneNdefRead> {
    await reader.waitForTag(arrivals, TAG_WAIT_MS);
    return reader.read();
  }

  /** Pressed while held to the phone: the tag comes back with the signed URL. */
  async function pressAndRead(target: VirtualStamp): Promise<string> {
    const arrivals = reader.arrivals;
    target.device.press();
    const read = await phoneReads(arrivals);
    expect(read.url.startsWith(publicUrl + PHONE_TAP_PATH), read.url).toBe(true);
    return read.url;
  }

  async function open(url: string): Promise<{ path: string; tap: string | null; text: string }> {
    await page.goto(url);
    const address = new URL(page.url());
    return { path: address.pathname, tap: address.searchParams.get("tap"), text: await mainText(page) };
  }

  beforeAll(async () => {
    world = await createTestWorld("sqlite");
    const listening = { publicUrl: "" };
    app = buildServer(world.store, { publicUrl: () => listening.publicUrl, logLevel: "error" });
    await app.listen({ port: 0, host: "127.0.0.1" });
    // localhost is a secure context for Chromium: the Secure card cookie is kept over plain HTTP.
    publicUrl = `http://localhost:${(app.server.address() as AddressInfo).port}`;
    listening.publicUrl = publicUrl;
    pcscd = await startPcscd();
    reader = await openPhoneReader(pcscd.readerName(0), 10_000);
    flashDir = mkdtempSync(join(tmpdir(), "stamp-phone-e2e-"));
    stamp = await registeredVirtualStamp(world, "counter-1", { port: pcscd.port, phoneUrl: publicUrl, flashFile: join(flashDir, "genuine.json") });
    browser = await launchChromium();
    context = await phoneContext(browser, "en-US");
    page = await context.newPage();
  }, LAUNCH_TIMEOUT + 60_000);

  afterAll(async () => {
    await browser?.close();
    await stamp?.remove();
    reader?.close();
    await pcscd?.stop();
    await app?.close();
    await world?.store.close();
    if (flashDir !== undefined) rmSync(flashDir, { recursive: true, force: true });
  }, 30_000);

  it("held to the phone without a press: the 'press the stamp' page, nothing signed, nothing credited", async () => {
    await stamp.present({ press: false });
    const read = await phoneReads(0);
    expect(read.url).toBe(phoneIdleUrl(publicUrl));
    expect(stamp.counter).toBe(0);
    const shown = await open(read.url);
    expect(shown.text).toContain(ENGLISH.pressTitle);
    expect(await world.store.readLedger(1, 10)).toEqual([]);
  }, TEST_TIMEOUT);

  it("pressed: the URL read through pcscd credits one stamp on the phone's card, once", async () => {
    const url = await pressAndRead(stamp);
    const first = await open(url);
    expect(first).toMatchObject({ path: "/card/bean-bros", tap: "stamped" });
    expect(first.text).toContain(ENGLISH.stamped(1));
    expect(first.text).toContain(ENGLISH.stampsCount(1));
    expect((await context.cookies()).map((cookie) => cookie.name)).toContain("stamp_card");

    const again = await open(url);
    expect(again.tap).toBe("already-used");
    expect(again.text).toContain(ENGLISH.alreadyUsed);
    expect(again.text).toContain(ENGLISH.stampsCount(1));
    const [event] = await world.store.readLedger(1, 10);
    expect(event).toMatchObject({ transport: "phone", origin: publicUrl, stampId: stamp.publicKeyHex.slice(0, 16), counter: 1 });
  }, TEST_TIMEOUT);

  it("an edited URL is not genuine and credits nothing", async () => {
    const url = await pressAndRead(stamp);
    const at = url.length - 20;
    const edited = url.slice(0, at) + (url[at] === "A" ? "B" : "A") + url.slice(at + 1);
    const shown = await open(edited);
    expect(shown.text).toContain(ENGLISH.notGenuine);
    expect(await world.store.readLedger(1, 10)).toHaveLength(1);
    // The genuine URL of that press still counts: the edited one spent nothing.
    expect((await open(url)).text).toContain(ENGLISH.stampsCount(2));
  }, TEST_TIMEOUT);

  it("a flash dump booted as a second stamp: its URL with the genuine counter proves the clone and stops the key", async () => {
    const dump = join(flashDir, "dump.json");
    copyFileSync(join(flashDir, "genuine.json"), dump);
    expect((await open(await pressAndRead(stamp))).text).toContain(ENGLISH.stampsCount(3));
    const genuineCounter = stamp.counter;

    await stamp.remove();
    const clone = new VirtualStamp({ port: pcscd.port, phoneUrl: publicUrl, flashFile: dump });
    try {
      expect(clone.publicKeyHex).toBe(stamp.publicKeyHex);
      await clone.present({ press: false });
      const cloneUrl = await pressAndRead(clone);
      expect(clone.counter).toBe(genuineCounter);
      const shown = await open(cloneUrl);
      expect(shown.text).toContain(ENGLISH.clone);
      expect((await world.store.getStamp(stamp.publicKeyHex.slice(0, 16)))?.status).toBe("quarantined");
      expect((await world.store.listAlerts("bean-bros", { limit: 10 })).map((alert) => alert.kind)).toContain("CLONE_PROVEN");
    } finally {
      await clone.remove();
    }
  }, TEST_TIMEOUT);
});
