/** A stamp becomes registered only through a flashing station, with a proof the host checks itself. */
import { expect, it } from "vitest";
import { issueProvisioningChallenge, NewStamp, registerStamp } from "../../host/core/stamp-registration";
import { GROUP_ORDER, littleEndianToBigInt } from "../../host/crypto/edwards25519";
import { fromHex, toHex } from "../../shared/hex";
import { describeEachStore } from "../support/test-stores";
import { createTestWorld, enrolTestStation, must, TestStamp, TestWorld } from "../support/test-world";

async function attempt(w: TestWorld, input: (stamp: TestStamp, challenge: string) => Partial<NewStamp>, who = w.flasher.principal) {
  const stamp = new TestStamp();
  const challenge = must(await issueProvisioningChallenge(w.store, w.flasher.principal, Date.now())).challenge;
  const base: NewStamp = { publicKeyHex: toHex(stamp.publicKey), label: "new", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [], proof: stamp.prove(challenge) };
  const result = await registerStamp(w.store, who, { ...base, ...input(stamp, challenge) }, Date.now());
  return result.ok ? "REGISTERED" : result.error.code;
}

function addL(signatureHex: string): string {
  const bytes = fromHex(signatureHex);
  if (!bytes.ok) throw new Error("hex");
  let s = littleEndianToBigInt(bytes.value.subarray(32)) + GROUP_ORDER;
  const out = Uint8Array.from(bytes.value);
  for (let i = 32; i < 64; i++) {
    out[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  return toHex(out);
}

describeEachStore("stamp registration with proof", (kind) => {
  it("registers a proved stamp with approved firmware, once per challenge", async () => {
    const w = await createTestWorld(kind);
    expect(await attempt(w, () => ({}))).toBe("REGISTERED");
    const stamp = new TestStamp();
    const challenge = must(await issueProvisioningChallenge(w.store, w.flasher.principal, Date.now())).challenge;
    const input = { publicKeyHex: toHex(stamp.publicKey), label: "x", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [], proof: stamp.prove(challenge) };
    expect((await registerStamp(w.store, w.flasher.principal, input, Date.now())).ok).toBe(true);
    const other = new TestStamp();
    const reused = await registerStamp(w.store, w.flasher.principal, { ...input, publicKeyHex: toHex(other.publicKey), proof: other.prove(challenge) }, Date.now());
    expect(reused).toMatchObject({ ok: false, error: { code: "PROOF_INVALID", message: "the proof's challenge was already used" } });
  });

  it("refuses a bare key, a stranger's proof, a foreign challenge, unapproved firmware and S + L", async () => {
    const w = await createTestWorld(kind);
    const stranger = new TestStamp();
    expect(await attempt(w, (_s, c) => ({ proof: stranger.prove(c) }))).toBe("PROOF_INVALID");
    expect(await attempt(w, (s) => ({ proof: s.prove("ab".repeat(32)) }))).toBe("PROOF_INVALID");
    expect(await attempt(w, (s, c) => ({ proof: s.prove(c, "00".repeat(32)) }))).toBe("FIRMWARE_NOT_APPROVED");
    expect(await attempt(w, (s, c) => ({ proof: { ...s.prove(c), signature: addL(s.prove(c).signature) } }))).toBe("PROOF_INVALID");
    expect(await attempt(w, () => ({ publicKeyHex: "01" + "00".repeat(31) }))).toBe("WEAK_KEY");
    expect(await attempt(w, (s) => ({ publicKeyHex: toHex(w.stamp.publicKey), proof: s.prove("00".repeat(32)) }))).toBe("PROOF_INVALID");
    expect((await w.store.listStamps("bean-bros", { limit: 10 })).map((s) => s.id)).toEqual([w.stamp.id]);
  });

  it("refuses a challenge issued to another flashing station, and every other role", async () => {
    const w = await createTestWorld(kind);
    const second = await enrolTestStation(w.store, w.owner, "flashing-station", { merchantId: "bean-bros" }, Date.now());
    expect(await attempt(w, () => ({}), second.principal)).toBe("PROOF_INVALID");
    for (const who of [w.owner, w.operator, w.gangnamStation.principal]) expect(await attempt(w, () => ({}), who)).toBe("FORBIDDEN");
    const expired = new TestStamp();
    const challenge = must(await issueProvisioningChallenge(w.store, w.flasher.principal, Date.now() - 121_000)).challenge;
    const late = await registerStamp(w.store, w.flasher.principal, { publicKeyHex: toHex(expired.publicKey), label: "x", merchantId: "bean-bros", shopIds: ["gangnam"], verifierIds: [], proof: expired.prove(challenge) }, Date.now());
    expect(late).toMatchObject({ ok: false, error: { code: "PROOF_INVALID" } });
  });

  it("registers only for the merchant the station is enrolled for; another merchant's shops are not found", async () => {
    const w = await createTestWorld(kind);
    expect(await attempt(w, () => ({ merchantId: "tea-house" }))).toBe("NOT_FOUND");
    expect(await attempt(w, () => ({ shopIds: ["nowhere"] }))).toBe("NOT_FOUND");
  });
});
