/**
 * Offline counter stations end to end, on both stores: a real host on a port, stopped so the
 * station's requests meet a refused connection, then a new host process on the same database;
 * stations sign every request with their own keys and keep their queue in their own SQLite file.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { runStationTap } from "../../host/core/counter-station";
import { checkLedgerEvidence } from "../../host/core/ledger-evidence";
import { isHostUnreachable } from "../../host/client/offline-tap-service";
import { describeEachStore } from "../support/test-stores";
import { call, GANGNAM_NO_BUTTON, GANGNAM_VERIFIER, NET_TIMEOUT, registerStamp } from "../http/api-harness";
import { newTestStamp } from "../http/signed-tap";
import { OfflineWorld, startOfflineWorld, TestDevice } from "./offline-harness";

const REGISTRY_TIME = "2025-05-01 09:30 UTC";

describeEachStore("offline counter stations", (kind) => {
  let w: OfflineWorld;
  beforeEach(async () => {
    w = await startOfflineWorld(kind);
  }, NET_TIMEOUT);
  afterEach(async () => {
    await w.close();
  }, NET_TIMEOUT);

  async function activeDevice(binding: { shopIds?: string[]; verifierIds?: string[] } = {}): Promise<TestDevice> {
    const stamp = newTestStamp();
    await registerStamp(w.world.beanBros.flasher, stamp, binding);
    return new TestDevice(stamp, 0);
  }

  async function ledgerRows(nonce: string): Promise<number> {
    return Number(await w.api.database.value("SELECT COUNT(*) FROM ledger WHERE nonce = ?", "offline:" + nonce));
  }

  async function stampRow(id: string): Promise<{ status: string; counter: number }> {
    const status = String(await w.api.database.value("SELECT status FROM stamps WHERE id = ?", id));
    return { status: status, counter: Number(await w.api.database.value("SELECT last_counter FROM stamps WHERE id = ?", id)) };
  }

  async function ledgerIntact(): Promise<boolean> {
    const checked = await checkLedgerEvidence(w.store(), { role: "operator", credentialId: "test" }, { keptCheckpoints: [], hostPublicKey: undefined });
    if (!checked.ok) throw new Error(checked.error.message);
    if (!checked.value.intact) throw new Error(JSON.stringify(checked.value.problems));
    return checked.value.intact;
  }

  it(
    "accepts a genuine stamp while the host is down, shows the registry's age, queues it, and credits it exactly once after the host is back, even when the upload is repeated",
    async () => {
      const device = await activeDevice();
      const gangnam = w.station(w.world.beanBros.gangnamStation, "gangnam");
      const kiosk = w.station(w.world.beanBros.kioskStation, "kiosk");
      const synced = await gangnam.service.sync();
      expect(synced.registryAsOf).toBe(w.api.now);
      expect((await runStationTap(gangnam.service, device.press)).verdict).toMatchObject({ reason: "ACCEPTED", counter: 1 });

      await w.stopHost();
      w.api.now += 60_000;
      const offline = await runStationTap(gangnam.service, device.press);
      expect(offline.verdict).toMatchObject({ accepted: true, reason: "ACCEPTED", counter: 2, offlineRegistryAsOf: synced.registryAsOf });
      expect(offline.verdict.message).toContain(`offline · registry as of ${REGISTRY_TIME}`);
      expect(gangnam.queue.count()).toBe(1);
      await expect(gangnam.service.sync()).rejects.toSatisfy(isHostUnreachable);
      expect(gangnam.queue.count()).toBe(1);

      await w.restartHost();
      // Meanwhile another counter of the shop, online, takes the stamp further: the offline tap arrives late, below it.
      expect((await runStationTap(kiosk.service, device.press)).verdict).toMatchObject({ reason: "ACCEPTED", counter: 3 });
      const [queued] = gangnam.queue.pending(10);
      // The first upload's answer is lost: the host recorded it, the station still holds it.
      const first = await call<{ results: { outcome: string; verdict: { reason: string } }[] }>(gangnam.client, "POST", "/v1/stations/offline-taps", { events: [{ challenge: queued.challenge, response: queued.response }] }, 200);
      expect(first.results).toMatchObject([{ outcome: "judged", verdict: { reason: "ACCEPTED" } }]);
      const again = await gangnam.service.sync();
      expect(again).toMatchObject({ uploaded: 1, refused: 0, remaining: 0 });
      expect(await ledgerRows(queued.nonce)).toBe(1);
      expect(await stampRow(device.stamp.id)).toEqual({ status: "active", counter: 3 });
      expect(Number(await w.api.database.value("SELECT COUNT(*) FROM ledger WHERE stamp_id = ?", device.stamp.id))).toBe(3);
      expect(await ledgerIntact()).toBe(true);
    },
    NET_TIMEOUT,
  );

  it(
    "a clone pressed at two offline stations is accepted at both, caught when they sync: the stamp is quarantined with an alert and refused online",
    async () => {
      const original = await activeDevice({ shopIds: ["gangnam", "hongdae"] });
      const clone = original.clone();
      const gangnam = w.station(w.world.beanBros.gangnamStation, "gangnam");
      const hongdae = w.station(w.world.beanBros.hongdaeStation, "hongdae");
      await gangnam.service.sync();
      await hongdae.service.sync();

      await w.stopHost();
      expect((await runStationTap(gangnam.service, original.press)).verdict).toMatchObject({ reason: "ACCEPTED", counter: 1 });
      expect((await runStationTap(hongdae.service, clone.press)).verdict).toMatchObject({ reason: "ACCEPTED", counter: 1 });

      await w.restartHost();
      expect(await gangnam.service.sync()).toMatchObject({ uploaded: 1, refused: 0 });
      expect(await hongdae.service.sync()).toMatchObject({ uploaded: 1, refused: 1 });
      expect(hongdae.log.join("\n")).toContain("a second device holds this key");
      expect((await stampRow(original.stamp.id)).status).toBe("quarantined");
      const alerts = await call<{ items: { kind: string; stampId: string }[] }>(w.world.beanBros.owner.client, "GET", "/v1/alerts", undefined, 200);
      expect(alerts.items.filter((alert) => alert.stampId === original.stamp.id).map((alert) => alert.kind)).toContain("CLONE_PROVEN");
      expect((await runStationTap(gangnam.service, original.press)).verdict.reason).toBe("STAMP_QUARANTINED");
      expect(await ledgerIntact()).toBe(true);
    },
    NET_TIMEOUT,
  );

  it(
    "a stamp revoked after the station's last sync is accepted offline (the trade-off), then refused at sync with an alert and never credited",
    async () => {
      const device = await activeDevice();
      const gangnam = w.station(w.world.beanBros.gangnamStation, "gangnam");
      await gangnam.service.sync();
      await call(w.world.beanBros.owner.client, "POST", `/v1/stamps/${device.stamp.id}/revoke`, undefined, 200);

      await w.stopHost();
      const offline = await runStationTap(gangnam.service, device.press);
      expect(offline.verdict).toMatchObject({ accepted: true, reason: "ACCEPTED" });
      const [queued] = gangnam.queue.pending(10);

      await w.restartHost();
      expect(await gangnam.service.sync()).toMatchObject({ uploaded: 1, refused: 1, remaining: 0 });
      expect(gangnam.log.join("\n")).toContain("is revoked");
      expect(await ledgerRows(queued.nonce)).toBe(0);
      const alerts = await call<{ items: { kind: string; stampId: string; detail: string }[] }>(w.world.beanBros.owner.client, "GET", "/v1/alerts", undefined, 200);
      const revoked = alerts.items.find((alert) => alert.stampId === device.stamp.id && alert.kind === "REVOKED_STAMP_USED");
      expect(revoked?.detail).toContain("offline at Bean Bros Gangnam");
      // The refreshed copy knows now: the same stamp is refused offline from here on.
      await w.stopHost();
      expect((await runStationTap(gangnam.service, device.press)).verdict.reason).toBe("STAMP_REVOKED");
    },
    NET_TIMEOUT,
  );

  it(
    "refuses offline, and queues nothing for, an unknown stamp, a forged signature and a counter replayed at the same station",
    async () => {
      const device = await activeDevice();
      const stranger = new TestDevice(newTestStamp(), 0);
      const forger = new TestDevice({ ...device.stamp, privateKey: newTestStamp().privateKey }, 5);
      const gangnam = w.station(w.world.beanBros.gangnamStation, "gangnam");
      await gangnam.service.sync();
      const replayer = device.clone();

      await w.stopHost();
      expect((await runStationTap(gangnam.service, stranger.press)).verdict.reason).toBe("UNKNOWN_STAMP");
      expect((await runStationTap(gangnam.service, forger.press)).verdict.reason).toBe("BAD_SIGNATURE");
      expect((await runStationTap(gangnam.service, device.press)).verdict.reason).toBe("ACCEPTED");
      // The same counter again (a clone's, or a replay) at this station: it saw that counter already.
      expect((await runStationTap(gangnam.service, replayer.press)).verdict.reason).toBe("COUNTER_REGRESSION");
      // The very reply bytes sent again answer a challenge this station never made.
      let previous: Uint8Array | undefined;
      const recorder = async (challenge: Uint8Array) => (previous = await device.press(challenge));
      expect((await runStationTap(gangnam.service, recorder)).verdict.reason).toBe("ACCEPTED");
      expect((await runStationTap(gangnam.service, async () => previous ?? new Uint8Array())).verdict.reason).toBe("UNKNOWN_CHALLENGE");
      expect(gangnam.queue.count()).toBe(2);
      expect(gangnam.queue.seenCounter(device.stamp.id)).toBe(2);
    },
    NET_TIMEOUT,
  );

  it(
    "copies only the stamps that may be pressed at the station's own verifier, page by page",
    async () => {
      const here = await activeDevice({ shopIds: ["gangnam"] });
      const both = await activeDevice({ shopIds: ["gangnam", "hongdae"] });
      const elsewhere = await activeDevice({ shopIds: ["hongdae"] });
      const otherCounter = await activeDevice({ shopIds: ["gangnam"], verifierIds: [GANGNAM_NO_BUTTON] });
      const gangnam = w.station(w.world.beanBros.gangnamStation, "gangnam");
      const seen: string[] = [];
      let after = "";
      for (let pages = 0; pages < 10; pages++) {
        const page = await call<{ stamps: { id: string; status: string }[]; next: string | null; verifier: { id: string } }>(gangnam.client, "GET", `/v1/stations/registry?limit=1${after}`, undefined, 200);
        expect(page.verifier.id).toBe(GANGNAM_VERIFIER);
        seen.push(...page.stamps.map((stamp) => stamp.id));
        if (page.next === null) break;
        after = `&after=${page.next}`;
      }
      expect(seen.sort()).toEqual([here.stamp.id, both.stamp.id].sort());
      expect(seen).not.toContain(elsewhere.stamp.id);
      expect(seen).not.toContain(otherCounter.stamp.id);
    },
    NET_TIMEOUT,
  );

  it(
    "refuses malformed uploads with 400 and writes nothing; another verifier's events are refused, and a person's token may not upload",
    async () => {
      const device = await activeDevice({ shopIds: ["gangnam", "hongdae"] });
      const gangnam = w.station(w.world.beanBros.gangnamStation, "gangnam");
      const hongdae = w.station(w.world.beanBros.hongdaeStation, "hongdae");
      await gangnam.service.sync();
      await w.stopHost();
      expect((await runStationTap(gangnam.service, device.press)).verdict.reason).toBe("ACCEPTED");
      const [queued] = gangnam.queue.pending(10);
      await w.restartHost();

      const before = await w.api.database.dump(new Set(["request_nonces"]));
      const good = { challenge: queued.challenge, response: queued.response };
      const otherNonce = queued.challenge.slice(0, 26) + (queued.challenge[26] === "0" ? "1" : "0") + queued.challenge.slice(27);
      const malformed: object[] = [
        {},
        { events: [] },
        { events: [{ challenge: "zz".repeat(32), response: queued.response }] },
        { events: [{ challenge: "09" + queued.challenge.slice(2), response: queued.response }] },
        { events: [good, { challenge: otherNonce, response: queued.response }] },
        { events: Array.from({ length: 41 }, () => good) },
        { events: [{ ...good, extra: 1 }] },
      ];
      for (const body of malformed) {
        const answer = await gangnam.client.request("POST", "/v1/stations/offline-taps", body);
        expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      }
      const foreign = await call<{ results: { outcome: string; verdict: { reason: string } }[] }>(hongdae.client, "POST", "/v1/stations/offline-taps", { events: [good] }, 200);
      expect(foreign.results).toMatchObject([{ outcome: "judged", verdict: { reason: "WRONG_VERIFIER" } }]);
      expect((await w.world.beanBros.owner.client.request("POST", "/v1/stations/offline-taps", { events: [good] })).status).toBe(403);
      expect((await w.world.beanBros.owner.client.request("GET", "/v1/stations/registry")).status).toBe(403);
      expect(await w.api.database.dump(new Set(["request_nonces"]))).toBe(before);
    },
    NET_TIMEOUT,
  );
});
