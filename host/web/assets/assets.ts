/**
 * The files the phone pages load, all from this host (the CSP allows nothing else): the
 * stylesheet, the page script, and @simplewebauthn/browser's UMD bundle read from its installed
 * package (not copied into the repository, so `npm update` updates it).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PAGE_SCRIPT } from "./page-script";
import { STYLESHEET } from "./stylesheet";

export interface Asset {
  contentType: string;
  body: Buffer;
}

export const ASSET_NAMES = ["stamp.css", "stamp.js", "webauthn.js"] as const;
export type AssetName = (typeof ASSET_NAMES)[number];

export function isAssetName(name: string): name is AssetName {
  return ASSET_NAMES.some((known) => known === name);
}

/** The package's UMD build, beside its CommonJS entry point (the package's exports hide the path from require.resolve). */
function webAuthnBundle(): Buffer {
  const entry = createRequire(import.meta.url).resolve("@simplewebauthn/browser");
  return readFileSync(join(dirname(entry), "..", "dist", "bundle", "index.umd.min.js"));
}

const loaders: Record<AssetName, () => Asset> = {
  "stamp.css": () => ({ contentType: "text/css; charset=utf-8", body: Buffer.from(STYLESHEET, "utf8") }),
  "stamp.js": () => ({ contentType: "text/javascript; charset=utf-8", body: Buffer.from(PAGE_SCRIPT, "utf8") }),
  "webauthn.js": () => ({ contentType: "text/javascript; charset=utf-8", body: webAuthnBundle() }),
};

const loaded = new Map<AssetName, Asset>();

/** The asset, read once and kept. */
export function asset(name: AssetName): Asset {
  const known = loaded.get(name);
  if (known !== undefined) return known;
  const made = loaders[name]();
  loaded.set(name, made);
  return made;
}
