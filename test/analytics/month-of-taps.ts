/**
 * A generated month of taps with a fixed seed, made through the real flows (phone URLs opened
 * through openPhoneTap, station taps through submitTap): customers who come often, rarely or
 * stop coming, two shops, and two workers whose shifts include forgotten clock-outs and one
 * shift open now. Every accepted tap is recorded here as it happened, for the tests' own
 * independent answers.
 */
import { Purpose } from "../../shared/protocol-constants";
import { setLoyaltyProgram } from "../../host/core/phone/loyalty";
import { newHolder } from "../../host/core/phone/cards";
import { openPhoneTap } from "../../host/core/phone/phone-tap";
import { acceptWorkerInvitation, addWorker, inviteWorker } from "../../host/core/phone/workers";
import { BASE_URL, phoneTokenText } from "../host/phone-fixture";
import { createTestWorld, EnrolledStation, must, TestStamp, TestWorld } from "../support/test-world";
import { StoreKind } from "../support/test-stores";

const HOUR = 3_600_000;
const MINUTE = 60_000;
export const MONTH_DAYS = 30;
export const STAMPS_PER_PRESS = 2;

/** One accepted tap, as the generator saw it happen. */
export interface RecordedTap {
  at: number;
  shopId: string;
  purpose: Purpose;
  quantity: number;
  /** The holder whose phone opened the URL; null for a station tap. */
  cardId: string | null;
  /** The worker whose phone it was, for clock taps. */
  workerId: string | null;
}

export interface MonthOfTaps {
  world: TestWorld;
  taps: RecordedTap[];
  workers: { id: string; name: string }[];
  /** The instant the month ends and the reports are asked at. */
  now: number;
  start: number;
}

/** mulberry32: a small seeded generator, the same sequence on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Planned = { at: number; kind: "phone"; holderId: string; shop: "gangnam" | "hongdae" } | { at: number; kind: "station"; shop: "gangnam" | "hongdae" };

export async function generateMonth(kind: StoreKind, seed = 12): Promise<MonthOfTaps> {
  const random = seeded(seed);
  const world = await createTestWorld(kind);
  const hongdaeStamp = new TestStamp();
  await world.register(hongdaeStamp, ["hongdae"], "stamp-2");
  const stampOf = { gangnam: world.stamp, hongdae: hongdaeStamp };
  const stationOf: Record<"gangnam" | "hongdae", EnrolledStation> = { gangnam: world.gangnamStation, hongdae: world.hongdaeStation };
  must(await setLoyaltyProgram(world.store, world.owner, "bean-bros", { stampsPerReward: 10, stampsPerPress: STAMPS_PER_PRESS, rewardLabel: "a free coffee" }, Date.now()));

  // The month: the 30 days before now, on whole minutes so that no two taps share an instant by accident.
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;
  const start = now - MONTH_DAYS * 24 * HOUR;
  const plan: Planned[] = [];
  const customers = 24;
  for (let c = 0; c < customers; c++) {
    const { holderId } = await newHolder(world.store, start);
    // Regulars, occasional ones, and some who stop coming after the first half of the month.
    const visits = c % 3 === 0 ? 10 + Math.floor(random() * 8) : 2 + Math.floor(random() * 5);
    const lastDay = c % 4 === 1 ? 12 : MONTH_DAYS - 1;
    for (let v = 0; v < visits; v++) {
      const at = start + Math.floor(random() * (lastDay + 1)) * 24 * HOUR + (1 + Math.floor(random() * 22)) * HOUR + Math.floor(random() * 59) * MINUTE;
      plan.push({ at: at, kind: "phone", holderId: holderId, shop: random() < 0.6 ? "gangnam" : "hongdae" });
    }
  }
  for (let s = 0; s < 25; s++) plan.push({ at: start + Math.floor(random() * (MONTH_DAYS * 24 - 2)) * HOUR + 30 * MINUTE + s, kind: "station", shop: random() < 0.5 ? "gangnam" : "hongdae" });

  // Workers: a day shift most days; some clock-outs forgotten; the first worker's last shift is open now.
  const workers: { id: string; name: string; holderId: string }[] = [];
  for (const name of ["Minji", "Joon"]) {
    const worker = must(await addWorker(world.store, world.owner, { merchantId: "bean-bros", name: name }, start));
    const { holderId } = await newHolder(world.store, start);
    const { code } = must(await inviteWorker(world.store, world.owner, worker.id, start));
    must(await acceptWorkerInvitation(world.store, { code: code, holderId: holderId, now: start }));
    workers.push({ id: worker.id, name: name, holderId: holderId });
  }
  workers.forEach((worker, w) => {
    for (let day = 1; day < MONTH_DAYS - 1; day += 1 + w) {
      const clockIn = start + day * 24 * HOUR + (2 + Math.floor(random() * 6)) * HOUR + w * MINUTE;
      plan.push({ at: clockIn, kind: "phone", holderId: worker.holderId, shop: w === 0 ? "gangnam" : "hongdae" });
      // About one shift in seven has no clock-out: the next press, a day later, clocks in again.
      if (random() < 0.85) plan.push({ at: clockIn + (4 + Math.floor(random() * 5)) * HOUR + Math.floor(random() * 59) * MINUTE + 17_000, kind: "phone", holderId: worker.holderId, shop: "gangnam" });
    }
  });
  plan.push({ at: now - HOUR, kind: "phone", holderId: workers[0].holderId, shop: "gangnam" });

  const taps: RecordedTap[] = [];
  const workerOf = new Map(workers.map((worker) => [worker.holderId, worker.id]));
  plan.sort((a, b) => a.at - b.at);
  for (const step of plan) {
    if (step.kind === "station") {
      const station = stationOf[step.shop];
      const stamp = stampOf[step.shop];
      const verdict = await world.submit(station, stamp.answer(await world.challengeFor(station, step.at)), step.at);
      if (verdict.reason !== "ACCEPTED") throw new Error(`a generated station tap was refused: ${verdict.reason}`);
      taps.push({ at: step.at, shopId: step.shop, purpose: Purpose.STAMP, quantity: 1, cardId: null, workerId: null });
      continue;
    }
    const opened = await openPhoneTap(world.store, { baseUrl: BASE_URL, tokenText: phoneTokenText(stampOf[step.shop]), holderId: step.holderId, now: step.at });
    if (opened.verdict.reason !== "ACCEPTED" || opened.purpose === undefined || opened.quantity === undefined) throw new Error(`a generated phone tap was refused: ${opened.verdict.reason}`);
    taps.push({ at: step.at, shopId: step.shop, purpose: opened.purpose, quantity: opened.quantity, cardId: step.holderId, workerId: workerOf.get(step.holderId) ?? null });
  }
  return { world: world, taps: taps, workers: workers.map((worker) => ({ id: worker.id, name: worker.name })), now: now, start: start };
}
