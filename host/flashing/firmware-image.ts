/**
 * The firmware image the station flashes: dist/firmware/{stamp.js, ed25519.bin, manifest.json},
 * written by `npm run build:firmware`. Reused when every file matches its manifest hash; rebuilt
 * (a child process: host/ never imports firmware/) when asked or when it does not.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isRecord } from "./json-record";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEFAULT_FIRMWARE_DIR = join(PROJECT_ROOT, "dist", "firmware");

export interface ImageFile {
  storageName: string;
  content: Buffer;
  sha256: string;
}

export interface FirmwareImage {
  files: ImageFile[];
  firmwareHash: string;
}

export class FirmwareImageError extends Error {}

function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Loads and checks the image in `dir`: every file's SHA-256 and the firmware hash as the manifest says. */
export function loadFirmwareImage(dir: string): FirmwareImage {
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) throw new FirmwareImageError(`no firmware image: ${manifestPath} is missing`);
  const manifest: unknown = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (!isRecord(manifest) || !Array.isArray(manifest.files) || typeof manifest.firmwareHash !== "string") {
    throw new FirmwareImageError(`${manifestPath} is not a firmware manifest`);
  }
  const files: ImageFile[] = [];
  for (const entry of manifest.files as unknown[]) {
    if (!isRecord(entry) || typeof entry.path !== "string" || typeof entry.storageName !== "string" || typeof entry.sha256 !== "string") {
      throw new FirmwareImageError(`${manifestPath} has a malformed file entry`);
    }
    // The manifest records absolute build paths; the files sit beside it.
    const path = join(dir, basename(entry.path));
    if (!existsSync(path)) throw new FirmwareImageError(`firmware file ${path} is missing`);
    const content = readFileSync(path);
    const actual = sha256Hex(content);
    if (actual !== entry.sha256) throw new FirmwareImageError(`${path} does not match its manifest hash (file changed after the build)`);
    files.push({ storageName: entry.storageName, content: content, sha256: actual });
  }
  const firmwareHash = sha256Hex(files.map((f) => f.sha256).join(""));
  if (firmwareHash !== manifest.firmwareHash) throw new FirmwareImageError(`${manifestPath}: the firmware hash does not match its files`);
  if (!files.some((f) => f.storageName === ".bootcde")) throw new FirmwareImageError(`${manifestPath} has no .bootcde`);
  return { files: files, firmwareHash: firmwareHash };
}

/** Runs `npm run build:firmware` in the project. */
export function buildFirmwareImage(): void {
  const result = spawnSync("npm", ["run", "-s", "build:firmware"], { cwd: PROJECT_ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new FirmwareImageError("firmware build failed:\n" + (result.stderr || result.stdout || String(result.error)));
}

/** The image in `dir`, reused when intact, else (or with `rebuild`) built first when `dir` is the project's own. */
export function prepareFirmwareImage(dir: string, rebuild: boolean): { image: FirmwareImage; built: boolean } {
  const own = resolve(dir) === DEFAULT_FIRMWARE_DIR;
  if (rebuild && own) {
    buildFirmwareImage();
    return { image: loadFirmwareImage(dir), built: true };
  }
  try {
    return { image: loadFirmwareImage(dir), built: false };
  } catch (error) {
    if (!own) throw error;
    buildFirmwareImage();
    return { image: loadFirmwareImage(dir), built: true };
  }
}
