import { CardEvent, LoyaltyProgram, Passkey, WebAuthnCeremony, WebAuthnChallenge, Worker, WorkerInvitation } from "../core/phone/card-model";
import { Merchant, NewAuditEntry } from "../core/model";
import { Purpose } from "../../shared/protocol-constants";
import type { IdPage } from "./store";

/** Why an invitation did not link a phone: no such code, used, expired, or the phone is already some worker's at that merchant. */
export type InvitationOutcome = { ok: true; worker: Worker } | { ok: false; why: "unknown" | "used" | "expired" | "linked" };

/**
 * The part of the Store port about phones: holders and their browser secrets, workers and their
 * linked phones, passkeys, WebAuthn challenges, loyalty programs, and what a card shows. Each
 * method is one atomic step, like every Store method; what people change (workers, invitations,
 * programs) appends its audit entry in the same step.
 */
export interface CardStore {
  /** A new holder with its first browser secret (the secret's SHA-256), in one step. */
  addHolder(holderId: string, secretHash: string, now: number): Promise<void>;
  /** One more browser secret of an existing holder; false (nothing written) when there is no such holder. */
  addHolderSecret(holderId: string, secretHash: string, now: number): Promise<boolean>;
  /** The holder a browser secret (by its SHA-256) belongs to. */
  findHolder(secretHash: string): Promise<string | undefined>;

  addWorker(worker: Worker, audit: NewAuditEntry): Promise<void>;
  getWorker(id: string): Promise<Worker | undefined>;
  listWorkers(merchantId: string, page: IdPage): Promise<Worker[]>;
  addWorkerInvitation(invitation: WorkerInvitation, audit: NewAuditEntry): Promise<void>;
  getWorkerInvitation(codeHash: string): Promise<WorkerInvitation | undefined>;
  /**
   * Uses the invitation once and links the holder's phone to its worker, atomically. A phone is
   * linked to one worker per merchant, for good: its attendance history stays that worker's.
   */
  acceptWorkerInvitation(codeHash: string, holderId: string, now: number, auditFor: (worker: Worker) => NewAuditEntry): Promise<InvitationOutcome>;
  /** The worker the holder's phone is linked to at this merchant. */
  findLinkedWorker(holderId: string, merchantId: string): Promise<Worker | undefined>;

  getLoyaltyProgram(merchantId: string): Promise<LoyaltyProgram | undefined>;
  /** Creates or replaces the merchant's program. */
  setLoyaltyProgram(program: LoyaltyProgram, audit: NewAuditEntry): Promise<void>;

  /** Keeps a challenge; expired ones are deleted first, so the table stays small. */
  saveWebAuthnChallenge(challenge: WebAuthnChallenge, now: number): Promise<void>;
  /**
   * Deletes the challenge and says whether it was there, of this kind (and this holder's, for a
   * registration) and unexpired: of two uses of one challenge, only the first gets true.
   */
  takeWebAuthnChallenge(challenge: string, kind: WebAuthnCeremony, holderId: string | undefined, now: number): Promise<boolean>;
  /** DuplicateError when the credential id is already registered. */
  addPasskey(passkey: Passkey): Promise<void>;
  getPasskey(credentialId: string): Promise<Passkey | undefined>;
  listPasskeys(holderId: string): Promise<Passkey[]>;
  /** Sets the signature counter only if it is below `to`; false (nothing written) otherwise. */
  raisePasskeyCounter(credentialId: string, to: number): Promise<boolean>;

  /** The holder's taps at the merchant (phone taps, and counter taps that identified the card), newest first, at most `limit`. */
  listCardEvents(holderId: string, merchantId: string, limit: number): Promise<CardEvent[]>;
  /** The sum of the quantities of the holder's taps (as listCardEvents) with this purpose at the merchant. */
  cardTotal(holderId: string, merchantId: string, purpose: Purpose): Promise<number>;
  /** The clock-ins and clock-outs of the worker's linked phones since `since`, oldest first. */
  listAttendance(workerId: string, since: number): Promise<CardEvent[]>;
  /** The merchants where the holder has a card: a phone tap there, or a phone linked to a worker. */
  listHolderMerchants(holderId: string): Promise<Merchant[]>;
}
