/**
 * The host's sync decision on one offline tap, pure: the bounds on the station's claimed time,
 * the verifier's own configuration, a late counter credited without lowering the stamp's, and
 * the same challenge seen twice (online and uploaded) taken as one tap, never as a fork.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { decodeOfflineEvents } from "../../host/core/offline/offline-event";
import { decideOfflineTap, MAX_OFFLINE_AGE_MS, MAX_STATION_CLOCK_AHEAD_MS, OfflineTapContext } from "../../host/core/offline/offline-tap-decision";
import { Shop, StampRecord, Verifier } from "../../host/core/model";
import { newTestStamp, signTapHex, TestStamp } from "../http/signed-tap";

const NOW = Date.UTC(2025, 4, 8, 12, 0, 0);
const VERIFIER: Verifier = { id: "1000000000000001", shopId: "gangnam", label: "front", requirePresence: true, purpose: Purpose.STAMP, quantity: 1 };
const SHOP: Shop = { id: "gangnam", merchantId: "bean-bros", name: "Bean Bros Gangnam" };

function record(stamp: TestStamp, lastCounter: number): StampRecord {
  return { id: stamp.id, publicKey: stamp.publicKey, label: "s1", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [], status: "active", lastCounter: lastCounter, registeredAt: 0, firmwareHash: undefined };
}

function context(stamp: TestStamp, options: { at?: number; counter?: number; lastCounter?: number; quantity?: number; nonce?: Uint8Array } = {}): OfflineTapContext {
  const verifierId = fromHex(VERIFIER.id);
  if (!verifierId.ok) throw new Error(verifierId.error);
  const nonce = options.nonce ?? new Uint8Array(randomBytes(16));
  const challenge = toHex(encodeChallenge({ verifierId: verifierId.value, issuedAt: Math.floor((options.at ?? NOW) / 1000), nonce: nonce, purpose: Purpose.STAMP, quantity: options.quantity ?? 1 }));
  const events = decodeOfflineEvents([{ challenge: challenge, response: signTapHex(stamp, challenge, options.counter ?? 5) }]);
  if (!events.ok) throw new Error(events.error.detail);
  return { verifier: VERIFIER, shop: SHOP, event: events.value[0], stamp: record(stamp, options.lastCounter ?? 0), sameCounter: [], now: NOW };
}

describe("the host's decision on an uploaded offline tap", () => {
  const stamp = newTestStamp();

  it("credits a tap whose counter lies below the stamp's (online taps went on meanwhile) without lowering it, dated by its signed challenge", () => {
    const decision = decideOfflineTap(context(stamp, { counter: 5, lastCounter: 9, at: NOW - 3_600_000 }));
    expect(decision.verdict.reason).toBe("ACCEPTED");
    if (decision.effect.kind !== "commit") throw new Error("no commit");
    expect(decision.effect.changes).toMatchObject({ raiseCounterTo: undefined, lateCounter: 5, ledger: { counter: 5, acceptedAt: Math.floor((NOW - 3_600_000) / 1000) * 1000 } });
    expect(decision.effect.changes.ledger?.nonce).toMatch(/^offline:[0-9a-f]{32}$/);
  });

  it("writes nothing for a tap older than the offline bound, dated ahead of the host's clock, or worth more than the verifier's configuration", () => {
    const old = decideOfflineTap(context(stamp, { at: NOW - MAX_OFFLINE_AGE_MS - 60_000 }));
    const ahead = decideOfflineTap(context(stamp, { at: NOW + MAX_STATION_CLOCK_AHEAD_MS + 60_000 }));
    const richer = decideOfflineTap(context(stamp, { quantity: 5 }));
    expect([old, ahead, richer].map((d) => [d.verdict.reason, d.effect.kind])).toEqual([
      ["CHALLENGE_EXPIRED", "nothing"],
      ["CHALLENGE_EXPIRED", "nothing"],
      ["UNKNOWN_CHALLENGE", "nothing"],
    ]);
  });

  it("takes the same challenge kept before, online or offline, as one tap already recorded, and another challenge with the counter as a fork", () => {
    const nonce = new Uint8Array(randomBytes(16));
    const base = context(stamp, { nonce: nonce });
    const kept = { stampId: stamp.id, counter: 5, verifierId: VERIFIER.id, challengeIssuedAt: 0, purpose: Purpose.STAMP, quantity: 1, response: "", at: NOW };
    for (const evidence of [toHex(nonce), "offline:" + toHex(nonce)]) {
      expect(decideOfflineTap({ ...base, sameCounter: [{ ...kept, nonce: evidence }] })).toMatchObject({ outcome: "already-recorded", effect: { kind: "nothing" } });
    }
    const fork = decideOfflineTap({ ...base, sameCounter: [{ ...kept, nonce: toHex(new Uint8Array(randomBytes(16))) }] });
    expect(fork.verdict.reason).toBe("COUNTER_FORK");
    expect(fork.effect).toMatchObject({ kind: "commit", changes: { quarantine: true, alert: { kind: "CLONE_PROVEN" }, ledger: undefined } });
  });
});
