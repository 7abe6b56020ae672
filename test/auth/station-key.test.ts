import { generateKeyPairSync, sign, verify } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStationKeyFile, loadStationKeyFile, setStationKeyId, StationKey } from "../../host/auth/station-key";
import { publicKeyObject } from "../../host/crypto/ed25519-strict";

const KEY_ID = "00112233445566ff";
const INFO = { role: "counter-station", url: "https://stamp.example:8443" } as const;

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "station-key-"));
  path = join(dir, "station.json");
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function errorOf(result: { ok: true; value: unknown } | { ok: false; error: string }): string {
  if (result.ok) throw new Error("expected an error");
  return result.error;
}

function writeJson(value: unknown): void {
  writeFileSync(path, JSON.stringify(value), { mode: 0o600 });
}

function fileJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

function expectWorkingKey(key: StationKey): void {
  const message = Buffer.from("stamp-station key check");
  expect(verify(null, message, publicKeyObject(key.publicKey), sign(null, message, key.privateKey))).toBe(true);
}

describe("createStationKeyFile", () => {
  it("writes a fresh Ed25519 key, mode 0600, not enrolled, leaving no temporary file", async () => {
    const key = unwrap(await createStationKeyFile(path, INFO));
    expect(modeOf(path)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["station.json"]);
    const json = fileJson();
    expect(Object.keys(json).sort()).toEqual(["keyId", "privateKey", "publicKey", "role", "url", "version"]);
    expect(json).toMatchObject({ version: 1, role: "counter-station", url: INFO.url, keyId: null });
    expect(json.publicKey).toBe(Buffer.from(key.publicKey).toString("hex"));
    expect(json.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(key.privateKey.asymmetricKeyType).toBe("ed25519");
    expectWorkingKey(key);
  });

  it("makes a different key each time", async () => {
    const first = unwrap(await createStationKeyFile(path, INFO));
    const second = unwrap(await createStationKeyFile(join(dir, "other.json"), { role: "flashing-station", url: "http://127.0.0.1:8080" }));
    expect(Buffer.from(first.publicKey).equals(Buffer.from(second.publicKey))).toBe(false);
    expect(second.role).toBe("flashing-station");
  });

  it("refuses to overwrite an existing file and leaves it untouched", async () => {
    writeFileSync(path, "precious", { mode: 0o600 });
    expect(errorOf(await createStationKeyFile(path, INFO))).toBe(`${path} already exists; refusing to overwrite a station key`);
    expect(readFileSync(path, "utf8")).toBe("precious");
    expect(readdirSync(dir)).toEqual(["station.json"]);
  });

  it("says so when the directory does not exist", async () => {
    expect(errorOf(await createStationKeyFile(join(dir, "missing", "station.json"), INFO))).toMatch(/^cannot create the station key file .*ENOENT/);
  });
});

describe("loadStationKeyFile", () => {
  it("loads what was created; requireEnrolled refuses it until setStationKeyId", async () => {
    const created = unwrap(await createStationKeyFile(path, INFO));
    const loaded = unwrap(await loadStationKeyFile(path, { requireEnrolled: false }));
    expect(loaded.keyId).toBeNull();
    expect(Buffer.from(loaded.publicKey).equals(Buffer.from(created.publicKey))).toBe(true);
    expectWorkingKey(loaded);
    expect(errorOf(await loadStationKeyFile(path, { requireEnrolled: true }))).toBe(`${path} is not enrolled yet: it has no credential id from the host`);
  });

  it("refuses a missing file", async () => {
    expect(errorOf(await loadStationKeyFile(path, { requireEnrolled: false }))).toBe(`no station key file at ${path}`);
  });

  it("refuses a file readable or writable by group or other, like ssh", async () => {
    unwrap(await createStationKeyFile(path, INFO));
    for (const mode of [0o644, 0o640, 0o604, 0o620, 0o602, 0o660, 0o666]) {
      chmodSync(path, mode);
      const octal = mode.toString(8).padStart(4, "0");
      expect(errorOf(await loadStationKeyFile(path, { requireEnrolled: false }))).toBe(`permissions ${octal} on ${path} are too open; chmod 600 ${path}`);
    }
    chmodSync(path, 0o400);
    expect((await loadStationKeyFile(path, { requireEnrolled: false })).ok).toBe(true);
  });

  it("refuses a symbolic link and a directory", async () => {
    const target = join(dir, "real.json");
    unwrap(await createStationKeyFile(target, INFO));
    symlinkSync(target, path);
    expect(errorOf(await loadStationKeyFile(path, { requireEnrolled: false }))).toMatch(/symbolic link/);
    expect(errorOf(await loadStationKeyFile(dir, { requireEnrolled: false }))).toBe(`${dir} is not a regular file`);
  });

  it("refuses unparsable JSON", async () => {
    writeFileSync(path, "{ not json", { mode: 0o600 });
    expect(errorOf(await loadStationKeyFile(path, { requireEnrolled: false }))).toMatch(new RegExp(`^${path} is not valid JSON: `));
  });

  it("refuses the wrong shape", async () => {
    unwrap(await createStationKeyFile(path, INFO));
    const good = fileJson();
    const variants: unknown[] = [
      [],
      null,
      "key",
      { ...good, version: 2 },
      { ...good, role: "admin" },
      { ...good, url: 8443 },
      { ...good, publicKey: "ab" },
      { ...good, publicKey: String(good.publicKey).toUpperCase() },
      { ...good, privateKey: 7 },
      { ...good, keyId: "XYZ" },
      { ...good, extra: true },
      Object.fromEntries(Object.entries(good).filter(([name]) => name !== "keyId")),
    ];
    for (const variant of variants) {
      writeJson(variant);
      expect(errorOf(await loadStationKeyFile(path, { requireEnrolled: false }))).toMatch(/is not a station key file/);
    }
  });

  it("refuses a private key that is not Ed25519, or does not match publicKey", async () => {
    unwrap(await createStationKeyFile(path, INFO));
    const good = fileJson();
    const ecKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    writeJson({ ...good, privateKey: ecKey });
    expect(errorOf(await loadStationKeyFile(path, { requireEnrolled: false }))).toBe(`${path}: privateKey is not an Ed25519 PKCS#8 key`);
    writeJson({ ...good, privateKey: "bm90IGEga2V5" });
    expect(errorOf(await loadStationKeyFile(path, { requireEnrolled: false }))).toBe(`${path}: privateKey is not an Ed25519 PKCS#8 key`);
    writeJson({ ...good, publicKey: "00".repeat(32) });
    expect(errorOf(await loadStationKeyFile(path, { requireEnrolled: false }))).toBe(`${path}: publicKey does not belong to privateKey`);
  });

  it("refuses a file far too large to be a key", async () => {
    writeFileSync(path, " ".repeat(100_000), { mode: 0o600 });
    expect(errorOf(await loadStationKeyFile(path, { requireEnrolled: false }))).toMatch(/too large/);
  });
});

describe("setStationKeyId", () => {
  it("records the credential id, keeps the key and mode 0600, leaves no temporary file", async () => {
    const created = unwrap(await createStationKeyFile(path, INFO));
    const updated = unwrap(await setStationKeyId(path, KEY_ID));
    expect(updated.keyId).toBe(KEY_ID);
    expect(modeOf(path)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["station.json"]);
    const loaded = unwrap(await loadStationKeyFile(path, { requireEnrolled: true }));
    expect(loaded.keyId).toBe(KEY_ID);
    expect(loaded.role).toBe("counter-station");
    expect(loaded.url).toBe(INFO.url);
    expect(Buffer.from(loaded.publicKey).equals(Buffer.from(created.publicKey))).toBe(true);
    expectWorkingKey(loaded);
  });

  it("refuses a malformed credential id and leaves the file as it was", async () => {
    unwrap(await createStationKeyFile(path, INFO));
    const before = readFileSync(path, "utf8");
    for (const keyId of ["", "00112233445566FF", "00112233445566f", "00112233445566ffa"]) {
      expect(errorOf(await setStationKeyId(path, keyId))).toMatch(/16 lower-case hex digits/);
    }
    expect(readFileSync(path, "utf8")).toBe(before);
  });

  it("refuses a missing file, or one whose permissions are too open", async () => {
    expect(errorOf(await setStationKeyId(path, KEY_ID))).toBe(`no station key file at ${path}`);
    unwrap(await createStationKeyFile(path, INFO));
    chmodSync(path, 0o644);
    expect(errorOf(await setStationKeyId(path, KEY_ID))).toMatch(/permissions 0644 .* are too open; chmod 600/);
  });
});
