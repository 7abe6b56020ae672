import { ALERT_SENTENCES, REASON_SENTENCES } from "../../core/reason-sentences";
import type { DashboardMessages } from "./dashboard-messages";

/** Sentences start with a capital here; the host's tables are written to follow a colon. */
function capitalised<K extends string>(table: Readonly<Record<K, string>>): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of Object.keys(table) as K[]) out[key] = table[key].charAt(0).toUpperCase() + table[key].slice(1) + ".";
  return out;
}

export const DASHBOARD_ENGLISH: DashboardMessages = {
  siteName: "Stamp dashboard",
  languageName: "English",
  navigationLabel: "Dashboard",
  skipToContent: "Skip to content",
  counterNav: "Counter",
  stampsNav: "Stamps",
  logOut: "Log out",
  signedInAs: (name, role) => `${name} · ${role}`,
  roleNames: { owner: "owner", manager: "manager", auditor: "auditor" },

  loginTitle: "Log in",
  loginExplain: "Log in with the passkey you made on this phone or computer (or one synced to it).",
  loginButton: "Log in with a passkey",
  loginLost: "Lost your passkey? Ask an owner for a new link.",
  noWebAuthn: "This browser cannot use passkeys. Open this page in a current Chrome, Safari, Edge or Firefox.",
  passkeyWorking: "Waiting for your passkey…",
  passkeyFailed: "That did not work. Try again.",
  noPublicUrl: "This host has no public address yet, so passkeys cannot be used. Ask whoever runs it to start it with --public-url.",

  enrolTitle: "Set up your access",
  enrolExplain: (name, role, merchantName) => `This link gives ${name} access to ${merchantName}'s dashboard as ${role}. Make a passkey to finish: your phone or computer keeps it, and you log in with it from now on.`,
  enrolButton: "Make a passkey",
  enrolInvalid: "This link cannot be used: it was used already, it expired, or it is not complete. Ask an owner for a new one.",

  counterTitle: "Counter",
  counterExplain: "Every tap at your shops appears here the moment it is decided.",
  connecting: "Connecting…",
  live: "Live: new taps appear at the top.",
  reconnecting: "Connection lost. Reconnecting…",
  feedEnded: "This view stopped. Reload the page; you may need to log in again.",
  noTapsYet: "No taps since this page opened.",
  counted: "Counted",
  notCounted: "Not counted",
  viaPhone: "phone",
  viaStation: "counter reader",
  unknownStampName: "an unregistered stamp",
  atShop: (shopName) => `at ${shopName}`,
  reasons: capitalised(REASON_SENTENCES),

  stampsTitle: "Stamps",
  stampColumn: "Stamp",
  statusColumn: "Status",
  shopsColumn: "Shops",
  statusNames: { active: "In service", quarantined: "Blocked", revoked: "Out of service" },
  statusHelp: {
    active: "Taps with it count.",
    quarantined: "It may have been copied. Check the stamp, then put it back in service or take it out.",
    revoked: "Taken out of service for good: its taps never count again.",
  },
  reasonLabel: "Reason (kept in the audit record)",
  revokeButton: "Take out of service",
  revokeWarning: "This cannot be undone: the stamp will never count again.",
  reinstateButton: "Put back in service",
  revokedNotice: (label) => `“${label}” is out of service: its taps no longer count.`,
  reinstatedNotice: (label) => `“${label}” is back in service.`,
  actionRefused: (why) => `Nothing was changed: ${why}`,
  noStamps: "No stamps are registered yet. Stamps are added with `stamp flash`.",
  readOnly: "You can look here; only an owner or a manager can change a stamp.",
  alertsTitle: "Alerts",
  noAlerts: "No alerts. Good.",
  alertKinds: capitalised(ALERT_SENTENCES),
  alertAbout: (stampLabel, shopName) => `${stampLabel} · ${shopName}`,

  errorTitle: "Something went wrong",
  errorExplain: "The page could not be shown. Try again in a moment.",
  notFoundTitle: "Page not found",
  notFoundExplain: "There is nothing at this address.",
};
