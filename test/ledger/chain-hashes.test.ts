import { describe, expect, it } from "vitest";
import { Purpose } from "../../shared/protocol-constants";
import { AUDIT_HASH_TAG, auditEntryHash, GENESIS, nextAuditEntry } from "../../host/ledger/audit-chain";
import { chainedHash } from "../../host/ledger/chain-hash";
import { LEDGER_HASH_TAG, ledgerEventHashV2, StoredEvent } from "../../host/ledger/ledger-event-hash";
import { auditFields } from "./evidence-fixture";

const event: Omit<StoredEvent, "hash"> = {
  sequence: 1,
  stampId: "00112233445566aa",
  counter: 7,
  verifierId: "0102030405060708",
  shopId: "gangnam",
  merchantId: "bean-bros",
  purpose: Purpose.STAMP,
  quantity: 1,
  nonce: "ff".repeat(16),
  challengeIssuedAt: 1_735_689_600,
  acceptedAt: 1_735_689_601_234,
  response: "01" + "00".repeat(93),
  transport: "station",
  origin: "",
  cardId: "",
  receipt: undefined,
  previousHash: GENESIS,
};

const phoneEvent: Omit<StoredEvent, "hash"> = {
  ...event,
  verifierId: "",
  nonce: "url:" + "ab".repeat(64),
  challengeIssuedAt: 0,
  response: "01" + "00".repeat(77),
  transport: "phone",
  origin: "https://stamp.example",
  cardId: "0123456789abcdef0123456789abcdef",
  receipt: undefined,
};

describe("ledgerEventHashV2", () => {
  it("covers every field, the challenge time included", () => {
    const base = ledgerEventHashV2(event);
    const changes: Partial<StoredEvent>[] = [
      { sequence: 2 }, { stampId: "00112233445566ab" }, { counter: 8 }, { verifierId: "0102030405060709" }, { shopId: "hongdae" },
      { merchantId: "other" }, { purpose: Purpose.REDEEM }, { quantity: 2 }, { nonce: "fe".repeat(16) }, { challengeIssuedAt: 1_735_689_601 },
      { acceptedAt: 1_735_689_601_235 }, { response: "01" + "00".repeat(92) + "01" }, { previousHash: "1".repeat(64) },
    ];
    const hashes = changes.map((change) => ledgerEventHashV2({ ...event, ...change }));
    expect(new Set([base, ...hashes]).size).toBe(changes.length + 1);
  });

  it("covers a phone tap's transport, origin and card too, and a station tap moved to either field changes its hash", () => {
    const changes: Partial<StoredEvent>[] = [{ transport: "station" }, { origin: "https://evil.example" }, { origin: "" }, { cardId: "f".repeat(32) }, { cardId: "" }, { counter: 8 }];
    const hashes = changes.map((change) => ledgerEventHashV2({ ...phoneEvent, ...change }));
    expect(new Set([ledgerEventHashV2(phoneEvent), ...hashes]).size).toBe(changes.length + 1);
    const stationChanges: Partial<StoredEvent>[] = [{ transport: "phone" }, { origin: "https://stamp.example" }, { cardId: "0" }];
    const stationHashes = stationChanges.map((change) => ledgerEventHashV2({ ...event, ...change }));
    expect(new Set([ledgerEventHashV2(event), ...stationHashes]).size).toBe(stationChanges.length + 1);
  });

  it("covers a receipt's order, amount and currency, on a station tap with or without a card", () => {
    const receipt = { orderRef: "A-1001", amount: 4500, currency: "KRW" };
    const withReceipt = { ...event, receipt: receipt };
    const changes: Partial<StoredEvent>[] = [
      { receipt: undefined },
      { receipt: { ...receipt, orderRef: "A-1002" } },
      { receipt: { ...receipt, amount: 4501 } },
      { receipt: { ...receipt, currency: "USD" } },
      { cardId: "f".repeat(32) },
      { counter: 8 },
    ];
    const hashes = changes.map((change) => ledgerEventHashV2({ ...withReceipt, ...change }));
    expect(new Set([ledgerEventHashV2(withReceipt), ...hashes]).size).toBe(changes.length + 1);
    // The station form without a receipt is exactly the hash written before receipts existed.
    expect(ledgerEventHashV2({ ...withReceipt, receipt: undefined })).toBe(ledgerEventHashV2(event));
  });

  it("is the documented rule: the chained hash under the ledger's own domain tag", () => {
    const { sequence, stampId, counter, verifierId, shopId, merchantId, purpose, quantity, nonce, challengeIssuedAt, acceptedAt, response } = event;
    expect(ledgerEventHashV2(event)).toBe(
      chainedHash(LEDGER_HASH_TAG, GENESIS, [sequence, stampId, counter, verifierId, shopId, merchantId, purpose, quantity, nonce, challengeIssuedAt, acceptedAt, response]),
    );
  });

  it("is, for a phone tap, the same rule with transport, origin and card appended", () => {
    const { sequence, stampId, counter, verifierId, shopId, merchantId, purpose, quantity, nonce, challengeIssuedAt, acceptedAt, response, transport, origin, cardId } = phoneEvent;
    expect(ledgerEventHashV2(phoneEvent)).toBe(
      chainedHash(LEDGER_HASH_TAG, GENESIS, [sequence, stampId, counter, verifierId, shopId, merchantId, purpose, quantity, nonce, challengeIssuedAt, acceptedAt, response, transport, origin, cardId]),
    );
  });
});

describe("the audit chain", () => {
  it("links each entry to the one before, from the genesis hash", () => {
    const first = nextAuditEntry(undefined, auditFields(0));
    const second = nextAuditEntry(first, auditFields(1));
    expect(first).toMatchObject({ sequence: 1, previousHash: GENESIS });
    expect(second).toMatchObject({ sequence: 2, previousHash: first.hash });
    const { hash, ...unhashed } = second;
    expect(auditEntryHash(unhashed)).toBe(hash);
  });

  it("keeps field boundaries: moving text from one field to the next changes the hash", () => {
    const entry = { ...nextAuditEntry(undefined, auditFields(0)), actor: "ab", subject: "c" };
    expect(auditEntryHash({ ...entry, actor: "a", subject: "bc" })).not.toBe(auditEntryHash(entry));
    expect(auditEntryHash({ ...entry, merchantId: null })).not.toBe(auditEntryHash({ ...entry, merchantId: "null" }));
  });

  it("is domain-separated from the ledger: the same fields under the other tag hash differently", () => {
    const { sequence, at, actor, merchantId, action, subject, detail, previousHash } = nextAuditEntry(undefined, auditFields(0));
    const fields = [sequence, at, actor, merchantId, action, subject, detail];
    expect(auditEntryHash({ sequence, at, actor, merchantId, action, subject, detail, previousHash })).toBe(chainedHash(AUDIT_HASH_TAG, previousHash, fields));
    expect(chainedHash(LEDGER_HASH_TAG, previousHash, fields)).not.toBe(chainedHash(AUDIT_HASH_TAG, previousHash, fields));
  });
});
