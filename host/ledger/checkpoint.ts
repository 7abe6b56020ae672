import { sign } from "node:crypto";
import { asciiBytes, concatBytes, writeUint16 } from "../../shared/bytes";
import { fromHex, toHex } from "../../shared/hex";
import { err, ok, Result } from "../../shared/result";
import { publicKeyObject, verifyStrict } from "../crypto/ed25519-strict";
import { HostKey } from "./host-key";

/**
 * A checkpoint: the host's Ed25519 signature over a chain's length and head hash at a time.
 * An unkeyed hash chain can be rewritten and re-hashed by anyone who can write the database;
 * a kept checkpoint cannot be re-signed without the host key (kept outside the database), so
 * checking the chain against it finds deleted, truncated and rebuilt chains.
 *
 * Signed bytes (pure Ed25519, no pre-hash), all integers big-endian:
 *
 * | offset | length | field                                                  |
 * |--------|--------|--------------------------------------------------------|
 * | 0      | 2      | length of the domain tag = 19, uint16                  |
 * | 2      | 19     | domain tag, ASCII "stamp-checkpoint/v1"                |
 * | 21     | 2      | length n of the chain name, uint16                     |
 * | 23     | n      | chain name, ASCII: "ledger" (n = 6) or "audit" (n = 5) |
 * | 23+n   | 8      | count: entries in the chain, uint64                    |
 * | 31+n   | 32     | head hash: the hash of entry #count (genesis if 0)     |
 * | 63+n   | 8      | at: milliseconds since the Unix epoch, uint64          |
 *
 * 77 bytes for the ledger, 76 for the audit chain. hostKeyId is not signed: it only names the
 * key that verifies, and a wrong id fails against the host's key anyway.
 *
 * Export format: JSON lines, one checkpoint per line, keys in the order of Checkpoint.
 */

export const CHECKPOINT_DOMAIN_TAG = "stamp-checkpoint/v1";

export type ChainName = "ledger" | "audit";

export interface Checkpoint {
  chain: ChainName;
  count: number;
  /** 64 lowercase hex digits. */
  headHash: string;
  /** Milliseconds since the Unix epoch. */
  at: number;
  /** hostKeyId of the signing key: 16 hex digits. */
  hostKeyId: string;
  /** 128 lowercase hex digits. */
  signature: string;
}

export type CheckpointFields = Pick<Checkpoint, "chain" | "count" | "headHash" | "at">;

/** The largest time a JavaScript Date holds; beyond it a checkpoint's time cannot be shown. */
const MAX_TIME_MS = 8_640_000_000_000_000;

const HASH_HEX = /^[0-9a-f]{64}$/;
const KEY_ID_HEX = /^[0-9a-f]{16}$/;
const SIGNATURE_HEX = /^[0-9a-f]{128}$/;

function isChainName(value: unknown): value is ChainName {
  return value === "ledger" || value === "audit";
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isTime(value: unknown): value is number {
  return isCount(value) && value <= MAX_TIME_MS;
}

/** The fields, typed, or why they cannot be signed or trusted. */
function validFields(fields: Record<string, unknown>): Result<CheckpointFields, string> {
  const { chain, count, headHash, at } = fields;
  if (!isChainName(chain)) return err(`chain must be "ledger" or "audit"`);
  if (!isCount(count)) return err("count must be a non-negative safe integer");
  if (typeof headHash !== "string" || !HASH_HEX.test(headHash)) return err("headHash must be 64 lowercase hex digits");
  if (!isTime(at)) return err("at must be a time in milliseconds since the Unix epoch");
  return ok({ chain, count, headHash, at });
}

function lengthPrefixed(text: string): Uint8Array {
  const prefix = new Uint8Array(2);
  writeUint16(prefix, 0, text.length);
  return concatBytes([prefix, asciiBytes(text)]);
}

function uint64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/** The bytes the host signs (see the table above); an error for malformed fields. */
export function checkpointSignedBytes(fields: CheckpointFields): Result<Uint8Array, string> {
  const valid = validFields({ ...fields });
  if (!valid.ok) return valid;
  const { chain, count, headHash, at } = valid.value;
  const headBytes = fromHex(headHash);
  if (!headBytes.ok) return headBytes;
  return ok(concatBytes([lengthPrefixed(CHECKPOINT_DOMAIN_TAG), lengthPrefixed(chain), uint64(count), headBytes.value, uint64(at)]));
}

/** Signs a chain head. Throws a RangeError for malformed fields: the store's own heads are never malformed. */
export function signCheckpoint(key: HostKey, fields: CheckpointFields): Checkpoint {
  const bytes = checkpointSignedBytes(fields);
  if (!bytes.ok) throw new RangeError(`cannot sign a checkpoint: ${bytes.error}`);
  const signature = toHex(sign(null, bytes.value, key.privateKey));
  return { chain: fields.chain, count: fields.count, headHash: fields.headHash, at: fields.at, hostKeyId: key.id, signature };
}

/** Whether the host key signed exactly these fields (strict verification: canonical S and R). Total. */
export function verifyCheckpointSignature(checkpoint: Checkpoint, publicKey: Uint8Array): boolean {
  const bytes = checkpointSignedBytes(checkpoint);
  const signature = fromHex(checkpoint.signature);
  if (!bytes.ok || !signature.ok) return false;
  try {
    return verifyStrict(publicKeyObject(publicKey), bytes.value, signature.value);
  } catch {
    return false; // not an Ed25519 public key
  }
}

/** One line of the export format, without the line break. */
export function encodeCheckpointLine(checkpoint: Checkpoint): string {
  const { chain, count, headHash, at, hostKeyId, signature } = checkpoint;
  return JSON.stringify({ chain, count, headHash, at, hostKeyId, signature });
}

const CHECKPOINT_KEYS = ["chain", "count", "headHash", "at", "hostKeyId", "signature"];

function parseCheckpointLine(line: string): Result<Checkpoint, string> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return err("not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return err("not a JSON object");
  const fields: Record<string, unknown> = { ...value };
  const unknownKey = Object.keys(fields).find((key) => !CHECKPOINT_KEYS.includes(key));
  if (unknownKey !== undefined) return err(`unknown key "${unknownKey}"`);
  const signed = validFields(fields);
  if (!signed.ok) return signed;
  const { hostKeyId, signature } = fields;
  if (typeof hostKeyId !== "string" || !KEY_ID_HEX.test(hostKeyId)) return err("hostKeyId must be 16 lowercase hex digits");
  if (typeof signature !== "string" || !SIGNATURE_HEX.test(signature)) return err("signature must be 128 lowercase hex digits");
  return ok({ ...signed.value, hostKeyId, signature });
}

/**
 * Parses an export: one checkpoint per line; blank lines and a final line break are allowed,
 * "\r\n" too. Checks the form only; verifyCheckpointSignature checks the signature. Total.
 */
export function parseCheckpointLines(text: string): Result<Checkpoint[], { line: number; message: string }> {
  const checkpoints: Checkpoint[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].replace(/\r$/, "");
    if (line.trim() === "") continue;
    const parsed = parseCheckpointLine(line);
    if (!parsed.ok) return err({ line: index + 1, message: parsed.error });
    checkpoints.push(parsed.value);
  }
  return ok(checkpoints);
}
