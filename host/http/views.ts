/** The JSON shapes the API returns: bytes as hex, times as ISO 8601, purposes by name. */
import { toHex } from "../../shared/hex";
import { IssuedForWire } from "../core/challenge-service";
import { Alert, LedgerEvent, StampRecord, StampStatus } from "../core/model";
import { purposeName } from "./purpose-names";

export interface StampView {
  id: string;
  publicKey: string;
  label: string;
  merchantId: string;
  shopIds: string[];
  verifierIds: string[];
  status: StampStatus;
  lastCounter: number;
  registeredAt: string;
  /** The firmware the flashing station checked on the stamp; null for a key registered by hand. */
  firmwareHash: string | null;
}

export function stampView(stamp: StampRecord): StampView {
  return {
    id: stamp.id,
    publicKey: toHex(stamp.publicKey),
    label: stamp.label,
    merchantId: stamp.merchantId,
    shopIds: stamp.shopIds,
    verifierIds: stamp.verifierIds,
    status: stamp.status,
    lastCounter: stamp.lastCounter,
    registeredAt: new Date(stamp.registeredAt).toISOString(),
    firmwareHash: stamp.firmwareHash ?? null,
  };
}

export interface ChallengeView {
  nonce: string;
  /** The 32 bytes to send to the stamp. */
  challenge: string;
  verifierId: string;
  purpose: string;
  quantity: number;
  issuedAt: string;
  expiresAt: string;
}

export function challengeView(issued: IssuedForWire): ChallengeView {
  return {
    nonce: issued.issued.nonce,
    challenge: toHex(issued.bytes),
    verifierId: issued.issued.verifierId,
    purpose: purposeName(issued.issued.purpose),
    quantity: issued.issued.quantity,
    issuedAt: new Date(issued.issued.issuedAt * 1000).toISOString(),
    expiresAt: new Date(issued.issued.expiresAt).toISOString(),
  };
}

export interface EventView extends Omit<LedgerEvent, "purpose" | "acceptedAt"> {
  purpose: string;
  acceptedAt: string;
}

export function eventView(event: LedgerEvent): EventView {
  return { ...event, purpose: purposeName(event.purpose), acceptedAt: new Date(event.acceptedAt).toISOString() };
}

export interface AlertView extends Omit<Alert, "at"> {
  at: string;
}

export function alertView(alert: Alert): AlertView {
  return { ...alert, at: new Date(alert.at).toISOString() };
}
