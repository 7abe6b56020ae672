/**
 * Every sentence the phone pages show, in each language. Values that come from people (merchant,
 * shop and worker names, reward labels) are passed in as arguments and escaped by the page, never
 * here: these functions return plain text.
 */
import { Language } from "./language";
import { ENGLISH } from "./messages-en";
import { KOREAN } from "./messages-ko";

export interface Messages {
  /** This language's name in itself ("한국어"): the language switch shows the other one's. */
  languageName: string;
  languageSwitchLabel: string;
  siteName: string;
  myCards: string;
  navigationLabel: string;

  pressTitle: string;
  pressExplain: string;
  holdHint: string;
  nfcButton: string;
  nfcScanning: string;
  nfcNoLink: string;
  nfcFailed: string;
  noPublicUrl: string;

  stamped(quantity: number): string;
  clockedIn(time: string): string;
  /** The shift that just ended, from its clock-in: a shift past midnight is not split into "today". */
  clockedOut(time: string, shiftMinutes: number): string;
  alreadyUsed: string;
  notGenuine: string;
  unknownStamp: string;
  revoked: string;
  quarantined: string;
  notPressed: string;
  late: string;
  clone: string;
  outsideShop: string;
  failed: string;
  /** A press redeemed this reward or coupon: the customer shows the screen to the staff. */
  redeemed(label: string): string;
  voucherUsed: string;
  voucherExpired: string;

  vouchersTitle: string;
  rewardKind: string;
  couponKind: string;
  validUntil(date: string): string;
  usedOn(date: string): string;
  expiredOn(date: string): string;
  useButton: string;
  /** The holder asked to use a voucher: the next press of the stamp on this phone uses it. */
  redeemPending(label: string, until: string): string;
  cancelButton: string;
  redeemCancelled: string;
  redeemUnknown: string;
  /** Shown to the person at the counter: the card's code for the counter reader. */
  counterCodeTitle: string;
  counterCodeExplain(until: string): string;

  stampsCount(stamps: number): string;
  progressLabel(have: number, of: number): string;
  nextReward(missing: number, rewardLabel: string): string;
  rewardsReady(ready: number, rewardLabel: string): string;
  /** The reward of a program that kept the default label (card-model.ts), in this language. */
  defaultRewardLabel: string;
  recentTitle: string;
  recentStamp(quantity: number): string;
  recentRedeem: string;
  recentClockIn: string;
  recentClockOut: string;
  atShop(shopName: string): string;
  noRecent: string;

  workerCardTitle(workerName: string): string;
  clockedInSince(time: string): string;
  clockedOutNow: string;
  pressToClock: string;
  hoursTitle: string;
  dayColumn: string;
  hoursColumn: string;
  duration(minutes: number): string;
  missingClockOut: string;
  noHours: string;

  cardsTitle: string;
  noCards: string;
  noCardHere: string;
  workerBadge: string;
  customerBadge: string;

  keepTitle: string;
  keepExplain: string;
  keepButton: string;
  keepDone: string;
  bringTitle: string;
  bringExplain: string;
  bringButton: string;
  bringDone: string;
  passkeyFailed: string;
  passkeyWorking: string;

  inviteTitle: string;
  inviteExplain(workerName: string, merchantName: string): string;
  inviteExplainUnnamed: string;
  inviteButton: string;
  inviteInvalid: string;
  linked(workerName: string, merchantName: string): string;

  errorTitle: string;
  errorExplain: string;
  notFoundTitle: string;
  notFoundExplain: string;
}

const BY_LANGUAGE: Readonly<Record<Language, Messages>> = { en: ENGLISH, ko: KOREAN };

export function messagesFor(language: Language): Messages {
  return BY_LANGUAGE[language];
}
