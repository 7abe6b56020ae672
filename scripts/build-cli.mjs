#!/usr/bin/env node
// `npm run build`: the `stamp` CLI compiled to JavaScript in dist/host/, which bin/stamp.mjs runs
// (no TypeScript compiler or loader at run time). esbuild bundles our own modules and leaves
// every npm package external, native modules included (better-sqlite3, @pokusew/pcsclite,
// bleno, espruino): they load from node_modules as usual.
//
// Everything lands in one directory, two levels below the package root, because some modules
// find files relative to their own URL: the NFC station starts ./pcsc-child.js beside itself,
// and the flashing station finds dist/firmware two levels up. Code loaded only by a dynamic
// import (the demo, the HTTP server, SQLite) goes into chunks that `stamp --help` never loads.
import { build } from "esbuild";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "host");
const engines = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines.node;
// The oldest Node the package supports: the first version named in engines ("^20.19.0 || ...").
const oldestNode = /\d+\.\d+(\.\d+)?/.exec(engines)[0];

// Old chunks have other hashes: start empty so none is left behind.
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { stamp: "bin/stamp-main.ts", "pcsc-child": "host/nfc/pcsc-child.ts" },
  outdir: outdir,
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: `node${oldestNode}`,
  packages: "external",
  metafile: true,
  logLevel: "warning",
});
// What the bundle was made from: bin/stamp.mjs warns in a clone when one of them is newer.
writeFileSync(join(outdir, "inputs.json"), JSON.stringify(Object.keys(result.metafile.inputs)) + "\n");
