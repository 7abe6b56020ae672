import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toHex } from "../../shared/hex";
import { signCheckpoint, verifyCheckpointSignature } from "../../host/ledger/checkpoint";
import { createHostKeyFile, HostKey, hostKeyId, loadHostKey } from "../../host/ledger/host-key";

function freshPath(): string {
  return join(mkdtempSync(join(tmpdir(), "stamp-host-key-")), "host-key.json");
}

function mustCreate(path: string): HostKey {
  const created = createHostKeyFile(path);
  if (!created.ok) throw new Error(created.error);
  return created.value;
}

describe("hostKeyId", () => {
  it("is the first 8 bytes of SHA-256 of the public key, hex", () => {
    // SHA-256 of 32 zero bytes = 66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925
    expect(hostKeyId(new Uint8Array(32))).toBe("66687aadf862bd77");
  });
});

describe("createHostKeyFile", () => {
  it("writes a version 1 JSON file with mode 0600 that loads back to the same key", () => {
    const path = freshPath();
    const created = mustCreate(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(path, "utf8"));
    expect(Object.keys(file)).toEqual(["version", "publicKey", "privateKey"]);
    expect(file.version).toBe(1);
    expect(file.publicKey).toBe(toHex(created.publicKey));
    expect(created.id).toBe(hostKeyId(created.publicKey));

    const loaded = loadHostKey(path);
    expect(loaded.ok && toHex(loaded.value.publicKey)).toBe(toHex(created.publicKey));
    expect(loaded.ok && loaded.value.id).toBe(created.id);
  });

  it("never overwrites: a second call refuses and the first key stays", () => {
    const path = freshPath();
    mustCreate(path);
    const before = readFileSync(path, "utf8");
    expect(createHostKeyFile(path)).toEqual({ ok: false, error: `${path} already exists: a host key is never overwritten` });
    expect(readFileSync(path, "utf8")).toBe(before);
  });

  it("reports a directory it cannot create the file in", () => {
    const result = createHostKeyFile(join(freshPath(), "missing-dir", "host-key.json"));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^cannot create the host key file/);
  });

  it("makes a key whose checkpoints verify after loading it again", () => {
    const path = freshPath();
    const created = mustCreate(path);
    const loaded = loadHostKey(path);
    if (!loaded.ok) throw new Error(loaded.error);
    const checkpoint = signCheckpoint(loaded.value, { chain: "audit", count: 3, headHash: "11".repeat(32), at: 1_700_000_000_000 });
    expect(verifyCheckpointSignature(checkpoint, created.publicKey)).toBe(true);
  });
});

describe("loadHostKey", () => {
  it("refuses a file that group or others may access, saying how to fix it", () => {
    const path = freshPath();
    mustCreate(path);
    chmodSync(path, 0o640);
    expect(loadHostKey(path)).toEqual({ ok: false, error: `${path} may be accessed by group or others (mode 0640): run chmod 600 ${path}` });
    chmodSync(path, 0o604);
    expect(loadHostKey(path).ok).toBe(false);
    chmodSync(path, 0o400);
    expect(loadHostKey(path).ok).toBe(true);
  });

  function loadWritten(contents: string): string {
    const path = freshPath();
    writeFileSync(path, contents, { mode: 0o600 });
    const result = loadHostKey(path);
    return result.ok ? "loaded" : result.error.replace(path, "<path>");
  }

  it("is total: missing, not JSON, wrong version, bad fields and a mismatched pair are errors", () => {
    const genuine = JSON.parse(readFileSync(((path) => (mustCreate(path), path))(freshPath()), "utf8"));
    const other = JSON.parse(readFileSync(((path) => (mustCreate(path), path))(freshPath()), "utf8"));
    expect(loadHostKey(join(freshPath(), "none")).ok).toBe(false);
    expect(loadWritten("{")).toBe("<path> is not JSON");
    expect(loadWritten("[]")).toBe("<path> is not a JSON object");
    expect(loadWritten(JSON.stringify({ ...genuine, version: 2 }))).toBe("<path> has version 2; only version 1 is known");
    expect(loadWritten(JSON.stringify({ ...genuine, publicKey: "00" }))).toBe("<path>: publicKey is not 64 lowercase hex digits");
    expect(loadWritten(JSON.stringify({ ...genuine, privateKey: "not base64!" }))).toBe("<path>: privateKey is not base64");
    expect(loadWritten(JSON.stringify({ ...genuine, privateKey: "AAAA" }))).toMatch(/^<path>: privateKey is not a PKCS#8 key/);
    expect(loadWritten(JSON.stringify({ ...genuine, publicKey: other.publicKey }))).toBe("<path>: publicKey does not belong to privateKey");
    expect(loadWritten(JSON.stringify(genuine))).toBe("loaded");
  });

  it("refuses a key of another algorithm", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const x25519 = generateKeyPairSync("x25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    expect(loadWritten(JSON.stringify({ version: 1, publicKey: "00".repeat(32), privateKey: x25519 }))).toBe("<path>: privateKey is a x25519 key, not Ed25519");
  });

  it("refuses a directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "stamp-host-key-"));
    chmodSync(dir, 0o700);
    expect(loadHostKey(dir)).toEqual({ ok: false, error: `${dir} is not a regular file` });
  });
});
