import { generateKeyPairSync, KeyObject, randomBytes, sign } from "node:crypto";
import { fromHex, toHex } from "../../shared/hex";
import { isPurpose, Purpose } from "../../shared/protocol-constants";
import { tapSignedMessage } from "../../shared/signed-message";
import { encodeTapResponse } from "../../shared/tap-response";
import { AuditEntry, AuditFields, auditEntryHash, nextAuditEntry } from "../../host/ledger/audit-chain";
import { GENESIS } from "../../host/ledger/chain-hash";
import { ledgerEventHashV2, StoredEvent } from "../../host/ledger/ledger-event-hash";

/** A software stamp like test/support/test-world.ts TestStamp: a node:crypto key signing tap messages. */
export class LedgerStamp {
  readonly publicKey: Uint8Array;
  readonly id: string;
  readonly privateKey: KeyObject;
  counter = 0;

  constructor() {
    const pair = generateKeyPairSync("ed25519");
    const spki = pair.publicKey.export({ format: "der", type: "spki" });
    this.publicKey = new Uint8Array(spki.subarray(spki.length - 32));
    this.id = toHex(this.publicKey.subarray(0, 8));
    this.privateKey = pair.privateKey;
  }
}

export const VERIFIER_ID = "0102030405060708";

export interface TapColumns {
  verifierId: string;
  nonce: string;
  challengeIssuedAt: number;
  purpose: Purpose;
  quantity: number;
  counter: number;
  flags: number;
}

function bytes(hex: string): Uint8Array {
  const decoded = fromHex(hex);
  if (!decoded.ok) throw new Error(decoded.error);
  return decoded.value;
}

/** The hex tap response `signer` gives for these columns, claiming to be stamp `stampId`. */
export function signedResponse(signer: KeyObject, stampId: string, tap: TapColumns): string {
  if (!isPurpose(tap.purpose)) throw new Error(`purpose ${tap.purpose} is unknown`);
  const challenge = { verifierId: bytes(tap.verifierId), issuedAt: tap.challengeIssuedAt, nonce: bytes(tap.nonce), purpose: tap.purpose, quantity: tap.quantity };
  const stampIdBytes = bytes(stampId);
  const signature = new Uint8Array(sign(null, tapSignedMessage(challenge, stampIdBytes, tap.counter, tap.flags), signer));
  return toHex(encodeTapResponse({ stampId: stampIdBytes, nonce: challenge.nonce, counter: tap.counter, flags: tap.flags, signature }));
}

const START_MS = Date.UTC(2025, 0, 1);

/** The next genuine tap of `stamp`, unchained (sequence and hashes are set by chainEvents). */
export function genuineTap(stamp: LedgerStamp, index: number): StoredEvent {
  const acceptedAt = START_MS + index * 60_000;
  const tap: TapColumns = {
    verifierId: VERIFIER_ID,
    nonce: toHex(randomBytes(16)),
    challengeIssuedAt: Math.floor(acceptedAt / 1000) - 2,
    purpose: Purpose.STAMP,
    quantity: 1,
    counter: ++stamp.counter,
    flags: 1,
  };
  return {
    sequence: 0,
    stampId: stamp.id,
    counter: tap.counter,
    verifierId: tap.verifierId,
    shopId: "gangnam",
    merchantId: "bean-bros",
    purpose: tap.purpose,
    quantity: tap.quantity,
    nonce: tap.nonce,
    challengeIssuedAt: tap.challengeIssuedAt,
    acceptedAt,
    response: signedResponse(stamp.privateKey, stamp.id, tap),
    transport: "station",
    origin: "",
    cardId: "",
    receipt: undefined,
    previousHash: "",
    hash: "",
  };
}

/** Numbers the events from 1 and links and hashes them: what an attacker who rebuilds the chain does. */
export function chainEvents(events: readonly StoredEvent[]): StoredEvent[] {
  const chained: StoredEvent[] = [];
  let previousHash = GENESIS;
  events.forEach((event, index) => {
    const unhashed = { ...event, sequence: index + 1, previousHash };
    const hash = ledgerEventHashV2(unhashed);
    chained.push({ ...unhashed, hash });
    previousHash = hash;
  });
  return chained;
}

/** A genuine ledger of `count` taps by `stamps` in turn. */
export function genuineLedger(count: number, stamps: readonly LedgerStamp[]): StoredEvent[] {
  return chainEvents(Array.from({ length: count }, (_, index) => genuineTap(stamps[index % stamps.length], index)));
}

/** Changes one event and rebuilds the chain from it: every hash and link is right again. */
export function alterAndRechain(events: readonly StoredEvent[], sequence: number, change: Partial<StoredEvent>): StoredEvent[] {
  return chainEvents(events.map((event) => (event.sequence === sequence ? { ...event, ...change } : event)));
}

export function auditFields(index: number): AuditFields {
  return {
    at: START_MS + index * 1000,
    actor: index % 2 === 0 ? "system" : "a1b2c3d4e5f60718",
    merchantId: "bean-bros",
    action: index % 2 === 0 ? "stamp.counter" : "stamp.quarantine",
    subject: "00112233445566778899",
    detail: JSON.stringify({ index }),
  };
}

export function genuineAudit(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let index = 0; index < count; index++) entries.push(nextAuditEntry(entries[entries.length - 1], auditFields(index)));
  return entries;
}

export function rechainAudit(entries: readonly AuditEntry[]): AuditEntry[] {
  const chained: AuditEntry[] = [];
  let previousHash = GENESIS;
  entries.forEach((entry, index) => {
    const unhashed = { ...entry, sequence: index + 1, previousHash };
    const hash = auditEntryHash(unhashed);
    chained.push({ ...unhashed, hash });
    previousHash = hash;
  });
  return chained;
}

/** The registry's key lookup over these stamps. */
export function keysOf(stamps: readonly LedgerStamp[]): (stampId: string) => Promise<Uint8Array | undefined> {
  const byId = new Map(stamps.map((stamp) => [stamp.id, stamp.publicKey]));
  return async (stampId) => byId.get(stampId);
}

/** Yields the items one by one, asynchronously, like a store reading pages. */
export async function* streamed<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}
