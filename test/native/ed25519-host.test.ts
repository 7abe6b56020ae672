/**
 * The host build of the same C sources (dist/firmware/ed25519-host), which is
 * the simulated stamp's signer, against RFC 8032 and node:crypto - both through
 * the line protocol in one process and through createHostNativeSigner().
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createHostNativeSigner } from "../../firmware/native/host-signer";
import { missingCommands, runHostCli, runMake } from "../../firmware/native/native-tools";
import { RFC8032_VECTORS } from "./rfc8032-vectors";
import { randomCases } from "./node-ed25519";

const missing = missingCommands(["make", "cc"]);
if (missing.length > 0) {
  console.warn(`[ed25519-host] SKIPPED: missing ${missing.join(", ")} (Debian package build-essential).`);
}
const suite = missing.length > 0 ? describe.skip : describe;

suite("Ed25519 host build (simulator signer)", () => {
  beforeAll(() => {
    runMake(["host"]);
  }, 120_000);

  it("passes the RFC 8032 section 7.1 vectors", () => {
    const lines: string[] = [];
    for (const v of RFC8032_VECTORS) {
      lines.push(`pk ${v.secretKey}`);
      lines.push(`sign ${v.secretKey} ${v.publicKey} ${v.message}`.trimEnd());
    }
    const out = runHostCli(lines);
    RFC8032_VECTORS.forEach((v, i) => {
      expect(out[2 * i], v.name).toBe(v.publicKey);
      expect(out[2 * i + 1], v.name).toBe(v.signature);
    });
  });

  it("matches node:crypto on 2,000 random seeds and messages in one process", () => {
    const ref = randomCases(2000, 300);
    const lines: string[] = [];
    for (const c of ref) {
      lines.push(`pk ${c.seed.toString("hex")}`);
      lines.push(`sign ${c.seed.toString("hex")} ${c.publicKey.toString("hex")} ${c.message.toString("hex")}`.trimEnd());
    }
    const out = runHostCli(lines);
    const failures: string[] = [];
    ref.forEach((c, i) => {
      if (out[2 * i] !== c.publicKey.toString("hex")) failures.push(`pk ${c.seed.toString("hex")}`);
      if (out[2 * i + 1] !== c.signature.toString("hex")) {
        failures.push(`sign ${c.seed.toString("hex")} ${c.message.toString("hex")}`);
      }
    });
    expect(failures.slice(0, 5)).toEqual([]);
  }, 60_000);

  it("answers malformed lines with an error instead of crashing", () => {
    const out = runHostCli(["pk 00", "sign zz", "frobnicate", "pk " + "g".repeat(64), "version"]);
    expect(out.slice(0, 4).every((l) => l.startsWith("error "))).toBe(true);
    expect(out[4]).toBe("25519001");
  });

  it("createHostNativeSigner() gives the synchronous Signer API", () => {
    const signer = createHostNativeSigner();
    try {
      for (const c of randomCases(20, 300)) {
        const pk = signer.publicKey(c.seed);
        expect(Buffer.from(pk).toString("hex")).toBe(c.publicKey.toString("hex"));
        const sig = signer.sign(c.seed, pk, c.message);
        expect(sig).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(sig).toString("hex")).toBe(c.signature.toString("hex"));
      }
      expect(() => signer.publicKey(new Uint8Array(31))).toThrow(/32 bytes/);
    } finally {
      signer.close();
    }
    expect(() => signer.publicKey(new Uint8Array(32))).toThrow(/closed/);
  }, 60_000);
});
