/**
 * Partitioning by merchant, exercised (docs/scale.md, "Beyond one database server"): one real
 * PostgreSQL server holds two shard databases, each a whole database with the store's own
 * schema and its own host (the server `stamp serve` builds); a merchant is created on the shard
 * host/store/merchant-placement.ts names, and its people and stations talk only to that shard.
 * A third database holds both merchants, as today, for contrast.
 *
 * (a) every tap rule holds on each shard by itself: a tap accepted and the same response replayed
 *     refused, a clone (two devices, one key) caught and quarantined, a revocation effective at
 *     the next tap; and the other shard holds no row naming that merchant, its stamps or verifiers;
 * (b) the shards are independent where one database is not: with shard 1's ledger chain lock held
 *     by another transaction, a tap on shard 2 is accepted while a tap on shard 1 waits for it
 *     (and is accepted once it is released); on the one database, both merchants' taps wait,
 *     even when each merchant's counter talks to a host of its own (its own server, store and pool);
 * (c) the price: a stamp of a merchant on shard 1 pressed at a counter of a merchant on shard 2
 *     is an unknown stamp there, and its own merchant hears nothing (on the one database it gets a
 *     STAMP_OUTSIDE_SHOP alert and the counter is spent);
 * (d) each shard's evidence (POST /v1/ledger/check, as `stamp ledger check` calls it, with
 *     checkpoints signed by that shard's own host key) is intact on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { placeMerchant } from "../../host/store/merchant-placement";
import { call, NET_TIMEOUT, Station } from "../http/api-harness";
import {
  findPostgresBinaries,
  PostgresServer,
  POSTGRES_INIT_TIMEOUT_MS,
  POSTGRES_START_TIMEOUT_MS,
  POSTGRES_STOP_AND_CLEAN_TIMEOUT_MS,
  startPostgresServer,
} from "../support/postgres-server";
import { openStore } from "../../host/store/open-store";
import { addPlacedMerchant, answerAt, PlacedMerchant, newMerchantStamp, sendTap, tapAt, VerdictJson } from "./placed-merchant";
import { HeldLock, shardDatabase } from "./shard-database";
import { Host, ShardHost, startHost, startShardHost } from "./shard-host";

const SHARDS = ["shard-1", "shard-2"] as const;
/** Creating three databases, their hosts and two merchants on each through the API, on a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = POSTGRES_INIT_TIMEOUT_MS + POSTGRES_START_TIMEOUT_MS + 2 * NET_TIMEOUT;
/** A tap that waits for a held lock gets to it within this (it is a few HTTP and SQL round trips). */
const LOCK_WAIT_SEEN_TIMEOUT_MS = 10_000;
/** Each test: a few dozen API calls. */
const TEST_TIMEOUT_MS = 2 * NET_TIMEOUT;

/** The first of `merchant-0001`, `merchant-0002`, … that the placement puts on `shard`: so each shard gets one merchant, by the placement itself. */
function merchantPlacedOn(shard: string): string {
  for (let i = 1; ; i++) {
    // Equal length, so that no id is part of another: the tests look for ids in the rows as text.
    const id = `merchant-${String(i).padStart(4, "0")}`;
    if (placeMerchant(id, SHARDS) === shard) return id;
  }
}

interface Cluster {
  server: PostgresServer;
  shards: Map<string, ShardHost>;
  /** Both merchants on one database, as a single-database deployment has them. */
  one: ShardHost;
  /** A second host on the one database, as a deployment scaled out to more hosts has. */
  oneSecond: Host;
  /** Merchant a on shard-1, b on shard-2 (by the placement), and each also on the one database. */
  a: PlacedMerchant;
  b: PlacedMerchant;
  oneA: PlacedMerchant;
  oneB: PlacedMerchant;
}

let cluster: Cluster | undefined;

function running(): Cluster {
  if (cluster === undefined) throw new Error("the cluster did not start");
  return cluster;
}

async function startCluster(): Promise<Cluster> {
  const server = await startPostgresServer();
  const started: Host[] = [];
  const startedHost = <T extends Host>(host: T): T => {
    started.push(host);
    return host;
  };
  try {
    // A template with the store's tables, made as on any new database; each shard is a copy.
    const template = await server.createDatabase();
    await (await openStore(template)).close();
    const templateName = new URL(template).pathname.slice(1);
    const shards = new Map<string, ShardHost>();
    for (const shard of SHARDS) shards.set(shard, startedHost(await startShardHost(shard, shardDatabase(await server.createDatabase(templateName)))));
    const oneDatabase = shardDatabase(await server.createDatabase(templateName));
    const one = startedHost(await startShardHost("one", oneDatabase));
    const oneSecond = startedHost(await startHost("one", oneDatabase));
    const hostOf = (merchantId: string): ShardHost => {
      const host = shards.get(placeMerchant(merchantId, SHARDS));
      if (host === undefined) throw new Error(`no host for ${merchantId}`);
      return host;
    };
    const aId = merchantPlacedOn("shard-1");
    const bId = merchantPlacedOn("shard-2");
    return {
      server: server,
      shards: shards,
      one: one,
      oneSecond: oneSecond,
      a: await addPlacedMerchant(hostOf(aId), aId),
      b: await addPlacedMerchant(hostOf(bId), bId),
      oneA: await addPlacedMerchant(one, aId),
      oneB: await addPlacedMerchant(one, bId),
    };
  } catch (error) {
    for (const host of started) await host.api.close();
    await server.stop();
    throw error;
  }
}

async function alertsOf(world: PlacedMerchant, stampId: string): Promise<string[]> {
  const page = await call<{ items: { kind: string; stampId: string }[] }>(world.owner.client, "GET", "/v1/alerts?limit=1000", undefined, 200);
  return page.items.filter((alert) => alert.stampId === stampId).map((alert) => alert.kind);
}

async function stampOf(world: PlacedMerchant, stampId: string): Promise<{ status: string; lastCounter: number }> {
  return call(world.owner.client, "GET", `/v1/stamps/${stampId}`, undefined, 200);
}

/** A tap sent now whose verdict is awaited later, and whether it has come yet. */
function pending(verdict: Promise<VerdictJson>): { verdict: Promise<VerdictJson>; settled: () => boolean } {
  const state = { settled: false };
  const tracked = verdict.finally(() => (state.settled = true));
  // Observed later; a rejection here must not count as unhandled before then.
  tracked.catch(() => undefined);
  return { verdict: tracked, settled: () => state.settled };
}

/** Waits until `count` sessions wait for a lock on the held lock's database; fails early if a watched tap got its verdict instead. */
async function untilWaiting(lock: HeldLock, count: number, taps: { settled: () => boolean; verdict: Promise<VerdictJson> }[]): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_SEEN_TIMEOUT_MS;
  // Each look is a round trip to PostgreSQL: that paces the loop, and it ends on what it waits for.
  while ((await lock.waiting()) < count) {
    for (const tap of taps) if (tap.settled()) throw new Error(`a tap got its verdict without waiting for the lock: ${JSON.stringify(await tap.verdict)}`);
    if (Date.now() > deadline) throw new Error(`timed out (${LOCK_WAIT_SEEN_TIMEOUT_MS} ms) waiting for ${count} taps to wait for the ledger lock`);
  }
}

/** The shard a world is on, and the other one. */
function shardsOf(world: PlacedMerchant): { own: ShardHost; other: ShardHost } {
  const all = [...running().shards.values()];
  const own = all.find((host) => host === world.host);
  const other = all.find((host) => host !== world.host);
  if (own === undefined || other === undefined) throw new Error(`${world.merchantId} is on no shard`);
  return { own: own, other: other };
}

const found = findPostgresBinaries();
const describeWithPostgres = "missing" in found ? describe.skip : describe;
if ("missing" in found) console.warn(`\n!!! SKIPPED: merchants on shard databases — ${found.missing} !!!\n`);

describeWithPostgres("merchants partitioned over two shard databases of one PostgreSQL server", () => {
  beforeAll(async () => {
    cluster = await startCluster();
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    const stopping = cluster;
    cluster = undefined;
    if (stopping === undefined) return;
    for (const host of [...stopping.shards.values(), stopping.one, stopping.oneSecond]) await host.api.close();
    await stopping.server.stop();
  }, POSTGRES_STOP_AND_CLEAN_TIMEOUT_MS);

  it("places each merchant on the shard the placement names, and nowhere else", async () => {
    const { a, b, shards } = running();
    expect(a.host).toBe(shards.get("shard-1"));
    expect(b.host).toBe(shards.get("shard-2"));
    for (const world of [a, b]) {
      const { own, other } = shardsOf(world);
      expect(await own.database.value("SELECT string_agg(id, ',') FROM merchants")).toBe(world.merchantId);
      expect(await other.database.value("SELECT count(*) FROM merchants WHERE id = ?", world.merchantId)).toBe(0);
    }
  }, TEST_TIMEOUT_MS);

  it("(a) keeps every tap rule on each shard with nothing from the other: single use, clones, revocation", async () => {
    const { a, b } = running();
    for (const world of [a, b]) {
      const [first, second] = world.counters;
      const stamps = [];

      // A tap accepted; the same response again refused.
      const stamp = await newMerchantStamp(world);
      stamps.push(stamp);
      const response = await answerAt(first, stamp, 1);
      expect(await sendTap(first, response)).toMatchObject({ accepted: true, reason: "ACCEPTED", stampId: stamp.id, counter: 1 });
      expect(await sendTap(first, response)).toMatchObject({ accepted: false, reason: "CHALLENGE_REUSED" });

      // Two devices with one key, each answering its own counter's challenge with the same counter, at once.
      const cloned = await newMerchantStamp(world);
      stamps.push(cloned);
      const answers = await Promise.all([answerAt(first, cloned, 5), answerAt(second, cloned, 5)]);
      const reasons = (await Promise.all([sendTap(first, answers[0]), sendTap(second, answers[1])])).map((verdict) => verdict.reason);
      expect(reasons.sort()).toEqual(["ACCEPTED", "COUNTER_FORK"]);
      expect(await stampOf(world, cloned.id)).toMatchObject({ status: "quarantined", lastCounter: 5 });
      expect(await alertsOf(world, cloned.id)).toEqual(["CLONE_PROVEN"]);
      expect(await tapAt(first, cloned, 6)).toMatchObject({ accepted: false, reason: "STAMP_QUARANTINED" });

      // A revocation, effective at the very next tap.
      const revoked = await newMerchantStamp(world);
      stamps.push(revoked);
      expect(await tapAt(first, revoked, 1)).toMatchObject({ accepted: true });
      await call(world.owner.client, "POST", `/v1/stamps/${revoked.id}/revoke`, undefined, 200);
      expect(await tapAt(second, revoked, 2)).toMatchObject({ accepted: false, reason: "STAMP_REVOKED" });

      // All of it is on the merchant's own shard; not one row of the other names the merchant,
      // its stamps or its verifiers (every table, every column, as text).
      const { own, other } = shardsOf(world);
      const names = [world.merchantId, ...world.verifierIds, ...stamps.map((each) => each.id)];
      const ownRows = await own.database.dump();
      const otherRows = await other.database.dump();
      for (const name of names) {
        expect(ownRows, `${name} on its own shard`).toContain(name);
        expect(otherRows, `${name} on the other shard`).not.toContain(name);
      }
      expect(await own.database.value("SELECT count(*) FROM ledger WHERE merchant_id = ?", world.merchantId)).toBe(3);
    }
  }, TEST_TIMEOUT_MS);

  it("(b) lets shard 2 accept taps while shard 1's ledger chain is locked; on one database both merchants wait", async () => {
    const { a, b, one, oneSecond, oneA, oneB } = running();
    const [shard1, shard2] = [a.host, b.host];
    const stampA = await newMerchantStamp(a);
    const stampB = await newMerchantStamp(b);
    // Answers made before the lock is taken: while it is held, only the taps themselves are sent
    // (a tap waits for the lock at most the store's lock timeout, 2 s, then gets 503).
    const answerA = await answerAt(a.counters[0], stampA, 1);
    const answerB = await answerAt(b.counters[0], stampB, 1);

    const lock = await shard1.database.holdLedgerLock();
    let tapA: ReturnType<typeof pending> | undefined;
    try {
      tapA = pending(sendTap(a.counters[0], answerA));
      await untilWaiting(lock, 1, [tapA]);
      // Shard 2 has a chain of its own: its tap does not wait for shard 1's lock.
      const started = Date.now();
      expect(await sendTap(b.counters[0], answerB)).toMatchObject({ accepted: true, stampId: stampB.id });
      const shard2Ms = Date.now() - started;
      // Shard 1's tap is still waiting for the lock, after shard 2's tap has been accepted.
      expect(tapA.settled()).toBe(false);
      expect(await lock.waiting()).toBe(1);
      console.log(`shard 2 accepted a tap in ${shard2Ms} ms while shard 1's ledger chain was locked`);
    } finally {
      await lock.release();
    }
    expect(await tapA.verdict).toMatchObject({ accepted: true, stampId: stampA.id });
    expect(await shard2.database.value("SELECT count(*) FROM ledger WHERE stamp_id = ?", stampB.id)).toBe(1);

    // The same on one database, even with each merchant's counter talking to a host of its own:
    // one chain for both merchants, so both taps wait for the lock (each host's transaction is
    // seen waiting in PostgreSQL).
    const oneStampA = await newMerchantStamp(oneA);
    const oneStampB = await newMerchantStamp(oneB);
    const oneAnswerA = await answerAt(oneA.counters[0], oneStampA, 1);
    const oneAnswerB = await answerAt(oneB.counters[0], oneStampB, 1);
    const counterB = oneB.counters[0];
    const counterBOnSecondHost: Station = { ...counterB, client: oneSecond.api.client({ kind: "station", keyId: counterB.keyId, privateKey: counterB.privateKey }) };
    const oneLock = await one.database.holdLedgerLock();
    let both: ReturnType<typeof pending>[] = [];
    try {
      both = [pending(sendTap(oneA.counters[0], oneAnswerA)), pending(sendTap(counterBOnSecondHost, oneAnswerB))];
      await untilWaiting(oneLock, 2, both);
      expect(both.map((tap) => tap.settled())).toEqual([false, false]);
    } finally {
      await oneLock.release();
    }
    expect((await Promise.all(both.map((tap) => tap.verdict))).map((verdict) => verdict.reason)).toEqual(["ACCEPTED", "ACCEPTED"]);
  }, TEST_TIMEOUT_MS);

  it("(c) costs the cross-merchant alert: a stamp pressed at another shard's merchant is unknown there, and its merchant hears nothing", async () => {
    const { a, b, oneA, oneB } = running();
    const stamp = await newMerchantStamp(a);
    expect(await tapAt(b.counters[0], stamp, 3)).toMatchObject({ accepted: false, reason: "UNKNOWN_STAMP" });
    expect(await alertsOf(a, stamp.id)).toEqual([]);
    expect(await stampOf(a, stamp.id)).toMatchObject({ status: "active", lastCounter: 0 });

    // On one database the host knows the stamp: its merchant is alerted and the counter is spent,
    // while the other merchant's station still learns nothing.
    const oneStamp = await newMerchantStamp(oneA);
    expect(await tapAt(oneB.counters[0], oneStamp, 3)).toMatchObject({ accepted: false, reason: "UNKNOWN_STAMP" });
    expect(await alertsOf(oneA, oneStamp.id)).toEqual(["STAMP_OUTSIDE_SHOP"]);
    expect(await stampOf(oneA, oneStamp.id)).toMatchObject({ status: "active", lastCounter: 3 });
  }, TEST_TIMEOUT_MS);

  it("(d) finds each shard's evidence intact on its own: both chains, every tap's signature re-verified, its own signed checkpoints", async () => {
    const { shards, one } = running();
    const hostKeys = new Set<string>();
    for (const host of [...shards.values(), one]) {
      const events = Number(await host.database.value("SELECT count(*) FROM ledger"));
      expect(events, `${host.shard} has taps`).toBeGreaterThan(0);
      // Checkpoints signed with this shard's host key, kept outside its database as `stamp ledger checkpoint` does, and sent back to the check.
      const checkpoints = (await call<{ items: unknown[] }>(host.operator.client, "POST", "/v1/ledger/checkpoints", undefined, 201)).items;
      expect(checkpoints, `${host.shard}: one checkpoint for each chain`).toHaveLength(2);
      const report = await call<{ hostKeyId: string; checkpointsChecked: number }>(host.operator.client, "POST", "/v1/ledger/check", { checkpoints: checkpoints }, 200);
      expect(report, host.shard).toMatchObject({ intact: true, ledgerEvents: events, problems: [] });
      expect(report.checkpointsChecked, host.shard).toBeGreaterThanOrEqual(2);
      hostKeys.add(report.hostKeyId);
    }
    expect(hostKeys.size, "each database has a host key of its own").toBe(3);
  }, TEST_TIMEOUT_MS);
});
