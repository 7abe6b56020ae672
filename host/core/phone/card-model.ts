/**
 * What the host keeps about phones: card holders (a browser's cookie, no account), the workers a
 * merchant employs and the phones linked to them, passkeys that carry a card to another phone,
 * and each merchant's loyalty program. Holder ids are 32 hex digits, worker ids 16.
 */
import { Purpose } from "../../../shared/protocol-constants";

/** One of a merchant's workers: a press on a phone linked to them clocks them in or out. */
export interface Worker {
  id: string;
  merchantId: string;
  name: string;
  createdAt: number;
  /**
   * When the worker's open shift began, or undefined when clocked out. Changed only together
   * with the attendance event that changes it (Store.commitTap), from the value the decision
   * read: two presses deciding at once cannot both clock in.
   */
  clockedInSince: number | undefined;
}

/** A one-time link an owner or manager made to tie a phone to a worker (the code stored as a hash). */
export interface WorkerInvitation {
  codeHash: string;
  workerId: string;
  merchantId: string;
  expiresAt: number;
  usedAt: number | undefined;
  /** The credential that made it. */
  createdBy: string;
}

/** What a merchant's customer cards count to. */
export interface LoyaltyProgram {
  merchantId: string;
  stampsPerReward: number;
  /** Stamps one press on a customer's phone is worth. */
  stampsPerPress: number;
  rewardLabel: string;
  /** Days a reward stays usable after the press that completed it; null: rewards never expire. */
  rewardValidDays: number | null;
}

export const DEFAULT_LOYALTY_PROGRAM: Omit<LoyaltyProgram, "merchantId"> = { stampsPerReward: 10, stampsPerPress: 1, rewardLabel: "a free item", rewardValidDays: null };

/** A WebAuthn credential that lets a holder take their cards to another browser. */
export interface Passkey {
  /** The credential id, base64url as WebAuthn gives it. */
  credentialId: string;
  holderId: string;
  /** The COSE public key as the authenticator gave it. */
  publicKey: Uint8Array;
  /** The authenticator's signature counter (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  createdAt: number;
}

export type WebAuthnCeremony = "register" | "login";

/** A WebAuthn challenge the host issued: used at most once, within its lifetime. */
export interface WebAuthnChallenge {
  /** base64url, as it appears in the client data. */
  challenge: string;
  /** The holder registering a passkey; undefined for a login (the holder is not known yet). */
  holderId: string | undefined;
  kind: WebAuthnCeremony;
  expiresAt: number;
}

/** One phone tap on a card, as the card page shows it. */
export interface CardEvent {
  at: number;
  purpose: Purpose;
  quantity: number;
  /** The shop's name, null when the shop is not the merchant's (any more). */
  shopName: string | null;
}

/** The change of a worker's clock that an attendance event makes: from the state read, to the new one. */
export interface ClockChange {
  workerId: string;
  from: number | undefined;
  to: number | undefined;
}
