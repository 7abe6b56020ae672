/**
 * Cards without accounts. A browser's card is a cookie holding a random 256-bit secret and
 * nothing else (no stamp data, no merchant): the database keeps only the secret's SHA-256, so a
 * copy of it lets no one act as any card holder, and looking a secret up by its hash compares
 * hashes of whatever the browser sent, which leaks nothing useful through timing. A holder may
 * have several secrets, one per browser (a passkey login on another phone adds one).
 */
import { createHash, randomBytes } from "node:crypto";
import { Purpose } from "../../../shared/protocol-constants";
import { Store } from "../../store/store";
import { CardEvent, DEFAULT_LOYALTY_PROGRAM, Worker } from "./card-model";
import { dayInZone } from "../analytics/zoned-days";
import { MAX_SHIFT_MS } from "./phone-tap-decision";
import { Voucher, VoucherState, voucherState } from "./voucher-model";

/** base64url of 32 bytes, without padding. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** How many of a card's vouchers its page lists. */
export const CARD_VOUCHERS = 20;
/** How many of a card's taps its page lists. */
export const RECENT_TAPS = 10;
/** How many days of a worker's hours the card shows, today included. */
export const ATTENDANCE_DAYS = 14;
const DAY_MS = 86_400_000;

export interface WorkDay {
  /** YYYY-MM-DD, in the time zone cardView was given (UTC by default). */
  day: string;
  /** Whole minutes of the shifts that began that day and were clocked out. */
  minutes: number;
  /** A shift began that day and was never clocked out: it counts no minutes (hours are never guessed). */
  missingClockOut: boolean;
}

export interface CardView {
  merchantId: string;
  merchantName: string;
  kind: "customer" | "worker";
  stamps: number;
  stampsPerReward: number;
  rewardLabel: string;
  /** Usable rewards on the card (issued by presses, not yet used or expired). */
  rewardsReady: number;
  nextRewardIn: number;
  /** The card's rewards and coupons, usable ones first, then the most recently issued. */
  vouchers: (Voucher & { state: VoucherState })[];
  /** The voucher the holder asked to redeem with the next press, until the request expires. */
  redeeming: { voucherId: string; expiresAt: number } | undefined;
  /** The card's latest taps, newest first. */
  recent: { at: number; purpose: Purpose; quantity: number; shopName: string | null }[];
  worker:
    | undefined
    | {
        workerId: string;
        name: string;
        clockedIn: boolean;
        since: number | undefined;
        /** Days with a shift, newest first. */
        days: WorkDay[];
      };
}

function secretHash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** A new card holder and the secret for this browser's cookie. */
export async function newHolder(store: Store, now: number): Promise<{ secret: string; holderId: string }> {
  const secret = newSecret();
  const holderId = randomBytes(16).toString("hex");
  await store.addHolder(holderId, secretHash(secret), now);
  return { secret: secret, holderId: holderId };
}

/** The holder whose browser holds this secret; undefined for anything else (junk is not even looked up). */
export async function resolveHolder(store: Store, secret: string): Promise<string | undefined> {
  return SECRET_PATTERN.test(secret) ? store.findHolder(secretHash(secret)) : undefined;
}

/** A secret for one more browser of an existing holder (after a passkey login there). */
export async function issueHolderSecret(store: Store, holderId: string, now: number): Promise<string> {
  const secret = newSecret();
  if (!(await store.addHolderSecret(holderId, secretHash(secret), now))) throw new Error(`card holder ${holderId} does not exist`);
  return secret;
}

/** The merchants where this holder has a card, by merchant id. */
export async function cardsOfHolder(store: Store, holderId: string): Promise<{ merchantId: string; merchantName: string }[]> {
  return (await store.listHolderMerchants(holderId)).map((merchant) => ({ merchantId: merchant.id, merchantName: merchant.name }));
}

/** The calendar day (YYYY-MM-DD) of a time in the shop's IANA time zone, not UTC's; a zone Node does not know is the caller's mistake. */
function shopDay(timeZone: string): (at: number) => string {
  const dayOf = dayInZone(timeZone);
  if (!dayOf.ok) throw new Error(dayOf.error.message);
  return dayOf.value;
}

/** Whether the worker's shift is open now (one left open past MAX_SHIFT_MS is a forgotten clock-out). */
function openShift(worker: Worker, now: number): number | undefined {
  const since = worker.clockedInSince;
  return since !== undefined && now - since < MAX_SHIFT_MS ? since : undefined;
}

/**
 * A worker's hours per day, newest day first, from their clock-ins and clock-outs (oldest first). A shift counts
 * toward the day it began; a clock-in followed by another clock-in, or by nothing, counts no
 * minutes and marks its day, except the shift open now.
 */
function workDays(attendance: readonly CardEvent[], currentShift: number | undefined, dayOfTime: (at: number) => string): WorkDay[] {
  const days = new Map<string, { ms: number; missingClockOut: boolean }>();
  const dayOf = (at: number) => {
    const key = dayOfTime(at);
    let day = days.get(key);
    if (day === undefined) {
      day = { ms: 0, missingClockOut: false };
      days.set(key, day);
    }
    return day;
  };
  let open: number | undefined;
  for (const event of attendance) {
    if (event.purpose === Purpose.CLOCK_IN) {
      if (open !== undefined) dayOf(open).missingClockOut = true;
      open = event.at;
    } else if (event.purpose === Purpose.CLOCK_OUT && open !== undefined) {
      dayOf(open).ms += event.at - open;
      open = undefined;
    }
  }
  if (open !== undefined && open !== currentShift) dayOf(open).missingClockOut = true;
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
    .map(([day, { ms, missingClockOut }]) => ({ day: day, minutes: Math.floor(ms / 60_000), missingClockOut: missingClockOut }));
}

/**
 * What the holder's card at this merchant shows; undefined when there is no such merchant. A
 * holder without a tap there yet sees an empty card (the page after a URL someone else used).
 * A worker's days are calendar days in `timeZone` (an IANA name; the shop's, so that a morning
 * shift in Seoul is not counted to the day before, as in UTC).
 */
export async function cardView(store: Store, holderId: string, merchantId: string, now: number, timeZone = "UTC"): Promise<CardView | undefined> {
  const merchant = await store.getMerchant(merchantId);
  if (merchant === undefined) return undefined;
  const program = (await store.getLoyaltyProgram(merchantId)) ?? { merchantId: merchantId, ...DEFAULT_LOYALTY_PROGRAM };
  const stamps = await store.cardTotal(holderId, merchantId, Purpose.STAMP);
  const linked = await store.findLinkedWorker(holderId, merchantId);
  let worker: CardView["worker"];
  if (linked !== undefined) {
    const since = openShift(linked, now);
    const dayOf = shopDay(timeZone);
    // Every day shown, and one longest shift earlier: whether the oldest day's first shift was clocked out.
    const days = workDays(await store.listAttendance(linked.id, now - ATTENDANCE_DAYS * DAY_MS - MAX_SHIFT_MS), since, dayOf);
    const shown = new Set(Array.from({ length: ATTENDANCE_DAYS }, (_, i) => dayOf(now - i * DAY_MS)));
    worker = { workerId: linked.id, name: linked.name, clockedIn: since !== undefined, since: since, days: days.filter((day) => shown.has(day.day)) };
  }
  const states = { usable: 0, used: 1, expired: 1 } as const;
  const vouchers = (await store.vouchers.listCardVouchers(holderId, merchantId, CARD_VOUCHERS))
    .map((voucher) => ({ ...voucher, state: voucherState(voucher, now) }))
    .sort((a, b) => states[a.state] - states[b.state]);
  const request = await store.vouchers.findRedemptionRequest(holderId, merchantId, now);
  const requested = request && vouchers.find((voucher) => voucher.id === request.voucherId && voucher.state === "usable");
  return {
    merchantId: merchant.id,
    merchantName: merchant.name,
    kind: linked === undefined ? "customer" : "worker",
    stamps: stamps,
    stampsPerReward: program.stampsPerReward,
    rewardLabel: program.rewardLabel,
    rewardsReady: vouchers.filter((voucher) => voucher.kind === "reward" && voucher.state === "usable").length,
    nextRewardIn: program.stampsPerReward - (stamps % program.stampsPerReward),
    vouchers: vouchers,
    redeeming: requested === undefined || request === undefined ? undefined : { voucherId: requested.id, expiresAt: request.expiresAt },
    recent: await store.listCardEvents(holderId, merchantId, RECENT_TAPS),
    worker: worker,
  };
}
