/**
 * A counter station's own judgement of a tap while the host is unreachable: pure, over its copy
 * of the registry and the counters it has already seen. The same rules as the host's decideTap,
 * in the same order, as far as a copy allows: the challenge is this station's own, unexpired and
 * unused; the signature verifies strictly under the copied key; the stamp was active as of the
 * copy; its counter is above the copy's and above every counter this station accepted; place and
 * presence as the core applies them. What it cannot know (a revocation after the copy, the same
 * counter spent at another offline station) is caught when it syncs (offline-tap-decision.ts).
 */
import { toHex } from "../../../shared/hex";
import { FLAG_USER_PRESENT } from "../../../shared/protocol-constants";
import { Reason } from "../../../shared/reason-codes";
import { tapSignedMessage } from "../../../shared/signed-message";
import { TapResponse } from "../../../shared/tap-response";
import { publicKeyObject, verifyStrict } from "../../crypto/ed25519-strict";
import { wireChallenge } from "../challenge-issuer";
import { IssuedChallenge, Verifier } from "../model";
import { isAtPlace } from "../tap-decision";
import { verdict, Verdict } from "../verdict";
import { SnapshotStamp } from "./registry-snapshot";

/** The station's copy, as kept in its local file. */
export interface LocalRegistry {
  asOf: number;
  verifier: Verifier;
  shopName: string;
  stamps: ReadonlyMap<string, SnapshotStamp>;
}

export interface LocalTapContext {
  registry: LocalRegistry;
  /** The challenge this station made for the tap; undefined when the reply names none of its open ones. */
  challenge: IssuedChallenge | undefined;
  response: TapResponse;
  /** The highest counter this station accepted for the stamp since its copy (0: none). */
  seenCounter: number;
  now: number;
}

/** What the counter's screen shows beside an offline verdict: "offline · registry as of 2025-05-01 09:30 UTC". */
export function registryAgeText(asOf: number): string {
  return `offline · registry as of ${new Date(asOf).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function offline(registry: LocalRegistry, code: Reason, message: string, details: Partial<Verdict> = {}): Verdict {
  return verdict(code, `${message} (${registryAgeText(registry.asOf)})`, { ...details, offlineRegistryAsOf: registry.asOf });
}

/** Whether the station may queue the tap: only one it accepted is ever uploaded. */
export function decideLocally(context: LocalTapContext): Verdict {
  const { registry, challenge, response, now } = context;
  if (challenge === undefined) return offline(registry, Reason.UNKNOWN_CHALLENGE, "no such challenge was made here");
  if (challenge.usedAt !== undefined) return offline(registry, Reason.CHALLENGE_REUSED, "this challenge was already used: replay refused");
  if (now > challenge.expiresAt) return offline(registry, Reason.CHALLENGE_EXPIRED, "the challenge expired");
  const stampId = toHex(response.stampId);
  const stamp = registry.stamps.get(stampId);
  if (stamp === undefined) return offline(registry, Reason.UNKNOWN_STAMP, `stamp ${stampId} is not in this counter's registry copy`);
  const details = { stampId: stamp.id, stampLabel: stamp.label, counter: response.counter, shopId: registry.verifier.shopId };
  const message = tapSignedMessage(wireChallenge(challenge), response.stampId, response.counter, response.flags);
  if (!verifyStrict(publicKeyObject(stamp.publicKey), message, response.signature)) {
    return offline(registry, Reason.BAD_SIGNATURE, "the signature does not verify: forged or corrupted", details);
  }
  if (stamp.status === "revoked") return offline(registry, Reason.STAMP_REVOKED, `stamp ${stamp.label} is revoked`, details);
  if (stamp.status === "quarantined") return offline(registry, Reason.STAMP_QUARANTINED, `stamp ${stamp.label} is quarantined (suspected clone)`, details);
  const highest = Math.max(stamp.lastCounter, context.seenCounter);
  if (response.counter <= highest) {
    return offline(registry, Reason.COUNTER_REGRESSION, `counter ${response.counter} is not above ${highest}: a replayed or relayed reply, refused`, details);
  }
  if (!isAtPlace(stamp, registry.verifier)) return offline(registry, Reason.OUTSIDE_SHOP, `stamp ${stamp.label} belongs elsewhere: used at ${registry.shopName}`, details);
  if (registry.verifier.requirePresence && (response.flags & FLAG_USER_PRESENT) === 0) {
    return offline(registry, Reason.PRESENCE_REQUIRED, "press the stamp: this counter needs the button", details);
  }
  return offline(registry, Reason.ACCEPTED, `accepted: ${stamp.label} at ${registry.shopName}`, details);
}
