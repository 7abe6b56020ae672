/**
 * A station's own key file: the Ed25519 key a counter or flashing station signs its API
 * requests with (http-signature.ts), the host URL, and the credential id the host gave at
 * enrolment (null until then).
 *
 * The file holds a private key, so like ssh it must be readable and writable by its owner only:
 * it is created 0600, rewritten 0600, and a file open to group or other is refused on load.
 * Creation never overwrites: the file is written under a temporary name and then hard-linked
 * to its final name, which fails if that name exists, so a crash leaves either no key file or
 * a complete one.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { link, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { err, ok, Result } from "../../shared/result";
import { STATION_ROLES, StationRole } from "../core/access/principal";

export type { StationRole };

export interface StationKey {
  role: StationRole;
  url: string;
  publicKey: Uint8Array;
  privateKey: KeyObject;
  /** The credential id the host gave at enrolment; null before. */
  keyId: string | null;
}

interface StationKeyFileJson {
  version: 1;
  role: StationRole;
  url: string;
  publicKey: string;
  privateKey: string;
  keyId: string | null;
}

const FILE_MODE = 0o600;
const GROUP_OR_OTHER = 0o077;
/** A key file is a few hundred bytes; anything far larger is not one. */
const MAX_FILE_BYTES = 16 * 1024;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;
const PUBLIC_KEY_HEX_PATTERN = /^[0-9a-f]{64}$/;
/** The 32 key bytes are the tail of an Ed25519 SubjectPublicKeyInfo. */
const RAW_PUBLIC_KEY_BYTES = 32;

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - RAW_PUBLIC_KEY_BYTES));
}

function toJson(key: StationKey): StationKeyFileJson {
  return {
    version: 1,
    role: key.role,
    url: key.url,
    publicKey: Buffer.from(key.publicKey).toString("hex"),
    privateKey: key.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
    keyId: key.keyId,
  };
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A sibling of path that no one else will pick. */
function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Writes a new 0600 file with flag wx (never follows or reuses an existing name) and syncs it. */
async function writePrivateFile(path: string, key: StationKey): Promise<void> {
  const handle = await open(path, "wx", FILE_MODE);
  try {
    await handle.chmod(FILE_MODE); // the umask may have removed bits, never added them; make it exact
    await handle.writeFile(`${JSON.stringify(toJson(key), null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a fresh key and writes it to path, which must not exist yet. */
export async function createStationKeyFile(path: string, info: { role: StationRole; url: string }): Promise<Result<StationKey, string>> {
  const { privateKey } = generateKeyPairSync("ed25519");
  const key: StationKey = { role: info.role, url: info.url, publicKey: rawPublicKey(privateKey), privateKey: privateKey, keyId: null };
  const temporary = temporaryPath(path);
  try {
    await writePrivateFile(temporary, key);
    await link(temporary, path);
    return ok(key);
  } catch (error) {
    if (errorCode(error) === "EEXIST") return err(`${path} already exists; refusing to overwrite a station key`);
    return err(`cannot create the station key file ${path}: ${messageOf(error)}`);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** Records the credential id the host gave at enrolment, replacing the file atomically (0600). */
export async function setStationKeyId(path: string, keyId: string): Promise<Result<StationKey, string>> {
  if (!KEY_ID_PATTERN.test(keyId)) return err(`a credential id is 16 lower-case hex digits, not ${JSON.stringify(keyId)}`);
  const loaded = await loadStationKeyFile(path, { requireEnrolled: false });
  if (!loaded.ok) return loaded;
  const key: StationKey = { ...loaded.value, keyId: keyId };
  const temporary = temporaryPath(path);
  try {
    await writePrivateFile(temporary, key);
    await rename(temporary, path);
    return ok(key);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    return err(`cannot update the station key file ${path}: ${messageOf(error)}`);
  }
}

/** Reads the file through one descriptor, so the mode checked is the mode of the bytes read. */
async function readPrivateFile(path: string): Promise<Result<string, string>> {
  let handle;
  try {
    handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return err(`no station key file at ${path}`);
    if (errorCode(error) === "ELOOP") return err(`${path} is a symbolic link; a station key file must be a regular file`);
    return err(`cannot open the station key file ${path}: ${messageOf(error)}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return err(`${path} is not a regular file`);
    const permissions = stats.mode & 0o777;
    if ((permissions & GROUP_OR_OTHER) !== 0) {
      return err(`permissions ${permissions.toString(8).padStart(4, "0")} on ${path} are too open; chmod 600 ${path}`);
    }
    if (stats.size > MAX_FILE_BYTES) return err(`${path} is too large to be a station key file`);
    return ok(await handle.readFile("utf8"));
  } catch (error) {
    return err(`cannot read the station key file ${path}: ${messageOf(error)}`);
  } finally {
    await handle.close();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStationKeyFileJson(value: unknown): value is StationKeyFileJson {
  if (!isRecord(value)) return false;
  const expectedFields = ["version", "role", "url", "publicKey", "privateKey", "keyId"];
  return (
    Object.keys(value).length === expectedFields.length &&
    expectedFields.every((field) => field in value) &&
    value.version === 1 &&
    STATION_ROLES.some((role) => role === value.role) &&
    typeof value.url === "string" &&
    typeof value.publicKey === "string" &&
    PUBLIC_KEY_HEX_PATTERN.test(value.publicKey) &&
    typeof value.privateKey === "string" &&
    (value.keyId === null || (typeof value.keyId === "string" && KEY_ID_PATTERN.test(value.keyId)))
  );
}

function ed25519PrivateKey(pkcs8Base64: string): KeyObject | undefined {
  try {
    const key = createPrivateKey({ key: Buffer.from(pkcs8Base64, "base64"), format: "der", type: "pkcs8" });
    return key.asymmetricKeyType === "ed25519" ? key : undefined;
  } catch {
    return undefined;
  }
}

function decodeStationKey(text: string, path: string): Result<StationKey, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return err(`${path} is not valid JSON: ${messageOf(error)}`);
  }
  if (!isStationKeyFileJson(json)) {
    return err(`${path} is not a station key file (expected version 1, role, url, publicKey (64 hex), privateKey, keyId)`);
  }
  const privateKey = ed25519PrivateKey(json.privateKey);
  if (privateKey === undefined) return err(`${path}: privateKey is not an Ed25519 PKCS#8 key`);
  const publicKey = rawPublicKey(privateKey);
  if (Buffer.from(publicKey).toString("hex") !== json.publicKey) return err(`${path}: publicKey does not belong to privateKey`);
  return ok({ role: json.role, url: json.url, publicKey: publicKey, privateKey: privateKey, keyId: json.keyId });
}

/** Loads and checks the key file. Total. With requireEnrolled, a key without its credential id is refused. */
export async function loadStationKeyFile(path: string, options: { requireEnrolled: boolean }): Promise<Result<StationKey, string>> {
  const text = await readPrivateFile(path);
  if (!text.ok) return text;
  const key = decodeStationKey(text.value, path);
  if (!key.ok) return key;
  if (options.requireEnrolled && key.value.keyId === null) return err(`${path} is not enrolled yet: it has no credential id from the host`);
  return key;
}
