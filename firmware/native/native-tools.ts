/**
 * Node-side tooling for the native Ed25519 code (tests, benchmarks, host signer):
 * paths, tool detection, `make` under a cross-process lock, and a runner for the
 * Cortex-M4 QEMU harness that executes the exact bytes of dist/firmware/ed25519.bin.
 *
 * No top-level side effects: everything happens when a function is called.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** Two levels up from this module: from firmware/native/, and from the compiled CLI's dist/host/ (the demo). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const NATIVE_DIR = path.join(REPO_ROOT, "firmware", "native");
export const DIST_DIR = path.join(REPO_ROOT, "dist", "firmware");

export const BLOB_PATH = path.join(DIST_DIR, "ed25519.bin");
export const BLOB_REF_PATH = path.join(DIST_DIR, "ed25519-ref.bin");
export const HOST_BIN_PATH = path.join(DIST_DIR, "ed25519-host");
export const HARNESS_PATH = path.join(DIST_DIR, "ed25519-m4-harness.elf");
export const HARNESS_REF_PATH = path.join(DIST_DIR, "ed25519-m4-harness-ref.elf");
export const CTGRIND_PATH = path.join(DIST_DIR, "ed25519-ctgrind");
export const CTGRIND_LEAKY_PATH = path.join(DIST_DIR, "ed25519-ctgrind-leaky");

/** True when `command` is found on PATH. */
export function hasCommand(command: string): boolean {
  const r = spawnSync("sh", ["-c", 'command -v "$1" >/dev/null 2>&1', "sh", command], { stdio: "ignore" });
  return r.status === 0;
}

/** The subset of `commands` that is not on PATH. */
export function missingCommands(commands: readonly string[]): string[] {
  return commands.filter((c) => !hasCommand(c));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `make -C firmware/native <targets>` synchronously. A lock directory keeps
 * concurrent test workers from building the same files at the same time.
 * Throws an Error carrying make's output when the build fails.
 */
export function runMake(targets: readonly string[], extraArgs: readonly string[] = []): void {
  fs.mkdirSync(DIST_DIR, { recursive: true });
  const lock = path.join(DIST_DIR, ".native-build.lock");
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      try {
        const age = Date.now() - fs.statSync(lock).mtimeMs;
        if (age > 5 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        /* lock vanished meanwhile */
      }
      if (Date.now() - started > 10 * 60_000) throw new Error("timed out waiting for " + lock);
      sleepSync(100);
    }
  }
  try {
    const r = spawnSync("make", ["-C", NATIVE_DIR, ...extraArgs, ...targets], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw new Error("make could not be started: " + r.error.message);
    if (r.status !== 0) {
      throw new Error(`make ${targets.join(" ")} failed (exit ${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
    }
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Cortex-M4 harness

export type HarnessOp = "publicKey" | "sign" | "signSk" | "version";

export interface HarnessCase {
  op: HarnessOp;
  seed?: Uint8Array;
  publicKey?: Uint8Array;
  message?: Uint8Array;
  /** 0 or 1: which of the harness's two RAM copies of the blob to call. */
  slot?: 0 | 1;
  /** Pass message_length = -1 (no message bytes) to probe argument checking. */
  negativeLength?: boolean;
}

export interface HarnessResult {
  ret: number;
  /** Bytes of stack below the caller's SP written during the call. */
  stackBytes: number;
  /** 32 bytes for publicKey, 64 for sign/signSk, empty for version. */
  output: Uint8Array;
}

const OP_CODES: Record<HarnessOp, number> = { publicKey: 1, sign: 2, signSk: 3, version: 4 };
const OUT_LENGTH: Record<HarnessOp, number> = { publicKey: 32, sign: 64, signSk: 64, version: 0 };

/** Encodes cases in the harness input format (see harness/harness.c). */
export function encodeHarnessCases(cases: readonly HarnessCase[]): Buffer {
  const parts: Buffer[] = [];
  for (const c of cases) {
    const msg = c.message ?? new Uint8Array(0);
    const head = Buffer.alloc(12 + 64);
    head.writeUInt32LE(OP_CODES[c.op], 0);
    head.writeUInt32LE(c.negativeLength ? 0xffffffff : msg.length, 4);
    head.writeUInt32LE(c.slot ?? 0, 8);
    if (c.seed) {
      if (c.seed.length !== 32 && !(c.op === "signSk" && c.seed.length === 64)) throw new Error("seed must be 32 bytes");
      Buffer.from(c.seed).copy(head, 12); // a 64-byte signSk key also fills the pk field

    }
    if (c.publicKey && !(c.op === "signSk" && c.seed?.length === 64)) {
      if (c.publicKey.length !== 32) throw new Error("public key must be 32 bytes");
      Buffer.from(c.publicKey).copy(head, 44);
    }
    parts.push(head, Buffer.from(c.negativeLength ? new Uint8Array(0) : msg));
  }
  parts.push(Buffer.alloc(12 + 64)); // op 0: end
  return Buffer.concat(parts);
}

function decodeHarnessResults(cases: readonly HarnessCase[], out: Buffer): HarnessResult[] {
  const RECORD = 72;
  if (out.length !== cases.length * RECORD) {
    throw new Error(`harness wrote ${out.length} bytes, expected ${cases.length * RECORD}`);
  }
  return cases.map((c, i) => {
    const r = out.subarray(i * RECORD, (i + 1) * RECORD);
    return {
      ret: r.readInt32LE(0),
      stackBytes: r.readUInt32LE(4),
      output: new Uint8Array(r.subarray(8, 8 + OUT_LENGTH[c.op])),
    };
  });
}

/** QEMU 8.1 renamed -singlestep to -accel tcg,one-insn-per-tb=on. */
function oneInsnPerTbArgs(): string[] {
  const r = spawnSync("qemu-system-arm", ["--version"], { encoding: "utf8" });
  const m = /version (\d+)\.(\d+)/.exec(r.stdout ?? "");
  const major = m ? Number(m[1]) : 0;
  const minor = m ? Number(m[2]) : 0;
  return major > 8 || (major === 8 && minor >= 1) ? ["-accel", "tcg,one-insn-per-tb=on"] : ["-singlestep"];
}

/** Address of a symbol in the harness ELF (arm-none-eabi-nm). */
function harnessSymbol(elf: string, name: string): number {
  const r = spawnSync("arm-none-eabi-nm", [elf], { encoding: "utf8" });
  for (const line of (r.stdout ?? "").split("\n")) {
    const p = line.trim().split(/\s+/);
    if (p.length === 3 && p[2] === name) return parseInt(p[0] ?? "", 16);
  }
  throw new Error(`symbol ${name} not found in ${elf}`);
}

export interface RunHarnessOptions {
  /** Use the reference (16-bit limb) build instead of the shipped blob. */
  reference?: boolean;
  /** Count Thumb instructions executed inside the blob (slot 0 only). */
  countInstructions?: boolean;
  timeoutMs?: number;
}

export interface HarnessRun {
  results: HarnessResult[];
  /** Instructions executed at blob addresses, when countInstructions was set. */
  instructions?: number;
  elapsedMs: number;
}

/**
 * Runs all cases in one qemu-system-arm (mps2-an386, Cortex-M4) session.
 * The harness must have been built (`make harness` / `make ref`).
 *
 * Instruction counting: QEMU runs one guest instruction per translation block
 * (-singlestep) with chaining disabled (-d nochain) and logs every executed
 * block (-d exec) whose PC lies in the blob's RAM copy (-dfilter). Each log line
 * is then exactly one executed Thumb instruction of the blob.
 */
export async function runHarness(cases: readonly HarnessCase[], options: RunHarnessOptions = {}): Promise<HarnessRun> {
  const elf = options.reference ? HARNESS_REF_PATH : HARNESS_PATH;
  const blob = options.reference ? BLOB_REF_PATH : BLOB_PATH;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ed25519-m4-"));
  const inPath = path.join(dir, "in.bin");
  const outPath = path.join(dir, "out.bin");
  fs.writeFileSync(inPath, encodeHarnessCases(cases));
  const args = [
    "-M",
    "mps2-an386",
    "-nographic",
    "-monitor",
    "none",
    "-serial",
    "none",
    "-semihosting-config",
    `enable=on,target=native,arg=harness,arg=${inPath},arg=${outPath}`,
    "-kernel",
    elf,
  ];
  let instructions: number | undefined;
  const fifo = path.join(dir, "exec.fifo");
  if (options.countInstructions) {
    // slot 0 is blob_area_a + 4 (harness.c). The exec log goes through a FIFO so
    // that hundreds of MB of trace never touch the disk.
    const base = harnessSymbol(elf, "blob_area_a") + 4;
    const size = fs.statSync(blob).size;
    const mk = spawnSync("mkfifo", [fifo]);
    if (mk.status !== 0) throw new Error("mkfifo failed");
    args.unshift(...oneInsnPerTbArgs(), "-d", "exec,nochain", "-dfilter", `0x${base.toString(16)}+0x${size.toString(16)}`, "-D", fifo);
  }
  const started = Date.now();
  try {
    const counting = options.countInstructions
      ? new Promise<number>((resolve, reject) => {
          let n = 0;
          let partial = "";
          const rs = fs.createReadStream(fifo, { encoding: "latin1", highWaterMark: 1 << 20 });
          rs.on("data", (d: string | Buffer) => {
            const text = partial + (typeof d === "string" ? d : d.toString("latin1"));
            let pos = 0;
            for (;;) {
              const nl = text.indexOf("\n", pos);
              if (nl < 0) break;
              if (text.startsWith("Trace ", pos)) n++;
              pos = nl + 1;
            }
            partial = text.slice(pos);
          });
          rs.on("end", () => resolve(partial.startsWith("Trace ") ? n + 1 : n));
          rs.on("error", reject);
        })
      : Promise.resolve(0);
    const { code, stdout, stderrTail } = await new Promise<{
      code: number | null;
      stdout: string;
      stderrTail: string;
    }>((resolve, reject) => {
      const child = spawn("qemu-system-arm", args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let tail = "";
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
      }, options.timeoutMs ?? 300_000);
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (d: string) => {
        out += d;
      });
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (d: string) => {
        tail = (tail + d).slice(-4000);
      });
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on("close", (c) => {
        clearTimeout(timer);
        resolve({ code: c, stdout: out, stderrTail: tail });
      });
    });
    if (options.countInstructions && code !== 0) {
      // qemu may have died before opening the FIFO: unblock the reader
      try {
        fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch {
        /* no reader waiting */
      }
    }
    const count = await counting;
    if (code !== 0) {
      throw new Error(`qemu-system-arm harness exited with ${String(code)}\n${stdout}\n${stderrTail}`);
    }
    if (options.countInstructions) instructions = count;
    const results = decodeHarnessResults(cases, fs.readFileSync(outPath));
    return { results, instructions, elapsedMs: Date.now() - started };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Host CLI (same C sources, built for this machine)

/** Runs the host CLI once over `lines` (see host_cli.c) and returns its output lines. */
export function runHostCli(lines: readonly string[], binary: string = HOST_BIN_PATH): string[] {
  const r = spawnSync(binary, [], {
    input: lines.join("\n") + "\n",
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${binary} could not be started: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${binary} exited with ${String(r.status)}: ${r.stderr}`);
  const out = r.stdout.split("\n");
  if (out[out.length - 1] === "") out.pop();
  return out;
}
