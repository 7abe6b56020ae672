/**
 * Builds dist/firmware/stamp.js (called by build-firmware.ts, after the native blob): the firmware as one minified file Espruino runs.
 * TypeScript is lowered to ES5 file by file (Espruino has no destructuring, spread, default
 * parameters or optional chaining), esbuild bundles, the bundle's constants are inlined
 * (inline-constants.ts: each top-level variable costs the Puck.js RAM for as long as it runs),
 * and esbuild minifies with an ES5 target so the minifier never introduces newer syntax.
 */
import { build, Plugin, transform } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { inlineConstants } from "./inline-constants";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BUNDLE_PATH = join(root, "dist", "firmware", "stamp.js");

const lowerToEs5: Plugin = {
  name: "typescript-to-es5",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, (args) => {
      const output = ts.transpileModule(readFileSync(args.path, "utf8"), {
        compilerOptions: { target: ts.ScriptTarget.ES5, module: ts.ModuleKind.ESNext, importHelpers: false },
        fileName: args.path,
      });
      return { contents: output.outputText, loader: "js" };
    });
  },
};

/** The native blob this bundle must find in Storage, by length and SHA-256. */
export interface BlobIdentity {
  length: number;
  sha256: string;
}

export async function buildFirmwareBundle(blob: BlobIdentity): Promise<{ path: string; bytes: number }> {
  const result = await build({
    entryPoints: [join(root, "firmware", "espruino", "bundle-entry.ts")],
    bundle: true,
    write: false,
    format: "iife",
    target: "es5",
    legalComments: "none",
    plugins: [lowerToEs5],
    define: { ED25519_BLOB_LENGTH: String(blob.length), ED25519_BLOB_SHA256: JSON.stringify(blob.sha256) },
    logLevel: "silent",
  });
  const inlined = inlineConstants(result.outputFiles[0].text);
  const minified = await transform(inlined.code, { target: "es5", minify: true, legalComments: "none", logLevel: "silent" });
  const code = minified.code;
  mkdirSync(dirname(BUNDLE_PATH), { recursive: true });
  writeFileSync(BUNDLE_PATH, code);
  return { path: BUNDLE_PATH, bytes: Buffer.byteLength(code) };
}
