import type { Messages } from "./messages";

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function englishDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  return hours === 0 ? `${minutes % 60} min` : `${hours} h ${minutes % 60} min`;
}

export const ENGLISH: Messages = {
  languageName: "English",
  languageSwitchLabel: "Language",
  siteName: "Stamp card",
  myCards: "My cards",
  navigationLabel: "Pages",

  pressTitle: "Press the stamp, then hold your phone to it",
  pressExplain: "After each press the stamp shows a one-time link for a few seconds. Your phone opens it by itself: no app is needed.",
  holdHint: "Hold your phone against the stamp until a page opens.",
  nfcButton: "Stamp here",
  nfcScanning: "Press the stamp, then hold it to the back of this phone.",
  nfcNoLink: "That was not a stamp link of this shop. Press the stamp and try again.",
  nfcFailed: "This phone could not read the stamp here. Hold the phone to the stamp instead.",
  noPublicUrl: "This host has no public address for phones yet: its operator starts it with --public-url.",

  stamped: (quantity) => `+${plural(quantity, "stamp", "stamps")}`,
  clockedIn: (time) => `Clocked in at ${time}`,
  clockedOut: (time, shiftMinutes) => `Clocked out at ${time}: ${englishDuration(shiftMinutes)} on this shift`,
  alreadyUsed: "This stamp link was already used. Press the stamp again for a new one.",
  notGenuine: "This link was not made by a genuine stamp (it may have been edited). Nothing was added.",
  unknownStamp: "This stamp is not registered here. Nothing was added.",
  revoked: "This stamp has been taken out of service. Please tell the staff.",
  quarantined: "This stamp is paused for a check. Please tell the staff.",
  notPressed: "The stamp was not pressed. Press it, then hold your phone to it.",
  late: "The stamp has already made a newer link. Press the stamp again.",
  clone: "A copy of this stamp was detected, so it has been stopped. Please tell the staff.",
  outsideShop: "This stamp is not set up for a shop yet. Please tell the staff.",
  failed: "The stamp could not be checked just now. Please try again.",
  redeemed: (label) => `Used: ${label}. Show this screen to the staff.`,
  voucherUsed: "This reward or coupon was already used. Each one can be used once.",
  voucherExpired: "This reward or coupon has expired and can no longer be used.",

  vouchersTitle: "Rewards and coupons",
  rewardKind: "Reward",
  couponKind: "Coupon",
  validUntil: (date) => `valid until ${date}`,
  usedOn: (date) => `used ${date}`,
  expiredOn: (date) => `expired ${date}`,
  useButton: "Use now",
  redeemPending: (label, until) => `Ready to use ${label}: ask the staff to press the stamp and hold this phone to it (until ${until}).`,
  cancelButton: "Cancel",
  redeemCancelled: "Cancelled. The next press of the stamp adds a stamp again.",
  redeemUnknown: "This reward or coupon is not on this card.",
  counterCodeTitle: "At the counter reader",
  counterCodeExplain: (until) => `Show this code to the shop's reader, then have the stamp pressed (the code works until ${until}).`,

  stampsCount: (stamps) => plural(stamps, "stamp", "stamps"),
  progressLabel: (have, of) => `${have} of ${of} stamps toward the next reward`,
  nextReward: (missing, rewardLabel) => `${plural(missing, "more stamp", "more stamps")} for ${rewardLabel}`,
  rewardsReady: (ready, rewardLabel) => `Ready to claim: ${ready} × ${rewardLabel}`,
  defaultRewardLabel: "a free item",
  recentTitle: "Recent",
  recentStamp: (quantity) => `+${plural(quantity, "stamp", "stamps")}`,
  recentRedeem: "Reward or coupon used",
  recentClockIn: "Clocked in",
  recentClockOut: "Clocked out",
  atShop: (shopName) => `at ${shopName}`,
  noRecent: "Nothing yet.",

  workerCardTitle: (workerName) => `Work card: ${workerName}`,
  clockedInSince: (time) => `Clocked in since ${time}`,
  clockedOutNow: "Clocked out",
  pressToClock: "To clock in or out, press the stamp and hold this phone to it.",
  hoursTitle: "Hours",
  dayColumn: "Day",
  hoursColumn: "Hours",
  duration: englishDuration,
  missingClockOut: "no clock-out: not counted",
  noHours: "No hours yet.",

  cardsTitle: "My cards",
  noCards: "No cards on this phone yet. Press a shop's stamp and hold your phone to it to get one.",
  noCardHere: "This phone has no card at this shop yet.",
  workerBadge: "Work card",
  customerBadge: "Stamp card",

  keepTitle: "Keep your cards on other phones",
  keepExplain: "Save a passkey (fingerprint, face or screen lock). On a new phone it brings your cards back. Nothing else is asked.",
  keepButton: "Save a passkey",
  keepDone: "Saved. This passkey now brings your cards to another phone.",
  bringTitle: "Cards on another phone?",
  bringExplain: "If you saved a passkey on another phone, use it here to bring your cards to this one.",
  bringButton: "Use my passkey",
  bringDone: "Your cards are on this phone now.",
  passkeyFailed: "That did not work. Nothing was changed.",
  passkeyWorking: "Waiting for your passkey…",

  inviteTitle: "Link this phone to a worker",
  inviteExplain: (workerName, merchantName) => `This phone will clock ${workerName} in and out at ${merchantName}: press the shop's stamp and hold the phone to it.`,
  inviteExplainUnnamed: "This phone will clock a worker in and out: press the shop's stamp and hold the phone to it.",
  inviteButton: "Link this phone",
  inviteInvalid: "This invitation cannot be used: it was already used, it has expired, or the link is incomplete. Ask for a new one.",
  linked: (workerName, merchantName) => `This phone is now ${workerName}'s work card at ${merchantName}.`,

  errorTitle: "Something went wrong",
  errorExplain: "The page could not be shown. Please try again in a moment.",
  notFoundTitle: "Page not found",
  notFoundExplain: "There is nothing at this address. Check the link, or open your cards.",
};
