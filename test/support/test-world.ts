import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeChallenge } from "../../shared/challenge";
import { toHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { tapSignedMessage } from "../../shared/signed-message";
import { encodeTapResponse } from "../../shared/tap-response";
import { issueChallenge } from "../../host/core/challenge-service";
import { addMerchant, addShop, addVerifier, registerStamp } from "../../host/core/registry";
import { SqliteStore } from "../../host/store/sqlite-store";

/** A software stamp for host tests: a node:crypto key that signs tap messages like the firmware. */
export class TestStamp {
  readonly publicKey: Uint8Array;
  readonly id: string;
  private readonly privateKey;
  counter = 0;

  constructor() {
    const pair = generateKeyPairSync("ed25519");
    const spki = pair.publicKey.export({ format: "der", type: "spki" });
    this.publicKey = new Uint8Array(spki.subarray(spki.length - 32));
    this.id = toHex(this.publicKey.subarray(0, 8));
    this.privateKey = pair.privateKey;
  }

  /** The 94-byte tap response to a 32-byte challenge, with the next (or a chosen) counter. */
  answer(challengeBytes: Uint8Array, options: { counter?: number; flags?: number } = {}): Uint8Array {
    const challenge = decodeChallenge(challengeBytes);
    if (!challenge.ok) throw new Error(challenge.error.detail);
    const counter = options.counter ?? ++this.counter;
    const flags = options.flags ?? 1;
    const stampId = this.publicKey.subarray(0, 8);
    const signature = sign(null, tapSignedMessage(challenge.value, stampId, counter, flags), this.privateKey);
    return encodeTapResponse({ stampId, nonce: challenge.value.nonce, counter, flags, signature: new Uint8Array(signature) });
  }
}

/** A real SQLite file in a fresh directory with one merchant, two shops and a verifier in each. */
export async function createTestWorld() {
  const dbPath = join(mkdtempSync(join(tmpdir(), "stamp-test-")), "stamp.db");
  const store = new SqliteStore(dbPath);
  const must = <T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };
  must(await addMerchant(store, { id: "bean-bros", name: "Bean Bros" }));
  must(await addShop(store, { id: "gangnam", merchantId: "bean-bros", name: "Gangnam" }));
  must(await addShop(store, { id: "hongdae", merchantId: "bean-bros", name: "Hongdae" }));
  const gangnam = must(await addVerifier(store, { shopId: "gangnam", label: "G1", requirePresence: true }));
  const hongdae = must(await addVerifier(store, { shopId: "hongdae", label: "H1", requirePresence: true }));
  const stamp = new TestStamp();
  must(await registerStamp(store, { publicKeyHex: toHex(stamp.publicKey), label: "stamp-1", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [] }, Date.now()));
  const challengeFor = async (verifierId: string, now = Date.now()) => {
    const issued = await issueChallenge(store, { verifierId, purpose: Purpose.STAMP, quantity: 1, ttlMs: 30_000 }, now);
    if (!issued.ok) throw new Error(issued.error);
    return issued.value.bytes;
  };
  return { dbPath, store, gangnam, hongdae, stamp, challengeFor, must };
}
