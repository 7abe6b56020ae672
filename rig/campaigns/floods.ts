import { randomBytes } from "node:crypto";
import { ApiClient } from "../../host/client/api-client";
import { MAX_OPEN_CHALLENGES } from "../../host/core/challenge-service";
import { DEFAULT_RATE_LIMITS } from "../../host/http/server";
import { TAP_RESPONSE_LENGTH } from "../../shared/protocol-constants";
import { Attempt, Budget, Campaign, CampaignOutput, Figure } from "../campaign";
import { transportFrom } from "../flood/address-transport";
import { FloodBench } from "../flood/flood-bench";
import { FloodAnswer, FloodLimits, servedBeyondLimits } from "../flood/flood-judge";
import { floodStation } from "../flood/flood-station";
import { LatencyBound, latencyBoundFor, normalLatencyBound, percentile } from "../flood/latency";
import { RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { legitimateTap } from "./legitimate-tap";

/** Requests of one flood in flight at once: enough to keep the host busy, few enough not to starve the rig itself. */
const IN_FLIGHT = 10;
/** Legitimate taps for the baseline: as many as the floods usually see, so that the two p99s compare like with like. */
const BASELINE_TAPS = 50;
/** Taps before the baseline whose times are not kept: the first requests of a fresh process pay for compiling and caches. */
const WARM_UP_TAPS = 5;
/** Growth of the resident set a flood may cause (the embedded host shares the rig's process). */
const RSS_GROWTH_BOUND = 64 * 1024 * 1024;

type Send = () => Promise<{ status: number; body: unknown }>;

function codeOf(body: unknown): string {
  const error = typeof body === "object" && body !== null && "error" in body ? (body as { error: unknown }).error : undefined;
  const code = typeof error === "object" && error !== null && "code" in error ? (error as { code: unknown }).code : undefined;
  return typeof code === "string" ? code : "";
}

/** `count` requests, IN_FLIGHT at a time, answers in the order sent. */
async function flood(count: number, send: Send): Promise<FloodAnswer[]> {
  const answers: FloodAnswer[] = [];
  for (let start = 0; start < count; start += IN_FLIGHT) {
    const batch = await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count - start) }, () => send()));
    for (const answer of batch) answers.push({ status: answer.status, code: codeOf(answer.body) });
  }
  return answers;
}

function judged(attack: string, answers: FloodAnswer[], limits: FloodLimits): Attempt[] {
  const beyond = servedBeyondLimits(answers, limits);
  return answers.map((a, i) => ({ attack: attack, legitimate: false, accepted: beyond[i], flagged: false, answer: `HTTP ${a.status}${a.code === "" ? "" : " " + a.code}` }));
}

/** Legitimate taps at the home counter, each timed from asking the challenge to the verdict. */
async function timedTaps(world: RigWorld, stamp: RigStamp, what: string, until: () => boolean, max: number): Promise<{ attempts: Attempt[]; ms: number[] }> {
  const attempts: Attempt[] = [];
  const ms: number[] = [];
  while (attempts.length < max && !until()) {
    const started = performance.now();
    attempts.push((await legitimateTap(world.home, stamp, what)).attempt);
    ms.push(performance.now() - started);
  }
  return { attempts: attempts, ms: ms };
}

interface Flooders {
  challenges: ApiClient;
  taps: ApiClient;
  anonymous: ApiClient;
  keyIds: string[];
}

async function flooders(world: RigWorld): Promise<Flooders> {
  const challenges = await floodStation(world, "127.0.0.2", "challenge flooder");
  const taps = await floodStation(world, "127.0.0.3", "tap flooder");
  const anonymous = new ApiClient(transportFrom(world.target.url, "127.0.0.4"), { kind: "none" }, world.target.clock);
  return { challenges: challenges.client, taps: taps.client, anonymous: anonymous, keyIds: [challenges.keyId, taps.keyId] };
}

/** The three floods, one after another, each from its own address (the per-address budget is not shared with the counter). */
async function floods(f: Flooders, budget: Budget): Promise<Attempt[]> {
  const extra = budget.kind === "full" ? 400 : 20;
  const perCredential = DEFAULT_RATE_LIMITS.perCredentialPerMinute;
  const junk = () => ({ response: randomBytes(TAP_RESPONSE_LENGTH).toString("hex") });
  const challengeAnswers = await flood(perCredential + extra, () => f.challenges.request("POST", "/v1/challenges"));
  const tapAnswers = await flood(perCredential + extra, () => f.taps.request("POST", "/v1/taps", junk()));
  const anonymousAnswers = await flood(DEFAULT_RATE_LIMITS.perAddressPerMinute + extra, () => f.anonymous.request("POST", "/v1/challenges"));
  return [
    ...judged("challenge flood by a station key (own address)", challengeAnswers, { perMinute: perCredential }),
    ...judged("tap flood of junk responses by a station key (own address)", tapAnswers, { perMinute: perCredential }),
    ...judged("unauthenticated challenge flood (own address)", anonymousAnswers, { perMinute: DEFAULT_RATE_LIMITS.perAddressPerMinute }),
  ];
}

function figuresOf(baseline: number[], during: number[], bench: FloodBench, before: { rows: number; rss: number }, legitimateTaps: number, latency: LatencyBound): Figure[] {
  const bound = normalLatencyBound(percentile(baseline, 99), latency);
  const p99 = percentile(during, 99);
  const rows = bench.challengeRows() - before.rows;
  const rss = bench.rssBytes() - before.rss;
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return [
    { name: "legitimate tap latency, baseline p50 / p99", value: `${percentile(baseline, 50).toFixed(1)} / ${percentile(baseline, 99).toFixed(1)} ms (${baseline.length} taps)`, ok: true },
    { name: `legitimate tap latency during the floods, p50 / p99 (bound: p99 ≤ ${latency.factor} × baseline p99 + ${latency.slackMs} ms)`, value: `${percentile(during, 50).toFixed(1)} / ${p99.toFixed(1)} ms (${during.length} taps; bound ${bound.toFixed(1)} ms)`, ok: during.length > 0 && p99 <= bound },
    // The flooding station's challenges past its share retire its oldest open ones: its rows stay at the cap.
    { name: `challenge rows added (bound: ${MAX_OPEN_CHALLENGES} open + the legitimate taps' ${legitimateTaps})`, value: String(rows), ok: rows <= MAX_OPEN_CHALLENGES + legitimateTaps },
    { name: `resident set growth of the host process (bound ${mb(RSS_GROWTH_BOUND)}; embedded: the rig's process too)`, value: mb(rss), ok: rss <= RSS_GROWTH_BOUND },
  ];
}

async function attack(world: RigWorld, budget: Budget, bench: FloodBench): Promise<CampaignOutput> {
  const stamp = await world.newStamp();
  const f = await flooders(world);
  try {
    const warmUp = await timedTaps(world, stamp, "legitimate tap before the floods (warm-up)", () => false, WARM_UP_TAPS);
    const baseline = await timedTaps(world, stamp, "legitimate tap before the floods", () => false, BASELINE_TAPS);
    const before = { rows: bench.challengeRows(), rss: bench.rssBytes() };
    const done = { floods: false };
    const flooding = floods(f, budget).finally(() => (done.floods = true));
    const during = await timedTaps(world, stamp, "legitimate tap during the floods", () => done.floods, 500);
    const attacks = await flooding;
    const legitimateTaps = baseline.attempts.length + during.attempts.length;
    return { attempts: [...warmUp.attempts, ...baseline.attempts, ...attacks, ...during.attempts], notRun: [], figures: figuresOf(baseline.ms, during.ms, bench, before, legitimateTaps, latencyBoundFor(budget.kind)) };
  } finally {
    for (const id of f.keyIds) await world.owner.request("POST", `/v1/credentials/${id}/revoke`);
    for (const client of [f.challenges, f.taps, f.anonymous]) await client.close();
  }
}

/**
 * Floods against the product's own limits (DEFAULT_RATE_LIMITS, MAX_OPEN_CHALLENGES): a station
 * key asking for challenges past its per-minute budget and its open-challenge share, a station
 * key sending junk taps past its budget, and an unauthenticated client past its address's budget,
 * each from an address of its own. Every request past a per-minute budget must be refused (429);
 * challenges past the share are served, each retiring the station's oldest open one, so the
 * challenges table must stay bounded by the share, and the host's memory bounded too; and
 * the legitimate taps at the counter in the same run must all be accepted, their p99 latency
 * within 3 × the baseline's + 50 ms in a full run (latencyBoundFor: looser in the short run).
 */
export const floodsCampaign: Campaign = {
  name: "floods",
  attacks: "HTTP API: challenge and tap floods by station keys, and an unauthenticated flood, past the rate limits and the open-challenge cap",
  async run(world, budget) {
    const bench = world.target.floodBench;
    if (bench === undefined) {
      return { attempts: [], notRun: [{ attack: "floods", why: "floods need the host's database and several client addresses; a deployment is reached by URL from one address only (its limits would refuse the rig's own legitimate taps)" }], figures: [] };
    }
    return attack(world, budget, bench);
  },
};
