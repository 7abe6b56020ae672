/**
 * Runs the exact bytes of dist/firmware/ed25519.bin on an emulated Cortex-M4
 * (qemu-system-arm -M mps2-an386, semihosting harness in firmware/native/harness)
 * and checks them against RFC 8032 and node:crypto.
 */
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BLOB_PATH,
  type HarnessCase,
  missingCommands,
  runHarness,
  runMake,
} from "../../firmware/native/native-tools";
import { RFC8032_VECTORS } from "./rfc8032-vectors";
import { randomCases } from "./node-ed25519";

const missing = missingCommands(["arm-none-eabi-gcc", "qemu-system-arm", "make", "cc"]);
if (missing.length > 0) {
  console.warn(
    `[ed25519-arm] SKIPPED: missing ${missing.join(", ")}. Install Debian packages ` +
      "gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm build-essential to run the Cortex-M4 tests.",
  );
}
const suite = missing.length > 0 ? describe.skip : describe;

const hex = (s: string): Buffer => Buffer.from(s, "hex");
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

suite("Ed25519 blob on an emulated Cortex-M4 (mps2-an386)", () => {
  beforeAll(() => {
    runMake(["blob", "harness"]);
  }, 180_000);

  it("is a position-independent blob of at most 16 KB with the entry table at offset 0", () => {
    const blob = fs.readFileSync(BLOB_PATH);
    expect(blob.length).toBeLessThanOrEqual(16 * 1024);
    // four Thumb-2 B.W instructions (first halfword 0xF000..0xF7FF, second 0xB800..0xBFFF)
    for (let i = 0; i < 4; i++) {
      expect(blob.readUInt16LE(4 * i) & 0xf800).toBe(0xf000);
      expect(blob.readUInt16LE(4 * i + 2) & 0xd000).toBe(0x9000);
    }
    expect(blob.subarray(16, 42).toString("latin1")).toBe("ED25519 smartstamp blob v1");
  });

  it("passes the RFC 8032 section 7.1 vectors through both entry points and both load addresses", async () => {
    const cases: HarnessCase[] = [{ op: "version" }];
    for (const v of RFC8032_VECTORS) {
      for (const slot of [0, 1] as const) {
        cases.push({ op: "publicKey", seed: hex(v.secretKey), slot });
        cases.push({ op: "sign", seed: hex(v.secretKey), publicKey: hex(v.publicKey), message: hex(v.message), slot });
        cases.push({
          op: "signSk",
          seed: Buffer.concat([hex(v.secretKey), hex(v.publicKey)]),
          publicKey: hex(v.publicKey),
          message: hex(v.message),
          slot,
        });
      }
    }
    const run = await runHarness(cases);
    expect(run.results[0]?.ret).toBe(0x25519001);
    let k = 1;
    for (const v of RFC8032_VECTORS) {
      for (let slot = 0; slot < 2; slot++) {
        const pk = run.results[k++];
        const sig = run.results[k++];
        const sigSk = run.results[k++];
        expect(pk?.ret, v.name).toBe(0);
        expect(toHex(pk?.output ?? new Uint8Array()), v.name).toBe(v.publicKey);
        expect(sig?.ret, v.name).toBe(0);
        expect(toHex(sig?.output ?? new Uint8Array()), v.name).toBe(v.signature);
        expect(toHex(sigSk?.output ?? new Uint8Array()), v.name).toBe(v.signature);
      }
    }
  }, 120_000);

  it("matches node:crypto on 1,000 random seeds and messages (0..300 bytes), with stack <= 3 KB", async () => {
    const N = 1000;
    const ref = randomCases(N, 300);
    const cases: HarnessCase[] = [];
    ref.forEach((c, i) => {
      const slot = (i & 1) as 0 | 1;
      cases.push({ op: "publicKey", seed: c.seed, slot });
      cases.push({ op: "sign", seed: c.seed, publicKey: c.publicKey, message: c.message, slot });
    });
    const run = await runHarness(cases, { timeoutMs: 240_000 });
    let maxStack = 0;
    const failures: string[] = [];
    ref.forEach((c, i) => {
      const pk = run.results[2 * i];
      const sig = run.results[2 * i + 1];
      maxStack = Math.max(maxStack, pk?.stackBytes ?? 0, sig?.stackBytes ?? 0);
      if (pk?.ret !== 0 || toHex(pk.output) !== c.publicKey.toString("hex")) {
        failures.push(`public key mismatch for seed ${c.seed.toString("hex")}`);
      }
      if (sig?.ret !== 0 || toHex(sig.output) !== c.signature.toString("hex")) {
        failures.push(`signature mismatch for seed ${c.seed.toString("hex")} message ${c.message.toString("hex")}`);
      }
    });
    expect(failures.slice(0, 5)).toEqual([]);
    expect(maxStack).toBeGreaterThan(0);
    expect(maxStack).toBeLessThanOrEqual(3 * 1024);
  }, 300_000);

  it("returns -1 and writes nothing for a negative message length", async () => {
    const v = RFC8032_VECTORS[0];
    if (!v) throw new Error("no vectors");
    const run = await runHarness([
      { op: "sign", seed: hex(v.secretKey), publicKey: hex(v.publicKey), negativeLength: true },
      { op: "signSk", seed: Buffer.concat([hex(v.secretKey), hex(v.publicKey)]), negativeLength: true },
    ]);
    for (const r of run.results) {
      expect(r.ret).toBe(-1);
      expect(toHex(r.output)).toBe("00".repeat(64));
    }
  }, 60_000);
});
