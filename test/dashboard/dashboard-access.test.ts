/**
 * The dashboard's people on both stores, below the pages: an invitation makes a person (a
 * credential of that role without a token) and a one-time code; the code enrols one passkey,
 * once (also when two enrolments race); WebAuthn challenges are single use; a session stands for
 * the person's credential and ends when it is revoked or expires; a manager cannot invite an
 * owner and only an owner makes a recovery code; the audit chain records each code. The
 * ceremonies run with a software authenticator (test/host/software-authenticator.ts).
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { issueToken, revokeCredential } from "../../host/core/access/credentials";
import { dashboardRecoveryCode, inviteToDashboard } from "../../host/core/staff/dashboard-codes";
import { enrolmentOptions, staffLoginOptions, verifyEnrolment, verifyStaffLogin } from "../../host/core/staff/staff-passkeys";
import { SESSION_TTL_MS, sessionPrincipal, startStaffSession } from "../../host/core/staff/staff-sessions";
import { SoftwareAuthenticator } from "../host/software-authenticator";
import { describeEachStore } from "../support/test-stores";
import { createTestWorld, must, TestWorld } from "../support/test-world";

const BASE_URL = "https://stamp.example";
const ORIGIN = "https://stamp.example";
const TEST_TIMEOUT = 60_000;

describeEachStore("dashboard people", (kind) => {
  let w: TestWorld;
  beforeEach(async () => {
    w = await createTestWorld(kind);
  }, TEST_TIMEOUT);
  afterEach(async () => {
    await w.store.close();
    await w.database.discard();
  }, TEST_TIMEOUT);

  async function enrol(code: string, authenticator: SoftwareAuthenticator, now: number) {
    const options = must(await enrolmentOptions(w.store, { code: code, baseUrl: BASE_URL, now: now }));
    return verifyEnrolment(w.store, { code: code, baseUrl: BASE_URL, response: authenticator.register(options, ORIGIN), now: now });
  }

  async function logIn(authenticator: SoftwareAuthenticator, now: number) {
    const options = must(await staffLoginOptions(w.store, { baseUrl: BASE_URL, now: now }));
    return verifyStaffLogin(w.store, { baseUrl: BASE_URL, response: authenticator.login(options, ORIGIN), now: now });
  }

  it("enrols one passkey with a code, once, and logs its person in as the role's principal until revoked", async () => {
    const now = Date.now();
    const invited = must(await inviteToDashboard(w.store, w.owner, { merchantId: "bean-bros", role: "manager", name: "Ji-woo" }, now));
    const person = await w.store.getCredential(invited.personId);
    expect(person).toMatchObject({ role: "manager", merchantId: "bean-bros", label: "Ji-woo", secretHash: undefined, publicKey: undefined });

    const phone = new SoftwareAuthenticator();
    expect(must(await enrol(invited.code, phone, now))).toEqual({ personId: invited.personId });
    const again = await enrolmentOptions(w.store, { code: invited.code, baseUrl: BASE_URL, now: now });
    expect(again.ok ? undefined : again.error.code, "the code works once").toBe("NOT_FOUND");

    const loggedIn = must(await logIn(phone, now + 1000));
    const session = await startStaffSession(w.store, loggedIn.personId, now + 1000);
    const staff = await sessionPrincipal(w.store, session.secret, now + 2000);
    expect(staff?.principal).toEqual({ role: "manager", merchantId: "bean-bros", credentialId: invited.personId });
    expect(await sessionPrincipal(w.store, session.secret, now + 1000 + SESSION_TTL_MS), "the session expires").toBeUndefined();

    must(await revokeCredential(w.store, w.owner, invited.personId, now + 3000));
    expect(await sessionPrincipal(w.store, session.secret, now + 4000), "revoking the person ends the session").toBeUndefined();
    expect((await logIn(phone, now + 5000)).ok, "and the passkey logs nobody in").toBe(false);
  }, TEST_TIMEOUT);

  it("lets one of two enrolments racing with the same code through", async () => {
    const now = Date.now();
    const invited = must(await inviteToDashboard(w.store, w.owner, { merchantId: "bean-bros", role: "auditor", name: "Accountant" }, now));
    const [a, b] = [new SoftwareAuthenticator(), new SoftwareAuthenticator()];
    const options = await Promise.all([a, b].map(async () => must(await enrolmentOptions(w.store, { code: invited.code, baseUrl: BASE_URL, now: now }))));
    const results = await Promise.all(
      [a, b].map((authenticator, i) => verifyEnrolment(w.store, { code: invited.code, baseUrl: BASE_URL, response: authenticator.register(options[i], ORIGIN), now: now })),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(await w.store.staff.listStaffPasskeys(invited.personId)).toHaveLength(1);
  }, TEST_TIMEOUT);

  it("spends a login challenge once: a replayed answer is refused", async () => {
    const now = Date.now();
    const invited = must(await inviteToDashboard(w.store, w.owner, { merchantId: "bean-bros", role: "owner", name: "Second owner" }, now));
    const phone = new SoftwareAuthenticator();
    must(await enrol(invited.code, phone, now));
    const options = must(await staffLoginOptions(w.store, { baseUrl: BASE_URL, now: now }));
    const answer = phone.login(options, ORIGIN);
    expect((await verifyStaffLogin(w.store, { baseUrl: BASE_URL, response: answer, now: now })).ok).toBe(true);
    expect((await verifyStaffLogin(w.store, { baseUrl: BASE_URL, response: answer, now: now })).ok).toBe(false);
  }, TEST_TIMEOUT);

  it("keeps owners' invitations and recovery codes to owners, and records each code in the audit chain", async () => {
    const now = Date.now();
    const manager = must(await issueToken(w.store, w.owner, { role: "manager", merchantId: "bean-bros", label: "manager" }, now));
    const managerPrincipal = { role: "manager" as const, merchantId: "bean-bros", credentialId: manager.credential.id };
    const asManager = await inviteToDashboard(w.store, managerPrincipal, { merchantId: "bean-bros", role: "owner", name: "Boss" }, now);
    expect(asManager.ok ? undefined : asManager.error.code).toBe("FORBIDDEN");
    const invited = must(await inviteToDashboard(w.store, managerPrincipal, { merchantId: "bean-bros", role: "auditor", name: "Accountant" }, now));
    const recoveredByManager = await dashboardRecoveryCode(w.store, managerPrincipal, invited.personId, now);
    expect(recoveredByManager.ok ? undefined : recoveredByManager.error.code).toBe("FORBIDDEN");
    const recovery = must(await dashboardRecoveryCode(w.store, w.owner, invited.personId, now));
    expect(recovery.code).not.toBe(invited.code);
    const tokenHolder = await dashboardRecoveryCode(w.store, w.owner, manager.credential.id, now);
    expect(tokenHolder.ok ? undefined : tokenHolder.error.code, "an API token's holder is no dashboard person").toBe("NOT_FOUND");
    const audit = await w.store.listAudit("bean-bros", { limit: 10 });
    expect(audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(["dashboard-code.create", "dashboard-code.recover"]));
    expect(JSON.stringify(audit), "codes are never written down").not.toContain(recovery.code);
  }, TEST_TIMEOUT);
});
