import { Purpose } from "../../shared/protocol-constants";
import { ReasonName } from "../../shared/reason-codes";

/** The registry and history the verifier decides over. Ids of stamps and verifiers are hex. */

export interface Merchant {
  id: string;
  name: string;
}

export interface Shop {
  id: string;
  merchantId: string;
  name: string;
}

/** A counter station. Its 8-byte id (16 hex digits) is inside every challenge it issues. */
export interface Verifier {
  id: string;
  shopId: string;
  label: string;
  /** Refuse taps without the stamp's user-presence flag (button pressed). */
  requirePresence: boolean;
}

export type StampStatus = "active" | "quarantined" | "revoked";

export interface StampRecord {
  /** The first 8 bytes of the public key, hex. */
  id: string;
  publicKey: Uint8Array;
  label: string;
  merchantId: string;
  /** The shops where this stamp may be used. */
  shopIds: string[];
  /** When not empty: only these verifiers (within those shops) accept it. */
  verifierIds: string[];
  status: StampStatus;
  /** The highest counter seen under a valid signature; the next must be higher. */
  lastCounter: number;
  registeredAt: number;
  /** SHA-256 (hex) of the firmware the flashing station found on the stamp; undefined for a key registered by hand. */
  firmwareHash: string | undefined;
}

export interface IssuedChallenge {
  nonce: string;
  verifierId: string;
  /** Unix seconds, as signed by the stamp. */
  issuedAt: number;
  /** Milliseconds. */
  expiresAt: number;
  purpose: Purpose;
  quantity: number;
  /** When a tap first referred to it, if one did. */
  usedAt: number | undefined;
}

/** One accepted tap, appended once to the tamper-evident ledger. */
export interface LedgerEvent {
  sequence: number;
  stampId: string;
  counter: number;
  verifierId: string;
  shopId: string;
  merchantId: string;
  purpose: Purpose;
  quantity: number;
  nonce: string;
  acceptedAt: number;
  /** The stamp's signed response, hex, so the event can be re-verified later. */
  response: string;
  previousHash: string;
  hash: string;
}

export type AlertKind =
  | "CLONE_SUSPECTED"
  | "STAMP_OUTSIDE_SHOP"
  | "REVOKED_STAMP_USED"
  | "QUARANTINED_STAMP_USED"
  | "FORGED_SIGNATURE";

export interface Alert {
  id: number;
  at: number;
  kind: AlertKind;
  stampId: string;
  verifierId: string;
  shopId: string;
  reason: ReasonName;
  detail: string;
}

export type NewAlert = Omit<Alert, "id">;
