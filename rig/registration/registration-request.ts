/**
 * The registration request a flashing station sends (POST /v1/stamps), built from parts so that
 * the campaign can swap any of them, and the host's answer read as an attempt.
 */
import { ApiClient } from "../../host/client/api-client";
import { toHex } from "../../shared/hex";
import { STAMP_ID_LENGTH } from "../../shared/protocol-constants";
import { SIMULATED_FIRMWARE_HASH } from "../../sim/provision";

export interface ProofParts {
  challenge: string;
  firmwareHash: string;
  signature: string;
}

export interface RegistrationBody {
  publicKey: string;
  label: string;
  merchantId: string;
  shopIds: string[];
  /** Absent: a registration without proof of possession. */
  proof?: ProofParts;
}

export interface RegistrationAnswer {
  accepted: boolean;
  /** "HTTP <status> <code>", for the report. */
  answer: string;
  /** The registered stamp's id when accepted (to revoke it afterwards). */
  stampId: string | undefined;
}

function errorCode(body: unknown): string {
  if (typeof body !== "object" || body === null || !("error" in body)) return "";
  const error = (body as { error: unknown }).error;
  const code = typeof error === "object" && error !== null && "code" in error ? (error as { code: unknown }).code : undefined;
  return typeof code === "string" ? ` ${code}` : "";
}

/** What the stamp id of a key would be: its first bytes in hex (host/core/stamp-registration.ts). */
export function stampIdOf(publicKey: Uint8Array): string {
  return toHex(publicKey.subarray(0, STAMP_ID_LENGTH));
}

/** The proof parts in hex, with the simulated firmware's hash unless another is given. */
export function proofParts(challenge: string, signature: Uint8Array, firmwareHash: string = SIMULATED_FIRMWARE_HASH): ProofParts {
  return { challenge: challenge, firmwareHash: firmwareHash, signature: toHex(signature) };
}

/** A fresh provisioning challenge for this station (64 hex digits). */
export async function provisioningChallenge(station: ApiClient): Promise<string> {
  const response = await station.request("POST", "/v1/provisioning-challenges");
  const body = response.body as { challenge?: unknown };
  if (response.status !== 201 || typeof body.challenge !== "string") throw new Error(`provisioning challenge refused: HTTP ${response.status}`);
  return body.challenge;
}

/** Sends the registration; only a 201 is an acceptance. */
export async function register(station: ApiClient, body: RegistrationBody): Promise<RegistrationAnswer> {
  const response = await station.request("POST", "/v1/stamps", body);
  const accepted = response.status === 201;
  return { accepted: accepted, answer: `HTTP ${response.status}${errorCode(response.body)}`, stampId: accepted ? body.publicKey.slice(0, STAMP_ID_LENGTH * 2) : undefined };
}
