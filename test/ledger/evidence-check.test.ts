import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../shared/hex";
import { Purpose } from "../../shared/protocol-constants";
import { AuditEntry } from "../../host/ledger/audit-chain";
import { ChainName, Checkpoint, signCheckpoint } from "../../host/ledger/checkpoint";
import { checkEvidence, EvidenceReport, MAX_PROBLEMS, readInPages, StoredEvent, StoredHead, storedAuditHead, storedLedgerHead } from "../../host/ledger/evidence-check";
import { createHostKeyFile, HostKey } from "../../host/ledger/host-key";
import {
  alterAndRechain,
  chainEvents,
  genuineAudit,
  genuineLedger,
  genuineTap,
  keysOf,
  LedgerStamp,
  rechainAudit,
  signedResponse,
  streamed,
} from "./evidence-fixture";

const CHECKPOINT_AT = Date.UTC(2025, 5, 1, 12, 0, 0);
const CHECKPOINT_TIME = "2025-06-01T12:00:00.000Z";

function newHostKey(): HostKey {
  const created = createHostKeyFile(join(mkdtempSync(join(tmpdir(), "stamp-host-key-")), "host-key.json"));
  if (!created.ok) throw new Error(created.error);
  return created.value;
}

const stamps = [new LedgerStamp(), new LedgerStamp()];
let host: HostKey;
let ledger: StoredEvent[];
let audit: AuditEntry[];

beforeAll(() => {
  host = newHostKey();
  ledger = genuineLedger(50, stamps);
  audit = genuineAudit(10);
});

function checkpointOf(chain: ChainName, items: readonly { sequence: number; hash: string }[], key: HostKey = host): Checkpoint {
  const head = items[items.length - 1];
  return signCheckpoint(key, { chain, count: head.sequence, headHash: head.hash, at: CHECKPOINT_AT });
}

interface CheckOptions {
  audit?: AuditEntry[];
  checkpoints?: Checkpoint[];
  hostPublicKey?: Uint8Array | undefined;
  publicKeyOf?: (stampId: string) => Promise<Uint8Array | undefined>;
}

function check(events: readonly StoredEvent[], options: CheckOptions = {}): Promise<EvidenceReport> {
  return checkEvidence({
    events: streamed(events),
    audit: streamed(options.audit ?? audit),
    publicKeyOf: options.publicKeyOf ?? keysOf(stamps),
    checkpoints: options.checkpoints ?? [],
    hostPublicKey: "hostPublicKey" in options ? options.hostPublicKey : host.publicKey,
  });
}

function problemTexts(report: EvidenceReport): string[] {
  return report.problems.map((problem) => problem.problem);
}

describe("a clean ledger and audit chain", () => {
  it("are intact, with every signature re-verified and both checkpoints matched", async () => {
    const report = await check(ledger, { checkpoints: [checkpointOf("ledger", ledger), checkpointOf("audit", audit)] });
    expect(report).toEqual({ intact: true, ledgerEvents: 50, auditEntries: 10, checkpointsChecked: 2, problems: [], problemsOmitted: 0, checkedAfter: { ledger: 0, audit: 0 } });
  });

  it("are intact when checked against an earlier checkpoint: the chain has only grown since", async () => {
    const report = await check(ledger, { checkpoints: [checkpointOf("ledger", ledger.slice(0, 20))] });
    expect(report.intact).toBe(true);
    expect(report.checkpointsChecked).toBe(1);
  });

  it("accept any iterable, not only async ones", async () => {
    const report = await checkEvidence({ events: ledger, audit, publicKeyOf: keysOf(stamps), checkpoints: [], hostPublicKey: undefined });
    expect(report.intact).toBe(true);
  });
});

describe("an altered ledger event whose chain was recomputed", () => {
  it.each([
    ["quantity", { quantity: 5 }],
    ["purpose", { purpose: Purpose.REDEEM }],
    ["verifier", { verifierId: "1111111111111111" }],
    ["challenge time", { challengeIssuedAt: 1 }],
  ])("is caught by the stamp's signature when a signed field (%s) changes", async (_name, change) => {
    const report = await check(alterAndRechain(ledger, 12, change));
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([{ chain: "ledger", sequence: 12, problem: "event 12: the stamp's signature does not verify: altered or forged" }]);
  });

  it("is caught when a column no longer matches the signed response (the counter)", async () => {
    const report = await check(alterAndRechain(ledger, 12, { counter: ledger[11].counter + 100 }));
    expect(problemTexts(report)).toEqual([`event 12: the stored response has counter ${ledger[11].counter}, the event ${ledger[11].counter + 100}: altered`]);
  });

  it("passes the chain when an unsigned field (acceptedAt) changes: only a checkpoint catches it", async () => {
    const altered = alterAndRechain(ledger, 12, { acceptedAt: ledger[11].acceptedAt + 3_600_000 });
    expect((await check(altered)).intact).toBe(true);

    const report = await check(altered, { checkpoints: [checkpointOf("ledger", ledger)] });
    expect(report.problems).toEqual([{ chain: "checkpoint", sequence: 50, problem: `rebuilt: event 50 differs from the ledger checkpoint of ${CHECKPOINT_TIME}` }]);
  });

  it("after the last checkpoint is beyond a checkpoint's reach: it only vouches for events up to its count", async () => {
    const altered = alterAndRechain(ledger, 45, { shopId: "hongdae" });
    expect((await check(altered, { checkpoints: [checkpointOf("ledger", ledger.slice(0, 40))] })).intact).toBe(true);
  });
});

describe("an altered ledger event whose chain was not recomputed", () => {
  it("fails its own hash", async () => {
    const altered = ledger.map((event) => (event.sequence === 7 ? { ...event, acceptedAt: event.acceptedAt + 1 } : event));
    expect(problemTexts(await check(altered))).toEqual(["event 7: its hash does not match its contents: the event was altered"]);
  });
});

describe("deleted events", () => {
  it("at the end leave a chain that checks alone, but a kept checkpoint finds it truncated", async () => {
    const truncated = ledger.slice(0, 42);
    expect((await check(truncated)).intact).toBe(true);
    const report = await check(truncated, { checkpoints: [checkpointOf("ledger", ledger)] });
    expect(report.problems).toEqual([
      { chain: "checkpoint", sequence: 50, problem: `truncated: the ledger checkpoint of ${CHECKPOINT_TIME} saw 50 events, the database has 42` },
    ]);
  });

  it("in the middle, without renumbering, are missing", async () => {
    const withGap = ledger.filter((event) => event.sequence < 20 || event.sequence > 23);
    expect(problemTexts(await check(withGap))).toEqual(["events 20 to 23 are missing"]);
    const oneGone = ledger.filter((event) => event.sequence !== 40);
    expect(problemTexts(await check(oneGone))).toEqual(["event 40 is missing"]);
  });

  it("in the middle, renumbered and rechained, are a rebuilt chain to a checkpoint", async () => {
    const rebuilt = chainEvents(ledger.filter((event) => event.sequence !== 30));
    expect((await check(rebuilt)).intact).toBe(true);
    const report = await check(rebuilt, { checkpoints: [checkpointOf("ledger", ledger.slice(0, 35)), checkpointOf("ledger", ledger)] });
    expect(problemTexts(report)).toEqual([
      `rebuilt: event 35 differs from the ledger checkpoint of ${CHECKPOINT_TIME}`,
      `truncated: the ledger checkpoint of ${CHECKPOINT_TIME} saw 50 events, the database has 49`,
    ]);
  });
});

describe("a rebuilt chain", () => {
  it("that replaces the whole history with other genuine-looking taps differs from the checkpoint at its head", async () => {
    const otherHistory = genuineLedger(50, [new LedgerStamp()]);
    const other = otherHistory[0].stampId;
    const report = await check(otherHistory, {
      checkpoints: [checkpointOf("ledger", ledger)],
      publicKeyOf: async (stampId) => (stampId === other ? undefined : stamps[0].publicKey),
    });
    expect(report.problems[0]).toEqual({ chain: "checkpoint", sequence: 50, problem: `rebuilt: event 50 differs from the ledger checkpoint of ${CHECKPOINT_TIME}` });
  });
});

describe("added events", () => {
  it("with a made-up signature fail signature verification", async () => {
    const tap = genuineTap(stamps[0], 60);
    const forged = { ...tap, response: tap.response.slice(0, -128) + toHex(randomBytes(32)) + "00".repeat(32) };
    const report = await check(chainEvents([...ledger, forged]));
    expect(report.problems).toEqual([{ chain: "ledger", sequence: 51, problem: "event 51: the stamp's signature does not verify: altered or forged" }]);
  });

  it("signed with another key under the stamp's id fail signature verification", async () => {
    const tap = genuineTap(stamps[0], 60);
    const impostor = generateKeyPairSync("ed25519").privateKey;
    const response = signedResponse(impostor, stamps[0].id, { ...tap, flags: 1 });
    const report = await check(chainEvents([...ledger, { ...tap, response }]));
    expect(problemTexts(report)).toEqual(["event 51: the stamp's signature does not verify: altered or forged"]);
  });

  it("copied from a genuine tap are refused: a stamp's counter must rise", async () => {
    const copy = { ...ledger[9] };
    const last = lastEventOf(copy.stampId);
    const report = await check(chainEvents([...ledger, copy]));
    expect(problemTexts(report)).toEqual([`event 51: stamp ${copy.stampId}'s counter ${copy.counter} is not above its counter ${last.counter} at event ${last.sequence}: a copied or reordered tap`]);
  });

  it("from a stamp that is not registered cannot be checked", async () => {
    const stranger = new LedgerStamp();
    const report = await check(chainEvents([...ledger, genuineTap(stranger, 60)]));
    expect(problemTexts(report)).toEqual([`event 51: stamp ${stranger.id} is not registered, so its signature cannot be checked`]);
  });

  it("under a key swapped into the registry are caught: a stamp's id is the start of its key", async () => {
    const attacker = new LedgerStamp();
    const tap = genuineTap(attacker, 60);
    const claimed = { ...tap, stampId: stamps[0].id, response: signedResponse(attacker.privateKey, stamps[0].id, { ...tap, counter: 10_000, flags: 1 }), counter: 10_000 };
    const report = await check(chainEvents([...ledger, claimed]), {
      publicKeyOf: async (stampId) => (stampId === stamps[0].id ? attacker.publicKey : stamps[1].publicKey),
    });
    expect(problemTexts(report)[0]).toBe(`event 1: the registered key of stamp ${stamps[0].id} does not begin with the stamp's id: the registry was altered`);
  });

  it("with a response that does not decode are reported, not thrown", async () => {
    const broken = chainEvents([...ledger, { ...genuineTap(stamps[0], 60), response: "zz" }, { ...genuineTap(stamps[0], 61), response: "02" + "00".repeat(93) }]);
    expect(problemTexts(await check(broken))).toEqual([
      "event 51: its stored response is not hex: hex string has a non-hex character near position 0",
      "event 52: its stored response does not decode: tap response version 2 is not supported",
    ]);
  });
});

function lastEventOf(stampId: string): StoredEvent {
  const own = ledger.filter((event) => event.stampId === stampId);
  return own[own.length - 1];
}

describe("checkpoints", () => {
  it("signed by another key are forged, and not used", async () => {
    const stranger = newHostKey();
    const report = await check(ledger.slice(0, 10), { checkpoints: [checkpointOf("ledger", ledger, stranger)] });
    expect(report.checkpointsChecked).toBe(0);
    expect(report.problems).toEqual([
      {
        chain: "checkpoint",
        sequence: 50,
        problem: `checkpoint forged: the checkpoint of ${CHECKPOINT_TIME} (ledger, 50 events) names host key ${stranger.id}, not this host's key ${host.id}`,
      },
    ]);
  });

  it("edited after signing (count lowered to hide a truncation) are forged", async () => {
    const edited = { ...checkpointOf("ledger", ledger), count: 42, headHash: ledger[41].hash };
    const report = await check(ledger.slice(0, 42), { checkpoints: [edited] });
    expect(problemTexts(report)).toEqual([`checkpoint forged: the checkpoint of ${CHECKPOINT_TIME} (ledger, 42 events) does not verify with host key ${host.id}`]);
  });

  it("cannot be trusted without the host key", async () => {
    const report = await check(ledger, { checkpoints: [checkpointOf("ledger", ledger)], hostPublicKey: undefined });
    expect(problemTexts(report)).toEqual(["no host key: the 1 kept checkpoints cannot be verified"]);
  });

  it("of an empty chain name the genesis hash", async () => {
    const empty = signCheckpoint(host, { chain: "audit", count: 0, headHash: "0".repeat(64), at: CHECKPOINT_AT });
    expect((await check(ledger, { audit: [], checkpoints: [empty] })).intact).toBe(true);
  });
});

describe("the audit chain", () => {
  it("finds an entry altered in place by its hash", async () => {
    const altered = audit.map((entry) => (entry.sequence === 4 ? { ...entry, detail: '{"counter":1}' } : entry));
    expect((await check(ledger, { audit: altered })).problems).toEqual([
      { chain: "audit", sequence: 4, problem: "audit entry 4: its hash does not match its contents: the audit entry was altered" },
    ]);
  });

  it("finds an entry altered and rechained only through a checkpoint", async () => {
    const altered = rechainAudit(audit.map((entry) => (entry.sequence === 4 ? { ...entry, action: "stamp.reinstate" } : entry)));
    expect((await check(ledger, { audit: altered })).intact).toBe(true);
    expect(problemTexts(await check(ledger, { audit: altered, checkpoints: [checkpointOf("audit", audit)] }))).toEqual([
      `rebuilt: audit entry 10 differs from the audit checkpoint of ${CHECKPOINT_TIME}`,
    ]);
  });

  it("finds deleted entries: missing in the middle, truncated at the end", async () => {
    const gap = audit.filter((entry) => entry.sequence !== 3);
    expect(problemTexts(await check(ledger, { audit: gap }))).toEqual(["audit entry 3 is missing"]);
    expect(problemTexts(await check(ledger, { audit: audit.slice(0, 6), checkpoints: [checkpointOf("audit", audit)] }))).toEqual([
      `truncated: the audit checkpoint of ${CHECKPOINT_TIME} saw 10 audit entries, the database has 6`,
    ]);
  });

  it("finds entries that do not link", async () => {
    const swapped = [audit[0], { ...audit[1], previousHash: audit[1].hash }, ...audit.slice(2)];
    const texts = problemTexts(await check(ledger, { audit: swapped }));
    expect(texts).toContain("audit entry 2 does not link to the audit entry before it: the chain was cut or reordered");
  });
});

describe("the report", () => {
  it(`lists at most ${MAX_PROBLEMS} problems, checkpoint problems first, and counts the rest`, async () => {
    const damaged = chainEvents(ledger.map((event) => ({ ...event, quantity: 2 })));
    const report = await check(damaged, { checkpoints: [checkpointOf("ledger", ledger)] });
    expect(report.problems).toHaveLength(MAX_PROBLEMS);
    expect(report.problems[0].chain).toBe("checkpoint");
    expect(report.problemsOmitted).toBe(51 - MAX_PROBLEMS);
  });
});

describe("streaming", () => {
  it("yields to the event loop while checking 20,000 events", { timeout: 120_000 }, async () => {
    const many = genuineLedger(20_000, stamps);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const report = await checkEvidence({ events: streamed(many), audit: streamed(audit), publicKeyOf: keysOf(stamps), checkpoints: [checkpointOf("ledger", many)], hostPublicKey: host.publicKey });
      expect(report.intact).toBe(true);
      expect(report.ledgerEvents).toBe(20_000);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(5);
  });

  it("lets no timer run when told never to yield: the ticks above come from yielding", { timeout: 60_000 }, async () => {
    const some = genuineLedger(2_000, stamps);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await checkEvidence({ events: streamed(some), audit: [], publicKeyOf: keysOf(stamps), checkpoints: [], hostPublicKey: undefined, yieldEvery: 1e9 });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBe(0);
  });

  it("reads a chain page by page until a short page", async () => {
    const pages: number[] = [];
    const readPage = async (from: number, limit: number) => {
      pages.push(from);
      return ledger.filter((event) => event.sequence >= from).slice(0, limit);
    };
    const report = await checkEvidence({ events: readInPages(readPage, 16), audit: [], publicKeyOf: keysOf(stamps), checkpoints: [], hostPublicKey: undefined });
    expect(report.ledgerEvents).toBe(50);
    expect(pages).toEqual([1, 17, 33, 49]);
  });
});

describe("an incremental check from the newest trusted checkpoints", () => {
  /** The chains from their checkpoints on, as the store gives them to an incremental check. */
  function checkSince(events: readonly StoredEvent[], ledgerAt: number, auditAt: number, checkpoints: Checkpoint[]): Promise<EvidenceReport> {
    const start = (items: readonly { sequence: number; hash: string }[], count: number) => ({ count: count, headHash: items[count - 1].hash });
    const stored = new Map<string, StoredHead>([...events.map((e) => [`ledger ${e.sequence}`, storedLedgerHead(e)] as const), ...audit.map((a) => [`audit ${a.sequence}`, storedAuditHead(a)] as const)]);
    return checkEvidence({
      events: streamed(events.filter((e) => e.sequence > ledgerAt)),
      audit: streamed(audit.filter((a) => a.sequence > auditAt)),
      publicKeyOf: keysOf(stamps),
      checkpoints: checkpoints,
      hostPublicKey: host.publicKey,
      start: { ledger: start(ledger, ledgerAt), audit: start(audit, auditAt), storedEntry: async (chain, sequence) => stored.get(`${chain} ${sequence}`) },
    });
  }
  const checkpoints = () => [checkpointOf("ledger", ledger.slice(0, 20)), checkpointOf("ledger", ledger.slice(0, 40)), checkpointOf("audit", audit.slice(0, 6))];

  it("re-verifies only what came after, and says where it began", async () => {
    const report = await checkSince(ledger, 40, 6, checkpoints());
    expect(report).toEqual({ intact: true, ledgerEvents: 50, auditEntries: 10, checkpointsChecked: 3, problems: [], problemsOmitted: 0, checkedAfter: { ledger: 40, audit: 6 } });
  });

  it("catches an event after the checkpoint altered, and a chain rebuilt below it (its checkpoints compared with the stored entries)", async () => {
    const lateForged = ledger.map((e) => (e.sequence === 45 ? { ...e, counter: e.counter + 1 } : e));
    expect(problemTexts(await checkSince(lateForged, 40, 6, checkpoints())).join(" ")).toMatch(/event 45/);
    // Rebuilt below the start: event 30 changed and every hash after it recomputed. The walk
    // starts from the checkpoint's head hash, which the rebuilt event 41 no longer links to, and
    // the stored event 40 differs from the checkpoint it was signed in.
    const rebuilt = alterAndRechain(ledger, 30, { acceptedAt: ledger[29].acceptedAt + 1 });
    const report = await checkSince(rebuilt, 40, 6, checkpoints());
    expect(report.intact).toBe(false);
    expect(problemTexts(report)).toContain(`rebuilt: event 40 differs from the ledger checkpoint of ${CHECKPOINT_TIME}`);
  });

  it("catches the checkpoint's head event edited in place, its stored hash left as it was", async () => {
    const edited = ledger.map((e) => (e.sequence === 40 ? { ...e, quantity: e.quantity + 1 } : e));
    const report = await checkSince(edited, 40, 6, checkpoints());
    expect(report.intact).toBe(false);
    expect(problemTexts(report)).toContain(`altered: event 40, the head of the ledger checkpoint of ${CHECKPOINT_TIME}: its contents no longer give its hash`);
  });

  it("reports a checkpoint's head missing from the store as deleted", async () => {
    const report = await checkSince(ledger.slice(0, 40).concat(ledger.slice(40)), 40, 6, [...checkpoints(), checkpointOf("ledger", ledger.slice(0, 50))]);
    expect(report.intact).toBe(true);
    const truncated = await checkEvidence({
      events: streamed([]),
      audit: streamed(audit.filter((a) => a.sequence > 6)),
      publicKeyOf: keysOf(stamps),
      checkpoints: checkpoints(),
      hostPublicKey: host.publicKey,
      start: { ledger: { count: 40, headHash: ledger[39].hash }, audit: { count: 6, headHash: audit[5].hash }, storedEntry: async (chain, sequence) => (chain === "audit" ? storedAuditHead(audit[sequence - 1]) : sequence <= 19 ? storedLedgerHead(ledger[sequence - 1]) : undefined) },
    });
    expect(problemTexts(truncated)).toContain(`deleted: event 40, the head of the ledger checkpoint of ${CHECKPOINT_TIME}, is missing`);
    expect(problemTexts(truncated)).toContain(`deleted: event 20, the head of the ledger checkpoint of ${CHECKPOINT_TIME}, is missing`);
  });
});
