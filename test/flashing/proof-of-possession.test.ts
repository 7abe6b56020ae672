/** The station's judgement of a proof of possession, on its own: every way a stamp's answer can be wrong. */
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { judgeProof } from "../../host/flashing/proof-of-possession";
import { provisioningMessage } from "../../shared/provisioning-message";

const seed = Buffer.alloc(32, 0x42);
const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
const publicKey = createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(12);
const challenge = Uint8Array.from({ length: 32 }, (_, i) => i);
const firmwareHash = "ab".repeat(32);
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function signedProof(message = provisioningMessage(challenge, publicKey, Buffer.from(firmwareHash, "hex"))): Record<string, string> {
  if (message === undefined) throw new Error("bad message");
  return { publicKey: publicKey.toString("hex"), firmwareHash: firmwareHash, signature: sign(null, message, privateKey).toString("hex") };
}

const expected = { challenge: challenge, bootKeyHex: publicKey.toString("hex"), firmwareHash: firmwareHash };

function codeOf(answer: unknown, expectation = expected): string {
  const judged = judgeProof(answer, expectation);
  return judged.ok ? "OK" : judged.error.code;
}

describe("proof of possession", () => {
  it("accepts the stamp's signature over the provisioning message and names the stamp by its key's first 8 bytes", () => {
    const proof = signedProof();
    const judged = judgeProof(proof, expected);
    expect(judged).toEqual({ ok: true, value: { stampId: publicKey.subarray(0, 8).toString("hex"), publicKeyHex: publicKey.toString("hex"), firmwareHash: firmwareHash, signatureHex: proof.signature } });
  });

  it("refuses answers that are no proof", () => {
    for (const answer of [undefined, null, 0, "x", [], {}, { error: "no key" }, { ...signedProof(), publicKey: "00" }, { ...signedProof(), signature: "zz" }, { ...signedProof(), firmwareHash: 7 }]) {
      expect(codeOf(answer)).toBe("PROOF_INVALID");
    }
  });

  it("refuses a proof naming another key than the one published at boot", () => {
    expect(codeOf(signedProof(), { ...expected, bootKeyHex: "11".repeat(32) })).toBe("PROOF_INVALID");
  });

  it("refuses another firmware than the one uploaded, even correctly signed", () => {
    expect(codeOf(signedProof(), { ...expected, firmwareHash: "cd".repeat(32) })).toBe("WRONG_FIRMWARE");
  });

  it("refuses a small-order key before using it", () => {
    const identity = "01" + "00".repeat(31);
    expect(codeOf({ ...signedProof(), publicKey: identity }, { ...expected, bootKeyHex: identity })).toBe("WEAK_KEY");
  });

  it("refuses a flipped bit, another challenge, and the malleable S + L form", () => {
    const proof = signedProof();
    const flipped = Buffer.from(proof.signature, "hex");
    flipped[5] ^= 1;
    expect(codeOf({ ...proof, signature: flipped.toString("hex") })).toBe("PROOF_INVALID");
    expect(codeOf(signedProof(provisioningMessage(new Uint8Array(32).fill(9), publicKey, Buffer.from(firmwareHash, "hex"))))).toBe("PROOF_INVALID");
    const signature = Buffer.from(proof.signature, "hex");
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]);
    s += L;
    for (let i = 0; i < 32; i++) signature[32 + i] = Number((s >> BigInt(8 * i)) & 0xffn);
    expect(codeOf({ ...proof, signature: signature.toString("hex") })).toBe("PROOF_INVALID");
  });
});
