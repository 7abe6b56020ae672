/**
 * The host the phone pages' tests open in Chromium: the very server `stamp serve` runs
 * (buildServer) on a real SQLite file made through the CLI, listening on a loopback port and
 * reached as http://localhost:<port>, a secure context, so Secure cookies and WebAuthn work as on
 * an HTTPS host. Its clock is the test's (a shift can last eight hours in a second); clock times
 * are shown in Seoul time. One stamp is registered at Bean Bros Gangnam: a software key that
 * signs phone URLs exactly as the firmware does (shared/phone-url.ts); the real firmware → NFC →
 * Chromium path is tested elsewhere.
 */
import { rmSync } from "node:fs";
import { AddressInfo } from "node:net";
import { FastifyInstance } from "fastify";
import { Browser, BrowserContext, Page } from "playwright-core";
import { phoneTapUrl } from "../../shared/phone-url";
import { buildServer } from "../../host/http/server";
import { SqliteStore } from "../../host/store/sqlite-store";
import { tempDir } from "../cli/cli-harness";
import { addShops, addStationsAndStamp, CliStations, CliWorld, initWorld } from "../cli/cli-world";
import { launchChromium, phoneContext } from "../support/chromium";
import { signPhoneToken } from "../support/phone-token";
import { TestStamp } from "../support/test-world";

export const SHOP_TIME_ZONE = "Asia/Seoul";

export interface PhoneWorld {
  world: CliWorld;
  stamp: TestStamp;
  /** The counter stations of both verifiers, tapping with the same stamp. */
  stations: CliStations;
  /** http://localhost:<port>: what the stamp signs its URLs for. */
  publicUrl: string;
  /** The server's clock, in milliseconds; `advance` moves it. */
  now(): number;
  advance(ms: number): void;
  /** The URL the stamp shows after the press that took `counter` (one press per counter: the same URL each time). */
  tapUrl(counter: number): string;
  /** Runs a CLI command as the owner on the served database, with the public URL. */
  owner(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

/** Signs the phone URL for `counter` with the stamp's key: the firmware's message, byte for byte. */
export function signedTapUrl(stamp: TestStamp, publicUrl: string, counter: number): string {
  return phoneTapUrl(publicUrl, signPhoneToken(stamp.privateKey, stamp.publicKey.subarray(0, 8), publicUrl, counter));
}

export async function startPhoneWorld(): Promise<PhoneWorld> {
  const dir = tempDir();
  const world = await initWorld(dir);
  await addShops(world);
  const stations = await addStationsAndStamp(world);
  const stamp = stations.stamp;
  const store = new SqliteStore(world.db);
  const clock = { now: Date.now() };
  const listening = { publicUrl: "" };
  const app: FastifyInstance = buildServer(store, { clock: () => clock.now, publicUrl: () => listening.publicUrl, timeZone: SHOP_TIME_ZONE, logLevel: "error" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const publicUrl = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  listening.publicUrl = publicUrl;
  const pressedUrls = new Map<number, string>();
  return {
    world: world,
    stamp: stamp,
    stations: stations,
    publicUrl: publicUrl,
    now: () => clock.now,
    advance: (ms) => {
      clock.now += ms;
    },
    tapUrl: (counter) => {
      const url = pressedUrls.get(counter) ?? signedTapUrl(stamp, publicUrl, counter);
      pressedUrls.set(counter, url);
      return url;
    },
    owner: (...args) => world.ok("--public-url", publicUrl, ...args),
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A phone's browser (its own cookies, `locale` as its language) on a fresh phone world. */
export interface PhoneSession {
  phone: PhoneWorld;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function startPhoneSession(locale: string): Promise<PhoneSession> {
  const phone = await startPhoneWorld();
  const browser = await launchChromium();
  const context = await phoneContext(browser, locale);
  const page = await context.newPage();
  return {
    phone: phone,
    browser: browser,
    context: context,
    page: page,
    close: async () => {
      await browser.close();
      await phone.close();
    },
  };
}
