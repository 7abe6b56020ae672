/**
 * A merchant's workers and the phones linked to them. The owner or a manager adds a worker and
 * makes a one-time invitation link; the worker opens it on their phone, which links that phone's
 * card to the worker for good: from then on a press read by that phone clocks the worker in or
 * out. The invitation code is 256 random bits shown once; the store keeps its SHA-256 only.
 */
import { createHash, randomBytes } from "node:crypto";
import { toHex } from "../../../shared/hex";
import { ok, Result } from "../../../shared/result";
import { IdPage, Store } from "../../store/store";
import { can } from "../access/permissions";
import { canSee, Principal } from "../access/principal";
import { auditEntry } from "../audit-entry";
import { CoreError, failure, forbidden } from "../core-error";
import { displayText, insertOnce, NAME_MAX_LENGTH, visibleMerchant } from "../registry";
import { Worker } from "./card-model";

export const WORKER_INVITATION_TTL_MS = 7 * 86_400_000;
/** base64url of 32 bytes: anything else is not looked up. */
const INVITATION_CODE = /^[A-Za-z0-9_-]{43}$/;

function invitationCodeHash(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}

export async function addWorker(store: Store, principal: Principal, input: { merchantId: string; name: string }, now: number): Promise<Result<Worker, CoreError>> {
  if (!can(principal, "worker.create")) return forbidden("add workers");
  const name = displayText(input.name, "worker name", NAME_MAX_LENGTH);
  if (!name.ok) return name;
  const merchant = await visibleMerchant(store, principal, input.merchantId);
  if (!merchant.ok) return merchant;
  const worker: Worker = { id: toHex(randomBytes(8)), merchantId: merchant.value.id, name: name.value, createdAt: now, clockedInSince: undefined };
  return insertOnce(() => store.addWorker(worker, auditEntry(principal, now, worker.merchantId, "worker.create", worker.id, { name: worker.name })), worker);
}

export async function listWorkers(store: Store, principal: Principal, merchantId: string, page: IdPage = { limit: 100 }): Promise<Result<Worker[], CoreError>> {
  if (!can(principal, "worker.read")) return forbidden("read workers");
  const merchant = await visibleMerchant(store, principal, merchantId);
  if (!merchant.ok) return merchant;
  return ok(await store.listWorkers(merchant.value.id, page));
}

/** The worker, if it exists and the principal may see it: otherwise NOT_FOUND, the same either way. */
async function visibleWorker(store: Store, principal: Principal, workerId: string): Promise<Result<Worker, CoreError>> {
  const worker = /^[0-9a-f]{16}$/.test(workerId) ? await store.getWorker(workerId) : undefined;
  if (worker === undefined || !canSee(principal, worker.merchantId)) return failure("NOT_FOUND", `worker ${workerId} does not exist`);
  return ok(worker);
}

/** A one-time link code for the worker's phone: shown once, valid for 7 days. */
export async function inviteWorker(store: Store, principal: Principal, workerId: string, now: number): Promise<Result<{ code: string; expiresAt: number }, CoreError>> {
  if (!can(principal, "worker.invite")) return forbidden("invite workers");
  const worker = await visibleWorker(store, principal, workerId);
  if (!worker.ok) return worker;
  const code = randomBytes(32).toString("base64url");
  const expiresAt = now + WORKER_INVITATION_TTL_MS;
  const invitation = { codeHash: invitationCodeHash(code), workerId: worker.value.id, merchantId: worker.value.merchantId, expiresAt: expiresAt, usedAt: undefined, createdBy: principal.credentialId };
  await store.addWorkerInvitation(invitation, auditEntry(principal, now, invitation.merchantId, "worker.invite", invitation.workerId, { expiresAt: expiresAt }));
  return ok({ code: code, expiresAt: expiresAt });
}

/**
 * What an invitation link is for, before the phone accepts it (the page names the worker and
 * the merchant). Read only; an unknown, used or expired code are one answer, NOT_FOUND.
 */
export async function describeWorkerInvitation(store: Store, input: { code: string; now: number }): Promise<Result<{ workerName: string; merchantName: string; expiresAt: number }, CoreError>> {
  const invitation = INVITATION_CODE.test(input.code) ? await store.getWorkerInvitation(invitationCodeHash(input.code)) : undefined;
  const worker = invitation && (await store.getWorker(invitation.workerId));
  const merchant = invitation && (await store.getMerchant(invitation.merchantId));
  if (invitation === undefined || invitation.usedAt !== undefined || input.now > invitation.expiresAt || worker === undefined || merchant === undefined) {
    return failure("NOT_FOUND", REFUSALS.unknown.message);
  }
  return ok({ workerName: worker.name, merchantName: merchant.name, expiresAt: invitation.expiresAt });
}

const REFUSALS: Record<"unknown" | "used" | "expired" | "linked", { code: "NOT_FOUND" | "CONFLICT"; message: string }> = {
  unknown: { code: "NOT_FOUND", message: "this invitation link is not valid" },
  used: { code: "CONFLICT", message: "this invitation link was already used: ask for a new one" },
  expired: { code: "CONFLICT", message: "this invitation link expired: ask for a new one" },
  linked: { code: "CONFLICT", message: "this phone is already linked to a worker of this merchant" },
};

/**
 * Links the holder's phone to the invited worker, using the invitation once. The holder must
 * exist (the route makes the browser's card first). The change is in the merchant's audit chain.
 */
export async function acceptWorkerInvitation(
  store: Store,
  input: { code: string; holderId: string; now: number },
): Promise<Result<{ worker: Worker; merchantName: string }, CoreError>> {
  if (!INVITATION_CODE.test(input.code)) return failure(REFUSALS.unknown.code, REFUSALS.unknown.message);
  const accepted = await store.acceptWorkerInvitation(invitationCodeHash(input.code), input.holderId, input.now, (worker) =>
    auditEntry("system", input.now, worker.merchantId, "worker.phone-link", worker.id, { holderId: input.holderId }),
  );
  if (!accepted.ok) return failure(REFUSALS[accepted.why].code, REFUSALS[accepted.why].message);
  const merchant = await store.getMerchant(accepted.worker.merchantId);
  return ok({ worker: accepted.worker, merchantName: merchant?.name ?? accepted.worker.merchantId });
}
