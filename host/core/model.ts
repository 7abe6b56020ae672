import { Role, StationRole } from "./access/principal";
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
  /** Where the shop is, set by its merchant for the travel rule (host/core/travel-rule.ts); absent: unknown, the rule is off there. */
  location?: GeoPoint;
}

/** A point on Earth in WGS 84 degrees: latitude −90…90, longitude −180…180. */
export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** A stamp's most recent accepted tap in the ledger (by press time), with where its shop is: what the travel rule compares a new tap with. */
export interface LastAcceptedTap {
  shopId: string;
  /** The ledger event's acceptedAt (ms). */
  at: number;
  /** The shop's location now; undefined when its merchant set none. */
  location: GeoPoint | undefined;
}

/** A counter station. Its 8-byte id (16 hex digits) is inside every challenge it issues. */
export interface Verifier {
  id: string;
  shopId: string;
  label: string;
  /** Refuse taps without the stamp's user-presence flag (button pressed). */
  requirePresence: boolean;
  /** What each tap here is for, set by the merchant: never chosen by the station or the client. */
  purpose: Purpose;
  /** How much each tap here is worth (1..MAX_TAP_QUANTITY), set by the merchant. */
  quantity: number;
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

/**
 * What a counter tap was for at the till, as the counter station (the shop's point of sale) said
 * when it asked for the challenge: the order's reference and its amount in the currency's minor
 * unit (KRW has none: won). Kept with the challenge, then in the accepted tap's ledger event,
 * whose hash covers it; the stamp signs the challenge's nonce, which ties the two together.
 */
export interface Receipt {
  orderRef: string;
  amount: number;
  /** ISO 4217, e.g. "KRW". */
  currency: string;
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
  /** The customer's card the station identified (the card page's code), "" for none: an accepted tap counts on it. */
  cardId: string;
  /** The reward or coupon the identified card asked to redeem: the tap uses it (purpose REDEEM). */
  voucherId: string | undefined;
  receipt: Receipt | undefined;
  /** The counter station (credential id) that asked for it: the open-challenge cap counts per station. "" for one a station made offline. */
  stationId: string;
}

/**
 * How a tap reached the host: a counter station relaying the stamp's answer to a challenge, or a
 * phone opening the one-time URL the stamp signed after a press (docs/protocol.md §15).
 */
export type Transport = "station" | "phone";

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
  /** The challenge's issue time in Unix seconds, as the stamp signed it: needed to re-verify. */
  challengeIssuedAt: number;
  acceptedAt: number;
  /**
   * The stamp's signed bytes, hex, so the event can be re-verified later: a station tap's
   * 94-byte response, or a phone tap's 78-byte token. For a phone tap `nonce` is the evidence id
   * ("url:" + the signature's hex), `verifierId` is "" and `challengeIssuedAt` 0.
   */
  response: string;
  transport: Transport;
  /** The base URL a phone token was signed for (its signature covers it); "" for a station tap. */
  origin: string;
  /** The card (holder id) the tap was credited to: a phone tap's, or the card a counter station identified; "" for none. */
  cardId: string;
  /** The order a counter tap was for, as the station said (see Receipt); undefined for none. */
  receipt: Receipt | undefined;
  previousHash: string;
  hash: string;
}

export type AlertKind =
  /** Two valid signatures with one counter over different challenges: a second device holds the key. */
  | "CLONE_PROVEN"
  /** A valid signature with a counter below one already seen: a late or relayed reply, or a clone. */
  | "LATE_COUNTER"
  | "STAMP_OUTSIDE_SHOP"
  | "REVOKED_STAMP_USED"
  | "QUARANTINED_STAMP_USED"
  | "FORGED_SIGNATURE"
  /** A valid tap at a shop sooner after one at another shop than travel between them takes: a clone, or a relay of the stamp's replies. */
  | "IMPOSSIBLE_TRAVEL"
  /** A valid reply that reached the host later than any genuine exchange could: relayed or held back. */
  | "POSSIBLE_RELAY"
  /** A flashing station sent a stamp registration without a valid proof of possession, or with a weak key. */
  | "FORGED_REGISTRATION";

export interface Alert {
  id: number;
  at: number;
  kind: AlertKind;
  merchantId: string;
  stampId: string;
  verifierId: string;
  shopId: string;
  reason: ReasonName;
  detail: string;
  /** The station credential whose request raised the alert (a flashing station's, for a forged registration); "" when a stamp's reply raised it. */
  stationId: string;
}

export type NewAlert = Omit<Alert, "id">;

/**
 * The names people know an event or alert by, read beside the ids in the same query: null when
 * the stamp, shop or verifier is not there (or, for a shop or verifier, not the merchant's own).
 */
export interface DisplayNames {
  stampLabel: string | null;
  shopName: string | null;
  verifierLabel: string | null;
}

export type NamedEvent = LedgerEvent & DisplayNames;
/** An alert with its names, and the label of the station that raised it (null: none, or not the merchant's). */
export type NamedAlert = Alert & DisplayNames & { stationLabel: string | null };

/** A validly signed stamp response, kept whatever the verdict: the evidence that proves a fork. */
export interface SignedCounter {
  stampId: string;
  counter: number;
  nonce: string;
  verifierId: string;
  challengeIssuedAt: number;
  purpose: Purpose;
  quantity: number;
  response: string;
  at: number;
}

/** A credential: a person's API token (stored only as a hash) or a station's enrolled public key. */
export interface CredentialRecord {
  /** 16 hex digits: the key id a station signs with, or a token's public handle. */
  id: string;
  role: Role;
  merchantId: string | undefined;
  /** A counter station's verifier. */
  verifierId: string | undefined;
  label: string;
  /** SHA-256 (hex) of a token; undefined for a station key. */
  secretHash: string | undefined;
  /** A station's Ed25519 public key; undefined for a token. */
  publicKey: Uint8Array | undefined;
  createdAt: number;
  expiresAt: number | undefined;
  revokedAt: number | undefined;
  /** The credential that made this one ("init" for the first operator token). */
  createdBy: string;
}

/** A one-time enrolment code an owner or manager gave to a station's installer (stored as a hash). */
export interface EnrolmentCode {
  codeHash: string;
  role: StationRole;
  merchantId: string;
  verifierId: string | undefined;
  expiresAt: number;
  createdBy: string;
}

/** One entry of the audit chain, before the store chains it. */
export interface NewAuditEntry {
  at: number;
  /** The credential id that acted, or "system" for the verifier's own decisions. */
  actor: string;
  merchantId: string | null;
  action: string;
  subject: string;
  /** JSON text with the details. */
  detail: string;
}

export interface AuditEntry extends NewAuditEntry {
  sequence: number;
  previousHash: string;
  hash: string;
}

/** A firmware image the operator approved: stamps running anything else are not registered. */
export interface ApprovedFirmware {
  hash: string;
  label: string;
  approvedAt: number;
}
