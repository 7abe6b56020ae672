import { Attempt, Budget, Campaign, CampaignOutput, NotRun } from "../campaign";
import { judgeConcurrentOpenings } from "../phone/concurrent-openings";
import { openPhoneUrl, Phone } from "../phone/open-phone-url";
import { pressForPhoneUrl } from "../phone/phone-link";
import { RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { attackAttempt, legitimateTap } from "./legitimate-tap";

/** How far the host's clock moves for "opened much later": an hour, far past any press window. */
const KEPT_BACK_MS = 3_600_000;

const NO_HOST_TTL: NotRun = {
  attack: "a phone URL opened after its TTL",
  why: "the host gives phone URLs no TTL, by design (docs/design.md, 'No host freshness'): a URL is bounded by its counter, not by time. The rig runs the bound instead: a URL kept back and opened after a later press is refused",
};

const newPhone = (): Phone => ({ cookie: undefined });

async function customerOpens(world: RigWorld, stamp: RigStamp, phone: Phone, what: string): Promise<{ attempt: Attempt; url: string }> {
  const url = pressForPhoneUrl(stamp, world.target.url);
  return { attempt: { attack: what, legitimate: true, ...(await openPhoneUrl(phone, url)) }, url: url };
}

/** A used URL again: by the same phone, by another phone, and spelled otherwise (a query, an encoded character). */
async function openedAgain(world: RigWorld, stamp: RigStamp, attempts: Attempt[]): Promise<void> {
  const phone = newPhone();
  const first = await customerOpens(world, stamp, phone, "a customer opens a fresh phone URL");
  attempts.push(first.attempt);
  attempts.push(attackAttempt("the same URL opened again by the same phone", await openPhoneUrl(phone, first.url)));
  attempts.push(attackAttempt("the same URL opened by another phone", await openPhoneUrl(newPhone(), first.url)));
  attempts.push(attackAttempt("the same URL with a query string", await openPhoneUrl(newPhone(), `${first.url}?lang=en`)));
  const cut = first.url.lastIndexOf("/") + 1;
  const encoded = `${first.url.slice(0, cut)}%${first.url.charCodeAt(cut).toString(16).toUpperCase()}${first.url.slice(cut + 1)}`;
  attempts.push(attackAttempt("the same URL with its first token character percent-encoded", await openPhoneUrl(newPhone(), encoded)));
}

/** A URL skimmed in the press window and opened later: after a counter tap, after another URL, an hour on. */
async function keptBack(world: RigWorld, stamp: RigStamp, attempts: Attempt[]): Promise<void> {
  const skimmed = pressForPhoneUrl(stamp, world.target.url);
  attempts.push((await legitimateTap(world.home, stamp, "legitimate tap at the counter after the skimmed press")).attempt);
  attempts.push(attackAttempt("a URL kept back, opened after a later counter tap", await openPhoneUrl(newPhone(), skimmed)));
  const skimmedAgain = pressForPhoneUrl(stamp, world.target.url);
  attempts.push((await customerOpens(world, stamp, newPhone(), "a customer opens the next press's URL")).attempt);
  world.target.advanceClock?.(KEPT_BACK_MS);
  attempts.push(attackAttempt("a URL kept back, opened after a later URL (an hour on where the clock moves)", await openPhoneUrl(newPhone(), skimmedAgain)));
}

/** One fresh URL opened by many phones at once (a bystander and a skimmer in the window): one credit only. */
async function openedConcurrently(world: RigWorld, stamp: RigStamp, openings: number): Promise<Attempt[]> {
  const url = pressForPhoneUrl(stamp, world.target.url);
  const answers = await Promise.all(Array.from({ length: openings }, () => openPhoneUrl(newPhone(), url)));
  return judgeConcurrentOpenings(answers, `one URL opened ${openings} times at once: a second credit`);
}

/** The host must serve phone pages: a host without a public URL answers 503, and the campaign says it did not run. */
async function servesPhonePages(world: RigWorld, stamp: RigStamp): Promise<boolean> {
  const probe = await openPhoneUrl(newPhone(), pressForPhoneUrl(stamp, world.target.url));
  return probe.answer !== "HTTP 503";
}

async function attack(world: RigWorld, budget: Budget): Promise<CampaignOutput> {
  const stamp = await world.newStamp();
  if (!(await servesPhonePages(world, stamp))) {
    return { attempts: [], notRun: [{ attack: "phone URL replay", why: "the host serves no phone pages (no public URL: `stamp serve --public-url`); the embedded host sets none" }], figures: [] };
  }
  const attempts: Attempt[] = [];
  const rounds = budget.kind === "full" ? 10 : 2;
  for (let round = 0; round < rounds; round++) {
    await openedAgain(world, stamp, attempts);
    await keptBack(world, stamp, attempts);
  }
  attempts.push(...(await openedConcurrently(world, stamp, budget.kind === "full" ? 50 : 10)));
  // The stamp still works at the counter and on a phone after all of it.
  attempts.push((await legitimateTap(world.home, stamp, "legitimate tap at the counter at the end")).attempt);
  attempts.push((await customerOpens(world, stamp, newPhone(), "a customer opens a fresh URL at the end")).attempt);
  return { attempts: attempts, notRun: [NO_HOST_TTL], figures: [] };
}

/**
 * The stamp's one-time phone URL (docs/protocol.md §15) replayed: opened twice by one phone,
 * by another phone, re-spelled, many times at once, and kept back until after a later counter
 * tap or a later URL (an hour on, where the host's clock moves). Only the first opening of a
 * fresh URL may credit a card; the stamp keeps working at the counter and on phones throughout.
 */
export const phoneUrlReplayCampaign: Campaign = {
  name: "phone-url-replay",
  attacks: "phone pages (GET /t/<token>): a used URL opened again, by another phone, re-spelled, concurrently, and kept back past a later press",
  run: attack,
};
