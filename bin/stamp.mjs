#!/usr/bin/env node
// The npm `bin` entry of `stamp`: checks the Node version against package.json's engines, then
// runs the compiled CLI (dist/host/stamp.js, made by `npm run build`). No top-level await and
// nothing newer than ES2018 here, so that an old Node gets to the version check and its message.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { nodeVersionAdmitted, nodeVersionTooOld } from "./node-version.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "host", "stamp.js");

function fail(message) {
  process.stderr.write(`stamp: ${message}\n`);
  process.exit(1);
}

/** In a clone, whether a source file of the bundle changed after the build (the installed package ships no sources). */
function sourcesNewerThanBuild() {
  if (!existsSync(join(root, "host"))) return false;
  const built = statSync(compiled).mtimeMs;
  const inputs = JSON.parse(readFileSync(join(root, "dist", "host", "inputs.json"), "utf8"));
  return inputs.some((input) => {
    const stats = statSync(join(root, input), { throwIfNoEntry: false });
    return stats !== undefined && stats.mtimeMs > built;
  });
}

const engines = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines.node;
if (nodeVersionTooOld(process.version, engines)) fail(`needs Node.js ${engines}; this is ${process.version}`);
if (!nodeVersionAdmitted(process.version, engines)) process.stderr.write(`stamp: warning: tested on Node.js ${engines}; this is ${process.version}\n`);
if (!existsSync(compiled)) fail(`the compiled CLI ${compiled} is missing: run \`npm run build\` in ${root}`);
if (sourcesNewerThanBuild()) process.stderr.write(`stamp: warning: the sources changed after the last build: run \`npm run build\` in ${root}\n`);
import(pathToFileURL(compiled).href).catch((error) => fail(error instanceof Error ? error.message : String(error)));
