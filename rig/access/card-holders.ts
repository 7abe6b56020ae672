import { Attempt, NotRun } from "../campaign";
import { openPhoneUrl, Phone } from "../phone/open-phone-url";
import { pressForPhoneUrl } from "../phone/phone-link";
import { RigWorld } from "../world/rig-world";
import { describeAnswer, judged } from "./judge-answer";
import { RawAnswer, sendRaw } from "./raw-http";
import { jsonRequest } from "./sweep-request";

/** A phone with a card at the rig's merchant, and the reward its press earned there. */
interface CardHolder {
  phone: Phone & { cookie: string };
  voucherId: string;
}

interface LoyaltyProgram {
  stampsPerReward: number;
  stampsPerPress: number;
  rewardLabel: string;
  rewardValidDays?: number | null;
}

function items(body: unknown): Record<string, unknown>[] {
  const list = typeof body === "object" && body !== null && "items" in body ? body.items : undefined;
  return Array.isArray(list) ? list.filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null) : [];
}

async function voucherIds(world: RigWorld): Promise<Set<string>> {
  const answer = await world.owner.request("GET", `/v1/merchants/${world.target.merchantId}/vouchers?limit=1000`);
  if (answer.status !== 200) throw new Error(`the merchant's vouchers: HTTP ${answer.status}`);
  return new Set(items(answer.body).map((item) => String(item.id)));
}

/** A new phone presses the rig's stamp (its one-time URL): it gets a card, and with one stamp per reward, a reward. */
async function newCardHolder(world: RigWorld, url: string, what: string): Promise<{ holder: CardHolder | undefined; attempt: Attempt }> {
  const stamp = await world.newStamp();
  const before = await voucherIds(world);
  const phone: Phone = { cookie: undefined };
  const answer = await openPhoneUrl(phone, pressForPhoneUrl(stamp, url));
  const attempt: Attempt = { attack: what, legitimate: true, ...answer };
  const earned = [...(await voucherIds(world))].filter((id) => !before.has(id));
  const cookie = phone.cookie;
  if (!answer.accepted || cookie === undefined || earned.length !== 1) return { holder: undefined, attempt: { ...attempt, accepted: false, answer: `${answer.answer}, ${earned.length} new reward(s)` } };
  return { holder: { phone: { cookie: cookie }, voucherId: earned[0] }, attempt: attempt };
}

function cardRequest(world: RigWorld, holder: CardHolder, method: "GET" | "POST", path: string, form?: string): Promise<RawAnswer> {
  const url = world.target.url;
  const origin = new URL(url).origin;
  if (method === "GET") return sendRaw(url, jsonRequest(url, "GET", path, undefined, { cookie: holder.phone.cookie }));
  const request = jsonRequest(url, "POST", path, undefined, { cookie: holder.phone.cookie, origin: origin, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" });
  return sendRaw(url, { ...request, body: new TextEncoder().encode(form ?? "") });
}

/** The card page took the redemption request: a redirect to the card without a refusal notice (`?redeem=<why>`). */
export function redemptionTaken(answer: RawAnswer): boolean {
  if (answer.status !== 303 || answer.headers.location === undefined) return false;
  return !new URL(answer.headers.location, "http://host.invalid").searchParams.has("redeem");
}

/**
 * One card holder's cookie acting for another's card: the card pages name no card in their
 * address (the cookie says whose it is), so the attacks name the other card's reward. Holder A's
 * browser asks to redeem holder B's reward, and A's card page must not show it. Legitimate: each
 * holder's own reward is on its own page, and A may ask to redeem its own (then takes it back).
 */
async function crossCardAttempts(world: RigWorld, a: CardHolder, b: CardHolder): Promise<Attempt[]> {
  const merchant = world.target.merchantId;
  const attempts: Attempt[] = [];
  const ownPage = await cardRequest(world, b, "GET", `/card/${merchant}`);
  attempts.push({ attack: "card holder's own page shows its reward: GET /card/:merchantId", legitimate: true, accepted: ownPage.status === 200 && ownPage.text.includes(b.voucherId), flagged: false, answer: describeAnswer(ownPage) });
  const otherPage = await cardRequest(world, a, "GET", `/card/${merchant}`);
  attempts.push(judged("a card cookie reads another card's reward: GET /card/:merchantId", otherPage.text.includes(b.voucherId), otherPage.text.includes(b.voucherId) ? `shows ${b.voucherId}` : describeAnswer(otherPage)));
  const theirs = await cardRequest(world, a, "POST", `/card/${merchant}/redeem`, `voucherId=${b.voucherId}`);
  attempts.push(judged("a card cookie redeems another card's reward: POST /card/:merchantId/redeem", redemptionTaken(theirs), describeAnswer(theirs)));
  await cardRequest(world, a, "POST", `/card/${merchant}/redeem/cancel`);
  const own = await cardRequest(world, a, "POST", `/card/${merchant}/redeem`, `voucherId=${a.voucherId}`);
  attempts.push({ attack: "a card holder asks to redeem its own reward: POST /card/:merchantId/redeem", legitimate: true, accepted: redemptionTaken(own), flagged: false, answer: describeAnswer(own) });
  await cardRequest(world, a, "POST", `/card/${merchant}/redeem/cancel`);
  return attempts;
}

/**
 * Card cookies (the phone pages): two phones press the rig's stamps and each earns a reward (the
 * rig's merchant set to one stamp per reward for the attack, its program put back after). Needs
 * a host that serves phone pages at the rig's URL; else not run.
 */
export async function cardHolderAttacks(world: RigWorld): Promise<{ attempts: Attempt[]; notRun: NotRun[] }> {
  const url = world.target.url;
  const loyaltyPath = `/v1/merchants/${world.target.merchantId}/loyalty`;
  const kept = await world.owner.request("GET", loyaltyPath);
  if (kept.status !== 200) throw new Error(`the merchant's loyalty program: HTTP ${kept.status}`);
  const program = kept.body as LoyaltyProgram;
  const set = await world.owner.request("PUT", loyaltyPath, { stampsPerReward: 1, stampsPerPress: 1, rewardLabel: `rig ${world.run} reward` });
  if (set.status !== 200) throw new Error(`setting one stamp per reward: HTTP ${set.status}`);
  try {
    // The victim presses first (a twin that hands every cookie the first card holder is caught then).
    const victim = await newCardHolder(world, url, "legitimate phone press: the victim's card and reward");
    if (victim.holder === undefined && victim.attempt.answer.startsWith("HTTP 503")) {
      return { attempts: [], notRun: [{ attack: "card cookies", why: "the host serves no phone pages at the rig's URL (its public URL is another, or none)" }] };
    }
    const attacker = await newCardHolder(world, url, "legitimate phone press: the attacker's card and reward");
    const attempts = [victim.attempt, attacker.attempt];
    if (victim.holder !== undefined && attacker.holder !== undefined) attempts.push(...(await crossCardAttempts(world, attacker.holder, victim.holder)));
    return { attempts: attempts, notRun: [] };
  } finally {
    const restore = { stampsPerReward: program.stampsPerReward, stampsPerPress: program.stampsPerPress, rewardLabel: program.rewardLabel, ...(program.rewardValidDays === undefined ? {} : { rewardValidDays: program.rewardValidDays }) };
    const put = await world.owner.request("PUT", loyaltyPath, restore);
    if (put.status !== 200) throw new Error(`the rig could not put the loyalty program back: HTTP ${put.status}`);
  }
}
