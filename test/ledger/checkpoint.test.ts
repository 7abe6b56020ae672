import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../shared/hex";
import {
  Checkpoint,
  checkpointSignedBytes,
  encodeCheckpointLine,
  parseCheckpointLines,
  signCheckpoint,
  verifyCheckpointSignature,
} from "../../host/ledger/checkpoint";
import { createHostKeyFile, HostKey } from "../../host/ledger/host-key";

let host: HostKey;
let checkpoint: Checkpoint;

beforeAll(() => {
  const created = createHostKeyFile(join(mkdtempSync(join(tmpdir(), "stamp-checkpoint-")), "host-key.json"));
  if (!created.ok) throw new Error(created.error);
  host = created.value;
  checkpoint = signCheckpoint(host, { chain: "ledger", count: 258, headHash: "ab".repeat(32), at: 0x0102030405 });
});

describe("the signed bytes", () => {
  it("are the documented 77 bytes for the ledger: tag, chain, count, head hash, time", () => {
    const bytes = checkpointSignedBytes({ chain: "ledger", count: 258, headHash: "ab".repeat(32), at: 0x0102030405 });
    const expected =
      "0013" + "7374616d702d636865636b706f696e742f7631" + // uint16 length 19, "stamp-checkpoint/v1"
      "0006" + "6c6564676572" + // uint16 length 6, "ledger"
      "0000000000000102" + // count 258, uint64
      "ab".repeat(32) + // head hash
      "0000000102030405"; // at, uint64 milliseconds
    expect(bytes.ok && toHex(bytes.value)).toBe(expected);
    expect(bytes.ok && bytes.value.length).toBe(77);
  });

  it("are 76 bytes for the audit chain, and differ from the ledger's for the same head", () => {
    const head = { count: 258, headHash: "ab".repeat(32), at: 0x0102030405 };
    const audit = checkpointSignedBytes({ chain: "audit", ...head });
    const ledger = checkpointSignedBytes({ chain: "ledger", ...head });
    expect(audit.ok && audit.value.length).toBe(76);
    expect(audit.ok && ledger.ok && toHex(audit.value) !== toHex(ledger.value)).toBe(true);
  });

  it.each([
    [{ chain: "ledger", count: -1, headHash: "00".repeat(32), at: 0 }, "count must be a non-negative safe integer"],
    [{ chain: "ledger", count: 1.5, headHash: "00".repeat(32), at: 0 }, "count must be a non-negative safe integer"],
    [{ chain: "ledger", count: 1, headHash: "AB".repeat(32), at: 0 }, "headHash must be 64 lowercase hex digits"],
    [{ chain: "ledger", count: 1, headHash: "00".repeat(32), at: 9e15 }, "at must be a time in milliseconds since the Unix epoch"],
  ] as const)("refuse malformed fields %o", (fields, message) => {
    expect(checkpointSignedBytes(fields)).toEqual({ ok: false, error: message });
    expect(() => signCheckpoint(host, fields)).toThrow(RangeError);
  });
});

describe("the signature", () => {
  it("verifies with the host key and names it", () => {
    expect(checkpoint.hostKeyId).toBe(host.id);
    expect(checkpoint.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(verifyCheckpointSignature(checkpoint, host.publicKey)).toBe(true);
  });

  it.each([
    ["chain", { chain: "audit" }],
    ["count", { count: 257 }],
    ["head hash", { headHash: "ac" + "ab".repeat(31) }],
    ["time", { at: 0x0102030406 }],
  ] as const)("fails when the %s is changed", (_name, change) => {
    expect(verifyCheckpointSignature({ ...checkpoint, ...change }, host.publicKey)).toBe(false);
  });

  it("fails with another key, a malformed key or a malformed signature, without throwing", () => {
    const spki = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
    expect(verifyCheckpointSignature(checkpoint, new Uint8Array(spki.subarray(spki.length - 32)))).toBe(false);
    expect(verifyCheckpointSignature(checkpoint, new Uint8Array(5))).toBe(false);
    expect(verifyCheckpointSignature({ ...checkpoint, signature: "zz" }, host.publicKey)).toBe(false);
    expect(verifyCheckpointSignature({ ...checkpoint, count: -3 }, host.publicKey)).toBe(false);
  });
});

describe("the JSON lines export", () => {
  it("round-trips, across blank lines, CRLF and a final line break", () => {
    const other = signCheckpoint(host, { chain: "audit", count: 0, headHash: "0".repeat(64), at: 1 });
    const text = encodeCheckpointLine(checkpoint) + "\r\n\n" + encodeCheckpointLine(other) + "\n";
    expect(parseCheckpointLines(text)).toEqual({ ok: true, value: [checkpoint, other] });
    expect(parseCheckpointLines("")).toEqual({ ok: true, value: [] });
  });

  it("writes one line with the keys in a fixed order", () => {
    const line = encodeCheckpointLine({ ...checkpoint });
    expect(line).not.toContain("\n");
    expect(Object.keys(JSON.parse(line))).toEqual(["chain", "count", "headHash", "at", "hostKeyId", "signature"]);
  });

  it.each([
    ["{", "not JSON"],
    ["null", "not a JSON object"],
    ["[1]", "not a JSON object"],
    ['"text"', "not a JSON object"],
    ['{"__proto__": {}}', 'unknown key "__proto__"'],
    ["{}", 'chain must be "ledger" or "audit"'],
  ])("refuses %s with the line number", (line, message) => {
    expect(parseCheckpointLines(encodeCheckpointLine(checkpoint) + "\n" + line)).toEqual({ ok: false, error: { line: 2, message } });
  });

  it.each([
    ["chain", { chain: "alerts" }, 'chain must be "ledger" or "audit"'],
    ["count", { count: "258" }, "count must be a non-negative safe integer"],
    ["head hash", { headHash: "ab" }, "headHash must be 64 lowercase hex digits"],
    ["time", { at: -1 }, "at must be a time in milliseconds since the Unix epoch"],
    ["host key id", { hostKeyId: "xyz" }, "hostKeyId must be 16 lowercase hex digits"],
    ["signature", { signature: undefined }, "signature must be 128 lowercase hex digits"],
    ["extra key", { note: "hi" }, 'unknown key "note"'],
  ])("refuses a malformed %s", (_name, change, message) => {
    expect(parseCheckpointLines(JSON.stringify({ ...checkpoint, ...change }))).toEqual({ ok: false, error: { line: 1, message } });
  });
});
