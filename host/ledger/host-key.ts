import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from "node:crypto";
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { toHex } from "../../shared/hex";
import { PUBLIC_KEY_LENGTH } from "../../shared/protocol-constants";
import { err, ok, Result } from "../../shared/result";

/**
 * The host's checkpoint signing key. It lives in its own file, outside the database: whoever
 * can rewrite the database but not read this file cannot sign a checkpoint for a rewritten
 * chain. The file is JSON {version: 1, publicKey: 64 hex, privateKey: PKCS#8 DER, base64},
 * created with mode 0600 and never overwritten; a file that group or others may access is
 * refused.
 */

export const HOST_KEY_FILE_VERSION = 1;

export interface HostKey {
  /** hostKeyId(publicKey). */
  id: string;
  /** The 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  privateKey: KeyObject;
}

interface HostKeyFile {
  version: number;
  publicKey: string;
  privateKey: string;
}

/** The first 8 bytes of SHA-256 of the public key, hex: names the key in a checkpoint. */
export function hostKeyId(publicKey: Uint8Array): string {
  return createHash("sha256").update(publicKey).digest("hex").slice(0, 16);
}

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - PUBLIC_KEY_LENGTH));
}

function hostKey(privateKey: KeyObject): HostKey {
  const publicKey = rawPublicKey(privateKey);
  return { id: hostKeyId(publicKey), publicKey, privateKey };
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Makes a new key and writes it to `path` (mode 0600, synced); refuses if `path` exists. */
export function createHostKeyFile(path: string): Result<HostKey, string> {
  const key = hostKey(generateKeyPairSync("ed25519").privateKey);
  const file: HostKeyFile = {
    version: HOST_KEY_FILE_VERSION,
    publicKey: toHex(key.publicKey),
    privateKey: key.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
  };
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if (errorCode(error) === "EEXIST") return err(`${path} already exists: a host key is never overwritten`);
    return err(`cannot create the host key file ${path}: ${errorMessage(error)}`);
  }
  try {
    writeSync(fd, JSON.stringify(file) + "\n");
    fsyncSync(fd);
    return ok(key);
  } catch (error) {
    rmSync(path, { force: true }); // a half-written key file would block the next attempt
    return err(`cannot write the host key file ${path}: ${errorMessage(error)}`);
  } finally {
    closeSync(fd);
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseHostKeyFile(path: string, text: string): Result<HostKeyFile, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return err(`${path} is not JSON`);
  }
  if (!isRecord(parsed)) return err(`${path} is not a JSON object`);
  const { version, publicKey, privateKey } = parsed;
  if (version !== HOST_KEY_FILE_VERSION) return err(`${path} has version ${String(version)}; only version ${HOST_KEY_FILE_VERSION} is known`);
  if (typeof publicKey !== "string" || !/^[0-9a-f]{64}$/.test(publicKey)) return err(`${path}: publicKey is not 64 lowercase hex digits`);
  if (typeof privateKey !== "string" || privateKey.length === 0 || !BASE64.test(privateKey)) return err(`${path}: privateKey is not base64`);
  return ok({ version, publicKey, privateKey });
}

function keyFromFile(path: string, file: HostKeyFile): Result<HostKey, string> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(file.privateKey, "base64"), format: "der", type: "pkcs8" });
  } catch (error) {
    return err(`${path}: privateKey is not a PKCS#8 key: ${errorMessage(error)}`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") return err(`${path}: privateKey is a ${String(privateKey.asymmetricKeyType)} key, not Ed25519`);
  const key = hostKey(privateKey);
  if (toHex(key.publicKey) !== file.publicKey) return err(`${path}: publicKey does not belong to privateKey`);
  return ok(key);
}

/** Reads and checks the key file. Total: every failure is an error message, never an exception. */
export function loadHostKey(path: string): Result<HostKey, string> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    return err(`cannot open the host key file ${path}: ${errorMessage(error)}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return err(`${path} is not a regular file`);
    const mode = stats.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      return err(`${path} may be accessed by group or others (mode ${mode.toString(8).padStart(4, "0")}): run chmod 600 ${path}`);
    }
    const file = parseHostKeyFile(path, readFileSync(fd, "utf8"));
    return file.ok ? keyFromFile(path, file.value) : file;
  } catch (error) {
    return err(`cannot read the host key file ${path}: ${errorMessage(error)}`);
  } finally {
    closeSync(fd);
  }
}
