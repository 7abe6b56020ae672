/**
 * A stamp becomes registered only through a flashing station's credential, with the stamp's
 * proof of possession re-verified here by the host: a fresh host-issued challenge, signed by
 * the stamp's own key together with its public key and the hash of the firmware it computed
 * from its own Storage, which the operator must have approved. A bare public key never becomes
 * a stamp.
 */
import { randomBytes } from "node:crypto";
import { toHex } from "../../shared/hex";
import { PUBLIC_KEY_LENGTH, STAMP_ID_LENGTH } from "../../shared/protocol-constants";
import { FIRMWARE_HASH_LENGTH, PROVISION_CHALLENGE_LENGTH, provisioningMessage } from "../../shared/provisioning-message";
import { ok, Result } from "../../shared/result";
import { checkRegistrablePublicKey, publicKeyObject, verifyStrict } from "../crypto/ed25519-strict";
import { Store } from "../store/store";
import { can } from "./access/permissions";
import { Principal } from "./access/principal";
import { auditEntry } from "./audit-entry";
import { CoreError, failure, forbidden } from "./core-error";
import { parseHexBytes } from "./identifiers";
import { ApprovedFirmware, StampRecord } from "./model";
import { alertForgedRegistration, ForgeryKind } from "./registration-alert";
import { displayText, insertOnce, LABEL_MAX_LENGTH, visibleMerchant } from "./registry";

/** Long enough for a stamp to sign after the station asked; short enough to be useless later. */
export const PROVISIONING_CHALLENGE_TTL_MS = 120_000;

export interface ProvisioningChallenge {
  challenge: string;
  expiresAt: number;
}

export async function issueProvisioningChallenge(store: Store, principal: Principal, now: number): Promise<Result<ProvisioningChallenge, CoreError>> {
  if (!can(principal, "provisioning.challenge")) return forbidden("ask for provisioning challenges");
  const challenge = toHex(randomBytes(PROVISION_CHALLENGE_LENGTH));
  const expiresAt = now + PROVISIONING_CHALLENGE_TTL_MS;
  await store.saveProvisioningChallenge(challenge, principal.credentialId, expiresAt);
  return ok({ challenge: challenge, expiresAt: expiresAt });
}

export async function approveFirmware(store: Store, principal: Principal, input: { hash: string; label: string }, now: number): Promise<Result<ApprovedFirmware, CoreError>> {
  if (!can(principal, "firmware.approve")) return forbidden("approve firmware");
  if (parseHexBytes(input.hash, FIRMWARE_HASH_LENGTH) === undefined || input.hash !== input.hash.toLowerCase()) {
    return failure("INVALID_INPUT", "firmware hash must be 64 lower-case hex digits");
  }
  const label = displayText(input.label, "firmware label", LABEL_MAX_LENGTH);
  if (!label.ok) return label;
  const firmware = { hash: input.hash, label: label.value, approvedAt: now };
  return insertOnce(() => store.approveFirmware(firmware, auditEntry(principal, now, null, "firmware.approve", firmware.hash, firmware)), firmware);
}

export interface StampProof {
  /** The host-issued provisioning challenge, 64 hex digits. */
  challenge: string;
  /** The firmware hash the stamp computed from its own Storage, 64 hex digits. */
  firmwareHash: string;
  /** Ed25519 over shared/provisioning-message.ts, 128 hex digits. */
  signature: string;
}

export interface NewStamp {
  publicKeyHex: string;
  label: string;
  merchantId: string;
  shopIds: string[];
  verifierIds: string[];
  /** Undefined only in a forged request: it is refused, and the owner alerted (registration-alert.ts). */
  proof: StampProof | undefined;
}

interface ParsedProof {
  publicKey: Uint8Array;
  challenge: Uint8Array;
  firmwareHash: Uint8Array;
  signature: Uint8Array;
}

function parseProof(publicKeyHex: string, proof: StampProof): Result<ParsedProof, CoreError> {
  const publicKey = parseHexBytes(publicKeyHex, PUBLIC_KEY_LENGTH);
  if (publicKey === undefined) return failure("INVALID_INPUT", "public key must be 64 hex digits (32 bytes)");
  const challenge = parseHexBytes(proof.challenge, PROVISION_CHALLENGE_LENGTH);
  const firmwareHash = parseHexBytes(proof.firmwareHash, FIRMWARE_HASH_LENGTH);
  const signature = parseHexBytes(proof.signature, 64);
  if (challenge === undefined || firmwareHash === undefined || signature === undefined) {
    return failure("INVALID_INPUT", "the proof needs a 32-byte challenge, a 32-byte firmware hash and a 64-byte signature, in hex");
  }
  return ok({ publicKey: publicKey, challenge: challenge, firmwareHash: firmwareHash, signature: signature });
}

/** The proof, judged without I/O: the key registrable (R6), the signature strict, as for taps. */
export function judgeStampProof(proof: ParsedProof): Result<void, CoreError> {
  const keyCheck = checkRegistrablePublicKey(proof.publicKey);
  if (!keyCheck.ok) return failure("WEAK_KEY", `public key refused: ${keyCheck.reason}`);
  const message = provisioningMessage(proof.challenge, proof.publicKey, proof.firmwareHash);
  if (message === undefined || !verifyStrict(publicKeyObject(proof.publicKey), message, proof.signature)) {
    return failure("PROOF_INVALID", "the proof of possession does not verify under the stamp's key");
  }
  return ok(undefined);
}

async function checkBindings(store: Store, input: NewStamp): Promise<Result<void, CoreError>> {
  if (input.shopIds.length === 0) return failure("INVALID_INPUT", "a stamp must be bound to at least one shop");
  for (const shopId of input.shopIds) {
    const shop = await store.getShop(shopId);
    if (shop === undefined || shop.merchantId !== input.merchantId) return failure("NOT_FOUND", `shop ${shopId} does not exist`);
  }
  for (const verifierId of input.verifierIds) {
    const verifier = await store.getVerifier(verifierId);
    if (verifier === undefined || !input.shopIds.includes(verifier.shopId)) return failure("NOT_FOUND", `verifier ${verifierId} is not in the stamp's shops`);
  }
  return ok(undefined);
}

/**
 * Registers a proved stamp: the challenge must be one this host issued to this very station,
 * unused and unexpired; the firmware approved; the merchant the station's own. The challenge
 * is consumed in the same transaction as the registration. A refusal that looks forged (no
 * proof, a challenge never issued to this station, a weak key, a proof that does not verify)
 * also alerts the owner, naming the station (registration-alert.ts).
 */
export async function registerStamp(store: Store, principal: Principal, input: NewStamp, now: number): Promise<Result<StampRecord, CoreError>> {
  if (!can(principal, "stamp.register") || principal.role !== "flashing-station") return forbidden("register stamps");
  const merchant = await visibleMerchant(store, principal, input.merchantId);
  if (!merchant.ok) return merchant;
  const label = displayText(input.label, "stamp label", LABEL_MAX_LENGTH);
  if (!label.ok) return label;
  const forged = async (forgery: ForgeryKind, refusal: { ok: false; error: CoreError }) => {
    await alertForgedRegistration(store, principal, forgery, input.publicKeyHex, now);
    return refusal;
  };
  const proof = input.proof;
  if (proof === undefined) return forged("no proof of possession", failure("INVALID_INPUT", "proof is required"));
  const parsed = parseProof(input.publicKeyHex, proof);
  if (!parsed.ok) return parsed;
  const issued = await store.getProvisioningChallenge(proof.challenge);
  if (issued === undefined || issued.credentialId !== principal.credentialId) {
    return forged("proof over a challenge never issued to this station", failure("PROOF_INVALID", "the proof's challenge was not issued to this station"));
  }
  if (issued.used) return failure("PROOF_INVALID", "the proof's challenge was already used");
  if (now > issued.expiresAt) return failure("PROOF_INVALID", "the proof's challenge expired: ask for a new one");
  const judged = judgeStampProof(parsed.value);
  if (!judged.ok) return forged(judged.error.code === "WEAK_KEY" ? "weak public key" : "proof that does not verify", judged);
  if (!(await store.isFirmwareApproved(proof.firmwareHash))) {
    return failure("FIRMWARE_NOT_APPROVED", `firmware ${proof.firmwareHash} is not approved by the operator`);
  }
  const bindings = await checkBindings(store, input);
  if (!bindings.ok) return bindings;
  const stamp: StampRecord = {
    id: toHex(parsed.value.publicKey.subarray(0, STAMP_ID_LENGTH)),
    publicKey: parsed.value.publicKey,
    label: label.value,
    merchantId: input.merchantId,
    shopIds: [...new Set(input.shopIds)],
    verifierIds: [...new Set(input.verifierIds)],
    status: "active",
    lastCounter: 0,
    registeredAt: now,
    firmwareHash: proof.firmwareHash,
  };
  const audit = auditEntry(principal, now, stamp.merchantId, "stamp.register", stamp.id, { label: stamp.label, shopIds: stamp.shopIds, firmwareHash: stamp.firmwareHash });
  const outcome: { added: "added" | "challenge-used" } = { added: "added" };
  const inserted = await insertOnce(async () => {
    outcome.added = await store.addStamp(stamp, proof.challenge, audit);
  }, stamp);
  if (inserted.ok && outcome.added === "challenge-used") return failure("PROOF_INVALID", "the proof's challenge was already used");
  return inserted;
}
