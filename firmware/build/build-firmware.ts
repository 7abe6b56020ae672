/**
 * `npm run build:firmware`: the stamp's firmware image in dist/firmware/.
 *
 * - stamp.js      the JavaScript, minified ES5, written to Storage as `.bootcde`
 * - ed25519.bin   the native Ed25519 blob, written to Storage as `stamp.ed25519`
 * - manifest.json both files with their Storage names, sizes and SHA-256, and the firmware hash
 *
 * The blob is its own Storage file rather than text inside stamp.js: on the Puck.js a Storage
 * file is memory-mapped flash that E.nativeCall runs in place, while a blob inside the script
 * would cost 19 KB of base64 in the 40 KB Storage and a 14 KB RAM copy at every boot (over 40 %
 * of the 2,630 variables).
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BLOB_PATH, DIST_DIR, runMake } from "../native/native-tools";
import { ED25519_BLOB_FILE } from "../espruino/native-signer";
import { buildFirmwareBundle } from "./build-bundle";

export const MANIFEST_PATH = join(DIST_DIR, "manifest.json");

export interface FirmwareFile {
  path: string;
  storageName: string;
  bytes: number;
  sha256: string;
}

export interface FirmwareManifest {
  files: FirmwareFile[];
  /** SHA-256 over the files' hashes in order: what the flashing station records. */
  firmwareHash: string;
}

function describe(path: string, storageName: string): FirmwareFile {
  const data = readFileSync(path);
  return { path: path, storageName: storageName, bytes: data.length, sha256: createHash("sha256").update(data).digest("hex") };
}

export async function buildFirmware(): Promise<FirmwareManifest> {
  runMake(["blob"]);
  const blob = describe(BLOB_PATH, ED25519_BLOB_FILE);
  const bundle = await buildFirmwareBundle({ length: blob.bytes, sha256: blob.sha256 });
  const files = [describe(bundle.path, ".bootcde"), blob];
  const firmwareHash = createHash("sha256").update(files.map((f) => f.sha256).join("")).digest("hex");
  const manifest = { files: files, firmwareHash: firmwareHash };
  writeFileSync(MANIFEST_PATH, JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildFirmware().then(
    (manifest) => {
      for (const file of manifest.files) console.log(`${file.path} -> Storage "${file.storageName}": ${file.bytes} bytes`);
      console.log(`firmware hash ${manifest.firmwareHash}`);
    },
    (error: unknown) => {
      console.error(`firmware build failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
