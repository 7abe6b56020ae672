import { Principal, Role } from "./principal";

/**
 * What each role may do, as data: the single source for the core's checks and for the
 * route × role table in docs/security.md (which a test walks against the running API).
 * Scoping to the principal's merchant (and a counter station's verifier) is checked on top of
 * this, by the operation itself.
 */
export const PERMISSIONS = {
  "merchant.create": ["operator"],
  "merchant.read": ["operator", "owner", "manager", "auditor", "flashing-station"],
  "token.issue": ["operator", "owner"],
  "credential.read": ["operator", "owner"],
  "credential.revoke": ["operator", "owner"],
  "enrolment-code.issue": ["owner", "manager"],
  "shop.create": ["owner", "manager"],
  /** A shop's location, for the travel rule. */
  "shop.configure": ["owner", "manager"],
  "shop.read": ["owner", "manager", "auditor", "flashing-station"],
  "verifier.create": ["owner", "manager"],
  "verifier.configure": ["owner", "manager"],
  "verifier.read": ["owner", "manager", "auditor", "counter-station"],
  "challenge.issue": ["counter-station"],
  "tap.submit": ["counter-station"],
  /** An offline-capable station's copy of the registry it may verify against, and its queued taps' upload. */
  "station.registry": ["counter-station"],
  "offline-tap.upload": ["counter-station"],
  "provisioning.challenge": ["flashing-station"],
  "stamp.register": ["flashing-station"],
  "stamp.read": ["owner", "manager", "auditor", "flashing-station"],
  "stamp.revoke": ["owner", "manager", "flashing-station"],
  "stamp.reinstate": ["owner", "manager"],
  "event.read": ["owner", "manager", "auditor"],
  "alert.read": ["owner", "manager", "auditor"],
  "audit.read": ["operator", "owner", "auditor"],
  "ledger.check": ["operator"],
  "ledger.checkpoint": ["operator"],
  "firmware.approve": ["operator"],
  "firmware.read": ["operator", "flashing-station"],
  "worker.create": ["owner", "manager"],
  "worker.read": ["owner", "manager", "auditor"],
  "worker.invite": ["owner", "manager"],
  "loyalty.configure": ["owner", "manager"],
  "loyalty.read": ["owner", "manager", "auditor"],
  "analytics.read": ["owner", "manager", "auditor"],
  "coupon.issue": ["owner", "manager"],
  "coupon.read": ["owner", "manager", "auditor"],
  "dashboard.invite": ["owner", "manager"],
  "dashboard.recover": ["owner"],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export function can(principal: Principal, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(principal.role);
}
