#!/usr/bin/env node
// Makes a fresh clone ready: the npm packages of package-lock.json (native modules built), the
// compiled `stamp` CLI that bin/stamp.mjs runs (`npm run build`: about a second, done every time
// so that it follows the sources) and, for the tests and benchmarks, the Debian packages they
// use (through apt-get, when this machine allows it). `--for demo` installs only what the demo
// needs: the npm packages (the simulated stamps build their C signer with the machine's own cc).
// Cheap when everything is already there, so `npm test`, `npm run bench` and `npm run demo` call
// it first.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * Debian packages: the Arm toolchain and emulators for native Ed25519 and valgrind for its
 * constant-time check; PC/SC (pcscd, vsmartcard's vpcd, and the headers @pokusew/pcsclite
 * builds against) for NFC; socat to bridge Espruino's console to TCP for espruino-tools; openssl
 * to make the tests' TLS certificates.
 */
const DEBIAN_PACKAGES = [
  "gcc-arm-none-eabi",
  "libnewlib-arm-none-eabi",
  "qemu-system-arm",
  "qemu-user",
  "valgrind",
  "socat",
  "pcscd",
  "vsmartcard-vpcd",
  "libpcsclite-dev",
  "openssl",
  // The server the store's tests start for the PostgreSQL adapter (test/support/postgres-server.ts).
  "postgresql",
  // The browser the phone and dashboard pages are tested in (driven by playwright-core), and a
  // Korean font, so that screenshots of the Korean pages show Hangul rather than empty boxes.
  "chromium",
  "fonts-nanum",
];
/** Native npm modules that must really have been built (npm may skip install scripts). */
const NATIVE_MODULES = ["better-sqlite3", "@pokusew/pcsclite", "@abandonware/bluetooth-hci-socket"];

function log(line) {
  console.error(`[setup] ${line}`);
}

function missingDebianPackages() {
  const result = spawnSync("dpkg-query", ["-W", "-f=${Package} ${db:Status-Status}\n", ...DEBIAN_PACKAGES], { encoding: "utf8" });
  if (result.error) return undefined; // not a Debian machine
  const installed = new Set(
    result.stdout
      .split("\n")
      .filter((line) => line.endsWith(" installed"))
      .map((line) => line.split(" ")[0]),
  );
  return DEBIAN_PACKAGES.filter((name) => !installed.has(name));
}

function installDebianPackages() {
  const missing = missingDebianPackages();
  if (missing === undefined || missing.length === 0) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    log(`missing Debian packages: ${missing.join(" ")} (not root: install them with sudo apt-get install; tests that need them report themselves skipped)`);
    return;
  }
  log(`installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-q"], { stdio: ["ignore", "ignore", "inherit"], env });
  execFileSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], { stdio: ["ignore", "ignore", "inherit"], env });
}

/** Runs a command with its output on this one's, rejecting on a non-zero exit. */
function run(command, args) {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", rejectRun);
    child.on("exit", (code) => (code === 0 ? resolveRun() : rejectRun(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

/** A line every 20 s while a long, quiet step runs, so a first run never looks stuck. */
async function withHeartbeat(what, work) {
  const started = Date.now();
  const timer = setInterval(() => log(`still ${what} (${Math.round((Date.now() - started) / 1000)} s)…`), 20_000);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  log(`${what}: done in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function installNpmPackages() {
  const lock = join(root, "package-lock.json");
  const marker = join(root, "node_modules", ".setup-lock-hash");
  const hash = createHash("sha256").update(readFileSync(lock)).update(readFileSync(join(root, "package.json"))).digest("hex");
  if (existsSync(marker) && readFileSync(marker, "utf8") === hash) return;
  log("installing npm packages (npm ci; builds better-sqlite3 from source when no prebuilt binary can be fetched: a few minutes on a fresh machine)");
  await withHeartbeat("installing npm packages", () => run("npm", ["ci", "--no-audit", "--no-fund"]));
  // npm may skip install scripts it was not told to allow: prove each native module loads.
  for (const name of NATIVE_MODULES) {
    const check = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(name)})`], { cwd: root, encoding: "utf8" });
    if (check.status !== 0) throw new Error(`native module ${name} did not build: ${check.stderr.trim().split("\n")[0]}`);
    log(`native module ${name}: built`);
  }
  writeFileSync(marker, hash);
}

const forDemo = process.argv.includes("--for") && process.argv[process.argv.indexOf("--for") + 1] === "demo";

try {
  // The demo runs on simulated hardware: none of the Debian packages (Arm toolchain, emulators,
  // PC/SC, valgrind, socat, openssl) is needed for it.
  if (!forDemo) installDebianPackages();
  await installNpmPackages();
  await run(process.execPath, [join(root, "scripts", "build-cli.mjs")]);
} catch (error) {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
