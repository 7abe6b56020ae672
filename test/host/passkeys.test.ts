/**
 * Passkeys on both stores, with a software authenticator (software-authenticator.ts; helper P's
 * Chromium tests drive the browser's own virtual authenticator through the pages): registration
 * and login move a card to another browser; each challenge is single use, short-lived and of its
 * own ceremony; a response made for another origin, a replayed one, or an authenticator whose
 * counter does not rise is refused.
 */
import { expect, it } from "vitest";
import { issueHolderSecret, newHolder, resolveHolder } from "../../host/core/phone/cards";
import { WEBAUTHN_CHALLENGE_TTL_MS } from "../../host/core/access/webauthn-relying-party";
import { passkeyLoginOptions, passkeyRegistrationOptions, verifyPasskeyLogin, verifyPasskeyRegistration } from "../../host/core/phone/passkeys";
import { describeEachStore } from "../support/test-stores";
import { createTestDatabase } from "../support/test-stores";
import { must } from "../support/test-world";
import { BASE_URL } from "./phone-fixture";
import { SoftwareAuthenticator } from "./software-authenticator";

const ORIGIN = BASE_URL;

describeEachStore("passkeys", (kind) => {
  it("keep a card: registered on one browser, used to log in on another, which then holds a secret of the same holder", async () => {
    const store = await (await createTestDatabase(kind)).open();
    try {
      const now = Date.now();
      const first = await newHolder(store, now);
      const authenticator = new SoftwareAuthenticator();
      const options = must(await passkeyRegistrationOptions(store, { holderId: first.holderId, baseUrl: BASE_URL, now: now }));
      expect(options.rp.id).toBe("stamp.example");
      const registered = must(await verifyPasskeyRegistration(store, { holderId: first.holderId, baseUrl: BASE_URL, response: authenticator.register(options, ORIGIN), now: now }));
      expect(registered.credentialId).toBe(authenticator.id);
      expect(await store.listPasskeys(first.holderId)).toEqual([expect.objectContaining({ credentialId: authenticator.id, holderId: first.holderId, counter: 0, transports: ["internal"] })]);

      const login = must(await passkeyLoginOptions(store, { baseUrl: BASE_URL, now: now }));
      const response = authenticator.login(login, ORIGIN);
      expect(must(await verifyPasskeyLogin(store, { baseUrl: BASE_URL, response: response, now: now }))).toEqual({ holderId: first.holderId });
      const secret = await issueHolderSecret(store, first.holderId, now);
      expect(await resolveHolder(store, secret)).toBe(first.holderId);
      // The same response again: its challenge is spent.
      expect(await verifyPasskeyLogin(store, { baseUrl: BASE_URL, response: response, now: now })).toMatchObject({ ok: false, error: { code: "PROOF_INVALID" } });
      // Registering the same authenticator again is refused, and the options exclude it.
      const again = must(await passkeyRegistrationOptions(store, { holderId: first.holderId, baseUrl: BASE_URL, now: now }));
      expect(again.excludeCredentials?.map((credential) => credential.id)).toEqual([authenticator.id]);
    } finally {
      await store.close();
    }
  });

  it("use each challenge once, within two minutes, for its own ceremony and holder", async () => {
    const store = await (await createTestDatabase(kind)).open();
    try {
      const now = Date.now();
      const holder = await newHolder(store, now);
      const other = await newHolder(store, now);
      await store.saveWebAuthnChallenge({ challenge: "c1", holderId: holder.holderId, kind: "register", expiresAt: now + 1000 }, now);
      expect(await store.takeWebAuthnChallenge("c1", "register", holder.holderId, now)).toBe(true);
      expect(await store.takeWebAuthnChallenge("c1", "register", holder.holderId, now)).toBe(false);
      await store.saveWebAuthnChallenge({ challenge: "c2", holderId: holder.holderId, kind: "register", expiresAt: now + 1000 }, now);
      expect(await store.takeWebAuthnChallenge("c2", "register", other.holderId, now)).toBe(false);
      await store.saveWebAuthnChallenge({ challenge: "c3", holderId: undefined, kind: "login", expiresAt: now + 1000 }, now);
      expect(await store.takeWebAuthnChallenge("c3", "register", undefined, now)).toBe(false);
      await store.saveWebAuthnChallenge({ challenge: "c4", holderId: undefined, kind: "login", expiresAt: now + 1000 }, now);
      expect(await store.takeWebAuthnChallenge("c4", "login", undefined, now + 1001)).toBe(false);
      // Ten racing uses of one challenge: one wins.
      await store.saveWebAuthnChallenge({ challenge: "c5", holderId: undefined, kind: "login", expiresAt: now + 1000 }, now);
      const takes = await Promise.all(Array.from({ length: 10 }, () => store.takeWebAuthnChallenge("c5", "login", undefined, now)));
      expect(takes.filter(Boolean)).toHaveLength(1);

      // Through the ceremony: a registration answered after two minutes is refused, and its challenge gone.
      const authenticator = new SoftwareAuthenticator();
      const options = must(await passkeyRegistrationOptions(store, { holderId: holder.holderId, baseUrl: BASE_URL, now: now }));
      const late = now + WEBAUTHN_CHALLENGE_TTL_MS + 1;
      expect(await verifyPasskeyRegistration(store, { holderId: holder.holderId, baseUrl: BASE_URL, response: authenticator.register(options, ORIGIN), now: late })).toMatchObject({ ok: false, error: { code: "PROOF_INVALID" } });
      expect(await verifyPasskeyRegistration(store, { holderId: holder.holderId, baseUrl: BASE_URL, response: authenticator.register(options, ORIGIN), now: now })).toMatchObject({ ok: false, error: { code: "PROOF_INVALID" } });
      // Another holder cannot use a registration challenge issued to this one.
      const stolen = must(await passkeyRegistrationOptions(store, { holderId: holder.holderId, baseUrl: BASE_URL, now: now }));
      expect(await verifyPasskeyRegistration(store, { holderId: other.holderId, baseUrl: BASE_URL, response: authenticator.register(stolen, ORIGIN), now: now })).toMatchObject({ ok: false });
      expect(await store.listPasskeys(holder.holderId)).toEqual([]);
      expect(await store.listPasskeys(other.holderId)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("refuse a response made for another site, and an authenticator whose counter does not rise", async () => {
    const store = await (await createTestDatabase(kind)).open();
    try {
      const now = Date.now();
      const holder = await newHolder(store, now);
      const phishing = new SoftwareAuthenticator();
      const options = must(await passkeyRegistrationOptions(store, { holderId: holder.holderId, baseUrl: BASE_URL, now: now }));
      expect(await verifyPasskeyRegistration(store, { holderId: holder.holderId, baseUrl: BASE_URL, response: phishing.register(options, "https://stamp-example.evil"), now: now })).toMatchObject({
        ok: false,
        error: { code: "PROOF_INVALID" },
      });

      const counting = new SoftwareAuthenticator({ signCount: 5 });
      must(await verifyPasskeyRegistration(store, { holderId: holder.holderId, baseUrl: BASE_URL, response: counting.register(must(await passkeyRegistrationOptions(store, { holderId: holder.holderId, baseUrl: BASE_URL, now: now })), ORIGIN), now: now }));
      expect(must(await verifyPasskeyLogin(store, { baseUrl: BASE_URL, response: counting.login(must(await passkeyLoginOptions(store, { baseUrl: BASE_URL, now: now })), ORIGIN), now: now }))).toEqual({ holderId: holder.holderId });
      expect((await store.getPasskey(counting.id))?.counter).toBe(6);
      // A clone of it, one step behind: its counter does not rise above the one seen.
      counting.signCount = 5;
      expect(await verifyPasskeyLogin(store, { baseUrl: BASE_URL, response: counting.login(must(await passkeyLoginOptions(store, { baseUrl: BASE_URL, now: now })), ORIGIN), now: now })).toMatchObject({
        ok: false,
        error: { code: "PROOF_INVALID" },
      });
    } finally {
      await store.close();
    }
  });
});
