/**
 * Two host processes (two stores on one database) take the uploads of a clone's two offline taps
 * at the same moment: one counter, two challenges, two stations. Exactly one is credited and the
 * other proves the fork, whichever wins, on both stores: the store's late-counter commit holds
 * only while its signature is the one kept for that counter.
 */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { encodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { Principal } from "../../host/core/access/principal";
import { syncOfflineTaps } from "../../host/core/offline/offline-sync";
import { Store } from "../../host/store/store";
import { describeEachStore } from "../support/test-stores";
import { GANGNAM_VERIFIER, HONGDAE_VERIFIER, NET_TIMEOUT, registerStamp, seed, Seeded, startApi, TestApi } from "../http/api-harness";
import { newTestStamp, signTapHex, TestStamp } from "../http/signed-tap";

const ROUNDS = 6;

function station(verifierId: string): Principal {
  return { role: "counter-station", credentialId: "race-" + verifierId, merchantId: "bean-bros", verifierId: verifierId };
}

/** A tap the station of `verifierId` judged offline: its own challenge, the stamp's reply with `counter`. */
function offlineEvent(stamp: TestStamp, verifierId: string, counter: number, now: number): { challenge: string; response: string } {
  const verifier = fromHex(verifierId);
  if (!verifier.ok) throw new Error(verifier.error);
  const challenge = toHex(encodeChallenge({ verifierId: verifier.value, issuedAt: Math.floor(now / 1000), nonce: new Uint8Array(randomBytes(16)), purpose: Purpose.STAMP, quantity: 1 }));
  return { challenge: challenge, response: signTapHex(stamp, challenge, counter) };
}

describeEachStore("offline uploads racing across host processes", (kind) => {
  let api: TestApi;
  let world: Seeded;
  let second: Store;
  beforeEach(async () => {
    api = await startApi(kind);
    world = await seed(api);
    second = await api.database.open();
  }, NET_TIMEOUT);
  afterEach(async () => {
    await second.close();
    await api.close();
  }, NET_TIMEOUT);

  it(
    `of a clone's two offline taps with one counter, uploaded at once through two stores, one is credited and the other quarantines the stamp (${ROUNDS} rounds)`,
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const stamp = newTestStamp();
        await registerStamp(world.beanBros.flasher, stamp, { shopIds: ["gangnam", "hongdae"] });
        const [a, b] = await Promise.all([
          syncOfflineTaps(api.store, station(GANGNAM_VERIFIER), [offlineEvent(stamp, GANGNAM_VERIFIER, 1, api.now)], api.now),
          syncOfflineTaps(second, station(HONGDAE_VERIFIER), [offlineEvent(stamp, HONGDAE_VERIFIER, 1, api.now)], api.now),
        ]);
        if (!a.ok || !b.ok) throw new Error("an upload was refused whole");
        const reasons = [a.value[0].verdict.reason, b.value[0].verdict.reason].sort();
        expect(reasons, `round ${round}`).toEqual(["ACCEPTED", "COUNTER_FORK"]);
        expect(Number(await api.database.value("SELECT COUNT(*) FROM ledger WHERE stamp_id = ?", stamp.id))).toBe(1);
        expect(await api.database.value("SELECT status FROM stamps WHERE id = ?", stamp.id)).toBe("quarantined");
        expect(Number(await api.database.value("SELECT last_counter FROM stamps WHERE id = ?", stamp.id))).toBe(1);
      }
    },
    NET_TIMEOUT,
  );
});
