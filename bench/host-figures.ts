import { verify } from "node:crypto";
import { Purpose } from "../shared/protocol-constants";
import { decodeTapResponse } from "../shared/tap-response";
import { tapSignedMessage } from "../shared/signed-message";
import { decodeChallenge } from "../shared/challenge";
import { publicKeyObject, verifyStrict } from "../host/crypto/ed25519-strict";
import { issueChallenge } from "../host/core/challenge-service";
import { submitTap } from "../host/core/tap-verifier";
import { createTestWorld } from "../test/support/test-world";

export interface HostFigures {
  strictVerifyMicros: number;
  plainVerifyMicros: number;
  tapsPerSecond: number;
  tapMillis: number;
  taps: number;
}

function microsPer(iterations: number, work: () => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) work();
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

/** Host-side costs: strict vs plain Ed25519 verification, and whole taps on SQLite (WAL, synchronous=FULL). */
export async function measureHostFigures(taps = 300): Promise<HostFigures> {
  const w = await createTestWorld();
  const challengeBytes = (await issueChallenge(w.store, { verifierId: w.gangnam.id, purpose: Purpose.STAMP, quantity: 1, ttlMs: 30_000 }, Date.now()));
  if (!challengeBytes.ok) throw new Error(challengeBytes.error);
  const response = decodeTapResponse(w.stamp.answer(challengeBytes.value.bytes));
  const challenge = decodeChallenge(challengeBytes.value.bytes);
  if (!response.ok || !challenge.ok) throw new Error("bench setup failed");
  const message = tapSignedMessage(challenge.value, response.value.stampId, response.value.counter, response.value.flags);
  const key = publicKeyObject(w.stamp.publicKey);
  const strictVerifyMicros = microsPer(500, () => verifyStrict(key, message, response.value.signature));
  const plainVerifyMicros = microsPer(500, () => verify(null, message, key, response.value.signature));

  const prepared: Uint8Array[] = [];
  for (let i = 0; i < taps; i++) prepared.push(w.stamp.answer(await w.challengeFor(w.gangnam.id)));
  const started = process.hrtime.bigint();
  for (const bytes of prepared) {
    const verdict = await submitTap(w.store, w.gangnam.id, bytes, Date.now());
    if (!verdict.accepted) throw new Error(`bench tap rejected: ${verdict.reason}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await w.store.close();
  return { strictVerifyMicros, plainVerifyMicros, tapsPerSecond: taps / seconds, tapMillis: (seconds * 1000) / taps, taps };
}
