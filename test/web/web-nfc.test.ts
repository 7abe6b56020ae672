/**
 * Web NFC where the browser has it (Chrome on Android): the "stamp here" button reads the stamp's
 * URL record with NDEFReader and opens it. Desktop Chromium has no NFC radio, so the radio is
 * the one part stood in for: an NDEFReader with Chrome's shape (scan(), a "reading" event whose
 * message holds records with recordType "url" and the URL's bytes) put into the page before its
 * script runs. Everything behind it is real: the page script, the server, the database.
 */
import { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGLISH } from "../../host/web/i18n/messages-en";
import { LAUNCH_TIMEOUT, mainText, phoneContext } from "../support/chromium";
import { PhoneSession, startPhoneSession } from "./phone-world";

const TEST_TIMEOUT = 60_000;

let session: PhoneSession;

beforeAll(async () => {
  session = await startPhoneSession("en-US");
}, LAUNCH_TIMEOUT + 30_000);

afterAll(() => session?.close(), 30_000);

/** A phone whose browser has Web NFC, and whose next scan reads a tag holding `url`. */
async function phoneWithWebNfc(url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await phoneContext(session.browser, "en-US");
  await context.addInitScript((tagUrl: string) => {
    class StandInNdefReader extends EventTarget {
      async scan(): Promise<void> {
        const event = new Event("reading") as Event & { message: unknown };
        event.message = { records: [{ recordType: "url", data: new DataView(new TextEncoder().encode(tagUrl).buffer) }] };
        setTimeout(() => this.dispatchEvent(event), 0);
      }
    }
    Object.assign(globalThis, { NDEFReader: StandInNdefReader });
  }, url);
  return { context, page: await context.newPage() };
}

describe("the 'stamp here' button (Web NFC)", () => {
  it("is not offered where the browser has no Web NFC: the page says to hold the phone to the stamp", async () => {
    await session.page.goto(`${session.phone.publicUrl}/p`);
    expect(await session.page.locator("[data-nfc-start]").isVisible()).toBe(false);
    expect(await mainText(session.page)).toContain(ENGLISH.holdHint);
  }, TEST_TIMEOUT);

  it("reads the stamp's URL record and opens it: one stamp on the card", async () => {
    const { context, page } = await phoneWithWebNfc(session.phone.tapUrl(1));
    try {
      await page.goto(`${session.phone.publicUrl}/p`);
      const button = page.getByRole("button", { name: ENGLISH.nfcButton });
      await button.click();
      await page.waitForURL((address) => address.pathname === "/card/bean-bros");
      expect(new URL(page.url()).searchParams.get("tap")).toBe("stamped");
      expect(await mainText(page)).toContain(ENGLISH.stampsCount(1));
    } finally {
      await context.close();
    }
  }, TEST_TIMEOUT);

  it("opens nothing from a tag whose URL is not this host's stamp link, and says so", async () => {
    const { context, page } = await phoneWithWebNfc("https://evil.example/t/" + "A".repeat(112));
    try {
      await page.goto(`${session.phone.publicUrl}/p`);
      await page.getByRole("button", { name: ENGLISH.nfcButton }).click();
      await expect.poll(() => page.locator("[data-status]").innerText(), { timeout: 10_000 }).toBe(ENGLISH.nfcNoLink);
      expect(new URL(page.url()).pathname).toBe("/p");
    } finally {
      await context.close();
    }
  }, TEST_TIMEOUT);
});
