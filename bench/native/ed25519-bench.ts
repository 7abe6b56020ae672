/**
 * Benchmark of the native Ed25519 blob on an emulated Cortex-M4.
 *
 * Figures: exact number of Thumb instructions executed inside the blob per key
 * generation and per signature, blob size and peak stack - for the shipped
 * build (dist/firmware/ed25519.bin) and for a plain reference build of the same
 * sources (-DED25519_REFERENCE: 16 x 16-bit limbs, schoolbook multiply).
 *
 * Method: qemu-system-arm -M mps2-an386 runs the harness with one guest
 * instruction per translation block (-singlestep / one-insn-per-tb), chaining
 * disabled (-d nochain) and execution logging (-d exec) restricted to the RAM
 * copy of the blob (-dfilter). Every log line is one executed instruction of the
 * blob, so the count is exact and repeatable (instructions skipped by an IT
 * block count as executed, as on the hardware). Each measurement is a separate
 * emulator run holding a single call. Peak stack: the harness paints the stack
 * below the caller's SP before the call and finds the lowest overwritten word.
 *
 * No top-level side effects; call runEd25519Benchmark().
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import {
  BLOB_PATH,
  BLOB_REF_PATH,
  type HarnessCase,
  missingCommands,
  runHarness,
  runMake,
} from "../../firmware/native/native-tools";

export interface Ed25519VariantFigures {
  /** Thumb instructions for ed25519_public_key (seed -> public key). */
  keygenInstructions: number;
  /** Thumb instructions for ed25519_sign over a message of `messageLength` bytes. */
  signInstructions: number;
  /** Thumb instructions for ed25519_sign over an empty message. */
  signEmptyInstructions: number;
  blobBytes: number;
  peakStackBytes: number;
  /** True when two different seeds gave identical instruction counts. */
  countIndependentOfSeed: boolean;
}

export interface Ed25519BenchmarkResult {
  method: string;
  qemu: string;
  compiler: string;
  messageLength: number;
  optimized: Ed25519VariantFigures;
  reference: Ed25519VariantFigures;
  /** reference / optimized. */
  speedup: { keygen: number; sign: number };
  /** Estimated time at 64 MHz assuming about 1.2 cycles per instruction (an estimate, not measured). */
  estimatedSignMsAt64MHz: number;
  goals: { signAtMost1M: boolean; signAtMost600k: boolean; blobAtMost16K: boolean; stackAtMost3K: boolean };
}

export interface Ed25519BenchmarkOptions {
  /** Message length for the signature figure (default 100 bytes, a typical tap record). */
  messageLength?: number;
  /** Skip `make` (the caller already built blob, harness and reference). */
  skipBuild?: boolean;
}

const SEED_A = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex");
const PK_A = Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex");
const SEED_B = Buffer.from("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "hex");
const PK_B = Buffer.from("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "hex");

async function countOne(c: HarnessCase, reference: boolean): Promise<{ instructions: number; stack: number }> {
  const run = await runHarness([c], { reference, countInstructions: true });
  const r = run.results[0];
  if (!r || r.ret !== 0) throw new Error("benchmark call failed");
  if (run.instructions === undefined || run.instructions <= 0) throw new Error("no instructions counted");
  return { instructions: run.instructions, stack: r.stackBytes };
}

async function measureVariant(reference: boolean, messageLength: number): Promise<Ed25519VariantFigures> {
  const message = Buffer.alloc(messageLength, 0x5a);
  const keyA = await countOne({ op: "publicKey", seed: SEED_A }, reference);
  const keyB = await countOne({ op: "publicKey", seed: SEED_B }, reference);
  const signA = await countOne({ op: "sign", seed: SEED_A, publicKey: PK_A, message }, reference);
  const signB = await countOne({ op: "sign", seed: SEED_B, publicKey: PK_B, message }, reference);
  const signEmpty = await countOne({ op: "sign", seed: SEED_A, publicKey: PK_A }, reference);
  return {
    keygenInstructions: keyA.instructions,
    signInstructions: signA.instructions,
    signEmptyInstructions: signEmpty.instructions,
    blobBytes: fs.statSync(reference ? BLOB_REF_PATH : BLOB_PATH).size,
    peakStackBytes: Math.max(keyA.stack, keyB.stack, signA.stack, signB.stack, signEmpty.stack),
    countIndependentOfSeed: keyA.instructions === keyB.instructions && signA.instructions === signB.instructions,
  };
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return (r.stdout ?? "").split("\n")[0]?.trim() ?? "";
}

/** Builds (unless skipBuild) and measures both variants. Throws when a tool is missing. */
export async function runEd25519Benchmark(options: Ed25519BenchmarkOptions = {}): Promise<Ed25519BenchmarkResult> {
  const missing = missingCommands(["arm-none-eabi-gcc", "qemu-system-arm", "make", "cc"]);
  if (missing.length > 0) throw new Error(`ed25519 benchmark needs ${missing.join(", ")}`);
  const messageLength = options.messageLength ?? 100;
  if (!options.skipBuild) runMake(["blob", "harness", "ref"]);
  const optimized = await measureVariant(false, messageLength);
  const reference = await measureVariant(true, messageLength);
  return {
    method:
      "qemu-system-arm -M mps2-an386 (Cortex-M4), -singlestep -d exec,nochain -dfilter <blob range>: " +
      "one log line per executed Thumb instruction of the blob, one call per emulator run",
    qemu: firstLine("qemu-system-arm", ["--version"]),
    compiler: firstLine("arm-none-eabi-gcc", ["--version"]),
    messageLength,
    optimized,
    reference,
    speedup: {
      keygen: reference.keygenInstructions / optimized.keygenInstructions,
      sign: reference.signInstructions / optimized.signInstructions,
    },
    estimatedSignMsAt64MHz: (optimized.signInstructions * 1.2) / 64_000,
    goals: {
      signAtMost1M: optimized.signInstructions <= 1_000_000,
      signAtMost600k: optimized.signInstructions <= 600_000,
      blobAtMost16K: optimized.blobBytes <= 16 * 1024,
      stackAtMost3K: optimized.peakStackBytes <= 3 * 1024,
    },
  };
}

/** A Markdown section for BENCHMARKS.md. */
export function formatEd25519BenchmarkMarkdown(r: Ed25519BenchmarkResult): string {
  const n = (x: number): string => x.toLocaleString("en-US");
  const rows = [
    ["Thumb instructions per key generation", n(r.optimized.keygenInstructions), n(r.reference.keygenInstructions), r.speedup.keygen.toFixed(2) + "x"],
    [`Thumb instructions per signature (${r.messageLength}-byte message)`, n(r.optimized.signInstructions), n(r.reference.signInstructions), r.speedup.sign.toFixed(2) + "x"],
    ["Thumb instructions per signature (empty message)", n(r.optimized.signEmptyInstructions), n(r.reference.signEmptyInstructions), ""],
    ["Blob size (bytes)", n(r.optimized.blobBytes), n(r.reference.blobBytes), ""],
    ["Peak stack (bytes)", n(r.optimized.peakStackBytes), n(r.reference.peakStackBytes), ""],
    ["Same count for two different seeds", String(r.optimized.countIndependentOfSeed), String(r.reference.countIndependentOfSeed), ""],
  ];
  return [
    "## Native Ed25519 on Cortex-M4",
    "",
    "| figure | shipped blob | reference (16-bit limbs) | ratio |",
    "|---|---:|---:|---:|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
    `Goals: signature <= 1.0 M instructions: ${r.goals.signAtMost1M ? "met" : "NOT met"}; ` +
      `stretch <= 0.6 M: ${r.goals.signAtMost600k ? "met" : "not met"}; ` +
      `blob <= 16 KB: ${r.goals.blobAtMost16K ? "met" : "NOT met"}; stack <= 3 KB: ${r.goals.stackAtMost3K ? "met" : "NOT met"}.`,
    `Estimated signature time at 64 MHz (assuming ~1.2 cycles/instruction, not measured): ~${r.estimatedSignMsAt64MHz.toFixed(1)} ms.`,
    "",
    `Method: ${r.method}. ${r.qemu}; ${r.compiler}.`,
    "",
  ].join("\n");
}
