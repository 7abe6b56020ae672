import { Action } from "./permissions";

/**
 * Each action in words, completing "this credential may not …": what a caller refused before
 * its request is read (host/http/route-permissions.ts) is told in the same words the core uses
 * when it refuses the same action itself.
 */
export const ACTION_WORDS: Readonly<Record<Action, string>> = {
  "merchant.create": "create merchants",
  "merchant.read": "read merchants",
  "token.issue": "issue tokens",
  "credential.read": "read credentials",
  "credential.revoke": "revoke credentials",
  "enrolment-code.issue": "issue enrolment codes",
  "shop.create": "create shops",
  "shop.configure": "configure shops",
  "shop.read": "read shops",
  "verifier.create": "create verifiers",
  "verifier.configure": "configure verifiers",
  "verifier.read": "read verifiers",
  "challenge.issue": "ask for challenges",
  "tap.submit": "submit taps",
  "station.registry": "copy the registry",
  "offline-tap.upload": "upload offline taps",
  "provisioning.challenge": "ask for provisioning challenges",
  "stamp.register": "register stamps",
  "stamp.read": "read stamps",
  "stamp.revoke": "revoke stamps",
  "stamp.reinstate": "reinstate stamps",
  "event.read": "read events",
  "alert.read": "read alerts",
  "audit.read": "read the audit chain",
  "ledger.check": "check the ledger",
  "ledger.checkpoint": "make or read ledger checkpoints",
  "firmware.approve": "approve firmware",
  "firmware.read": "read approved firmware",
  "worker.create": "add workers",
  "worker.read": "read workers",
  "worker.invite": "invite workers",
  "loyalty.configure": "set loyalty programs",
  "loyalty.read": "read loyalty programs",
  "analytics.read": "read analytics",
  "coupon.issue": "issue coupons",
  "coupon.read": "read rewards and coupons",
  "dashboard.invite": "invite people to the dashboard",
  "dashboard.recover": "make dashboard recovery codes",
};
