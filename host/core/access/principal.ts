/**
 * Who is asking. Every core operation takes a Principal and decides from it alone; the HTTP
 * layer only turns a credential into one. People hold API tokens; stations hold their own
 * Ed25519 keys and sign each request.
 */

export const ROLES = ["operator", "owner", "manager", "auditor", "counter-station", "flashing-station"] as const;
export type Role = (typeof ROLES)[number];

/** Roles a person's API token can carry (stations enrol with a code instead). */
export const PERSON_ROLES = ["operator", "owner", "manager", "auditor"] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** Roles a station key can be enrolled for. */
export const STATION_ROLES = ["counter-station", "flashing-station"] as const;
export type StationRole = (typeof STATION_ROLES)[number];

export type Principal =
  /** Runs the service: creates merchants and their owners, approves firmware, keeps the ledger's evidence. */
  | { role: "operator"; credentialId: string }
  /** People of one merchant: owner and manager run it; the auditor only reads. */
  | { role: "owner" | "manager" | "auditor"; credentialId: string; merchantId: string }
  /** One counter station: challenges and taps for its own verifier only. */
  | { role: "counter-station"; credentialId: string; merchantId: string; verifierId: string }
  /** A flashing station: registers proved stamps for the merchant it is enrolled for. */
  | { role: "flashing-station"; credentialId: string; merchantId: string };

/** The merchant a principal is scoped to; undefined for the operator. */
export function merchantOf(principal: Principal): string | undefined {
  return principal.role === "operator" ? undefined : principal.merchantId;
}

/**
 * Whether an object of `merchantId` is visible to the principal. Objects of another merchant
 * are answered exactly like objects that do not exist, so their ids cannot be probed.
 */
export function canSee(principal: Principal, merchantId: string): boolean {
  return principal.role === "operator" || principal.merchantId === merchantId;
}
