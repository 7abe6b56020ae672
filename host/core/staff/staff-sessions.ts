/**
 * A logged-in dashboard browser: a cookie holding 256 random bits, of which the store keeps only
 * the SHA-256, for SESSION_TTL_MS. The session stands for its person's credential: each request
 * turns it into that credential's Principal with the same checks as an API token (not revoked,
 * not expired), so revoking the person ends every session at once.
 */
import { createHash, randomBytes } from "node:crypto";
import { Store } from "../../store/store";
import { credentialProblem, principalOf } from "../access/credentials";
import { Principal } from "../access/principal";
import { isStaffRole } from "./staff-model";

/** A working day and a half: a person logs in again the next morning. */
export const SESSION_TTL_MS = 12 * 3600_000;
const SESSION_SECRET = /^[A-Za-z0-9_-]{43}$/;

function sessionHash(secret: string): string {
  return createHash("sha256").update("stamp-dashboard-session/v1:" + secret).digest("hex");
}

export function isSessionSecret(value: string): boolean {
  return SESSION_SECRET.test(value);
}

/** A new session for the person; the secret goes into the cookie and nowhere else. */
export async function startStaffSession(store: Store, personId: string, now: number): Promise<{ secret: string; expiresAt: number }> {
  const secret = randomBytes(32).toString("base64url");
  const expiresAt = now + SESSION_TTL_MS;
  await store.staff.addStaffSession({ secretHash: sessionHash(secret), personId: personId, createdAt: now, expiresAt: expiresAt }, now);
  return { secret: secret, expiresAt: expiresAt };
}

export interface StaffPrincipal {
  principal: Principal & { role: "owner" | "manager" | "auditor" };
  name: string;
}

/** The principal a session secret stands for, while the session and its person's credential are live. */
export async function sessionPrincipal(store: Store, secret: string, now: number): Promise<StaffPrincipal | undefined> {
  if (!isSessionSecret(secret)) return undefined;
  const session = await store.staff.findStaffSession(sessionHash(secret), now);
  if (session === undefined) return undefined;
  const person = await store.getCredential(session.personId);
  if (person === undefined || credentialProblem(person, now) !== undefined || !isStaffRole(person.role)) return undefined;
  const principal = principalOf(person);
  if (principal === undefined || (principal.role !== "owner" && principal.role !== "manager" && principal.role !== "auditor")) return undefined;
  return { principal: principal, name: person.label };
}

export async function endStaffSession(store: Store, secret: string): Promise<void> {
  if (isSessionSecret(secret)) await store.staff.deleteStaffSession(sessionHash(secret));
}
