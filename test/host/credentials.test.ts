/** Tokens and station enrolment: hashed, expiring, revocable, one-time codes. */
import { expect, it } from "vitest";
import { authenticateToken, bootstrapOperator, enrolStation, issueEnrolmentCode, issueToken, revokeCredential, stationKey } from "../../host/core/access/credentials";
import { describeEachStore } from "../support/test-stores";
import { createTestWorld, must, TestStationKey } from "../support/test-world";

describeEachStore("credentials", (kind) => {
  it("bootstraps the operator once", async () => {
    const w = await createTestWorld(kind);
    expect(await bootstrapOperator(w.store, "again", Date.now())).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
  });

  it("keeps only a token's hash, expires it, and revokes it at once", async () => {
    const w = await createTestWorld(kind);
    const now = Date.now();
    const issued = must(await issueToken(w.store, w.owner, { role: "auditor", merchantId: "bean-bros", label: "accountant", ttlMs: 60_000 }, now));
    expect(issued.token).toMatch(/^stamp_[A-Za-z0-9_-]{43}$/);
    expect(await w.database.dump()).not.toContain(issued.token);
    expect(must(await authenticateToken(w.store, issued.token, now))).toMatchObject({ role: "auditor", merchantId: "bean-bros" });
    expect(await authenticateToken(w.store, issued.token, now + 60_000)).toEqual({ ok: false, error: "the credential expired" });
    expect(await authenticateToken(w.store, issued.token + "x", now)).toEqual({ ok: false, error: "unknown token" });
    must(await revokeCredential(w.store, w.owner, issued.credential.id, now));
    expect(await authenticateToken(w.store, issued.token, now)).toEqual({ ok: false, error: "the credential was revoked" });
  });

  it("lets the operator issue owners only, and an owner only its own merchant's people", async () => {
    const w = await createTestWorld(kind);
    const now = Date.now();
    expect(await issueToken(w.store, w.operator, { role: "manager", merchantId: "bean-bros", label: "x" }, now)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await issueToken(w.store, w.owner, { role: "owner", merchantId: "tea-house", label: "x" }, now)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await issueToken(w.store, w.gangnamStation.principal, { role: "owner", merchantId: "bean-bros", label: "x" }, now)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await revokeCredential(w.store, w.owner, w.operator.credentialId, now)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("enrols a station key with a one-time, expiring code, and refuses weak or repeated keys", async () => {
    const w = await createTestWorld(kind);
    const now = Date.now();
    const code = must(await issueEnrolmentCode(w.store, w.owner, { role: "counter-station", verifierId: w.gangnam.id }, now));
    const key = new TestStationKey();
    const weak = await enrolStation(w.store, { code: code.code, publicKey: new Uint8Array(32), label: "x" }, now);
    expect(weak).toMatchObject({ ok: false, error: { code: "WEAK_KEY" } });
    const lowerCase = code.code.toLowerCase().replace(/-/g, " ");
    const enrolled = must(await enrolStation(w.store, { code: lowerCase, publicKey: key.publicKey, label: "front" }, now));
    expect(must(await stationKey(w.store, enrolled.id, now)).principal).toMatchObject({ role: "counter-station", verifierId: w.gangnam.id });
    expect(await enrolStation(w.store, { code: code.code, publicKey: new TestStationKey().publicKey, label: "x" }, now)).toMatchObject({ ok: false, error: { message: "the enrolment code was already used" } });
    const late = must(await issueEnrolmentCode(w.store, w.owner, { role: "flashing-station" }, now));
    expect(await enrolStation(w.store, { code: late.code, publicKey: new TestStationKey().publicKey, label: "x" }, now + 3600_001)).toMatchObject({ ok: false, error: { message: "the enrolment code expired: ask for a new one" } });
    const duplicate = must(await issueEnrolmentCode(w.store, w.owner, { role: "flashing-station" }, now));
    expect(await enrolStation(w.store, { code: duplicate.code, publicKey: key.publicKey, label: "x" }, now)).toMatchObject({ ok: false, error: { code: "DUPLICATE" } });
    // The code was not spent by the refused enrolment.
    expect((await enrolStation(w.store, { code: duplicate.code, publicKey: new TestStationKey().publicKey, label: "x" }, now)).ok).toBe(true);
    expect(await w.database.value("SELECT COUNT(*) FROM enrolment_codes WHERE code_hash LIKE ?", code.code + "%")).toBe(0);
  });
});
