/**
 * Headless Chromium for page tests: Debian's /usr/bin/chromium (or CHROMIUM_BIN) driven by
 * playwright-core, as a phone (360 × 740, touch, mobile) with the browser language a test picks.
 * Also: Chromium's virtual WebAuthn authenticator (over CDP), and screenshots written only when
 * STAMP_SCREENSHOTS names a directory (a person looks at them; tests assert on the DOM).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Browser, BrowserContext, CDPSession, chromium, Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

/** How long launching the browser may take on a loaded two-core machine. */
export const LAUNCH_TIMEOUT = 60_000;
/** How long one page step (a navigation, a click, a passkey ceremony) may take. */
export const STEP_TIMEOUT = 20_000;

export const PHONE_VIEWPORT = { width: 360, height: 740 };
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 };

export async function launchChromium(): Promise<Browser> {
  const isRoot = process.getuid?.() === 0;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, timeout: LAUNCH_TIMEOUT, args: isRoot ? ["--no-sandbox"] : [] });
}

/** A phone's browser: its own cookies, Accept-Language from `locale` ("ko-KR", "en-US"). */
export async function phoneContext(browser: Browser, locale: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: PHONE_VIEWPORT, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: locale });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  return context;
}

/** A discoverable credential as Chromium's virtual authenticator keeps it (CDP WebAuthn.Credential). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

/** A platform authenticator with user verification, answering without a person (CDP WebAuthn domain). */
export class VirtualAuthenticator {
  private constructor(
    private readonly cdp: CDPSession,
    private readonly authenticatorId: string,
  ) {}

  static async attach(page: Page): Promise<VirtualAuthenticator> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    return new VirtualAuthenticator(cdp, authenticatorId);
  }

  async credentials(): Promise<VirtualCredential[]> {
    const { credentials } = await this.cdp.send("WebAuthn.getCredentials", { authenticatorId: this.authenticatorId });
    return credentials;
  }

  /** Puts a credential made elsewhere into this authenticator: a passkey synced to another phone. */
  async add(credential: VirtualCredential): Promise<void> {
    await this.cdp.send("WebAuthn.addCredential", { authenticatorId: this.authenticatorId, credential: credential });
  }
}

/** Saves a full-page screenshot as `<name>.png` when STAMP_SCREENSHOTS names a directory. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.STAMP_SCREENSHOTS;
  if (dir === undefined || dir === "") return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Screenshots at phone width and at desktop width, then back to the phone. */
export async function screenshotBothWidths(page: Page, name: string): Promise<void> {
  if (process.env.STAMP_SCREENSHOTS === undefined) return;
  await screenshot(page, `${name}-360`);
  await page.setViewportSize(DESKTOP_VIEWPORT);
  await screenshot(page, `${name}-1280`);
  await page.setViewportSize(PHONE_VIEWPORT);
}

/** Whether the page scrolls sideways: wider than the viewport. */
export async function scrollsSideways(page: Page): Promise<boolean> {
  const widths = (await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")) as [number, number];
  return widths[0] > widths[1];
}

/**
 * Every visible link, button and field of the page, and those that Tab reaches from the top, in
 * order, each described as "tag:text". Each control is numbered (data-tab-probe) first, so two
 * with the same words stay apart; Tab goes round until it comes back to one it reached.
 */
export async function tabReach(page: Page): Promise<{ controls: string[]; reached: string[] }> {
  const controls = (await page.evaluate(`Array.from(document.querySelectorAll("a[href], button, input, select, textarea"))
    .filter(function (el) { return el.getClientRects().length > 0; })
    .map(function (el, i) { el.setAttribute("data-tab-probe", String(i)); return el.tagName.toLowerCase() + ":" + (el.textContent || "").trim().replace(/\\s+/g, " "); })`)) as string[];
  await page.evaluate("document.activeElement && document.activeElement.blur && document.activeElement.blur()");
  const reached: number[] = [];
  for (let i = 0; i < controls.length + 2; i++) {
    await page.keyboard.press("Tab");
    const probe = (await page.evaluate(`document.activeElement ? document.activeElement.getAttribute("data-tab-probe") : null`)) as string | null;
    if (probe === null || reached.includes(Number(probe))) break;
    reached.push(Number(probe));
  }
  return { controls: controls, reached: reached.map((index) => controls[index]) };
}

/** The page's main landmark as one line of text (whitespace collapsed): what a person reads. */
export async function mainText(page: Page): Promise<string> {
  return (await page.locator("main").innerText()).replace(/\s+/g, " ");
}
