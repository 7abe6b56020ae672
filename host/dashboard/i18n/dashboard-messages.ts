/**
 * Every sentence of the dashboard, in each language it speaks (Korean and English, as the phone
 * pages: host/web/i18n/language.ts chooses). A verdict's reason and an alert's kind are worded
 * here too: the English ones are the host's own table (host/core/reason-sentences.ts).
 */
import { ReasonName } from "../../../shared/reason-codes";
import { AlertKind, StampStatus } from "../../core/model";
import { VoucherKind, VoucherState } from "../../core/phone/voucher-model";
import { StaffRole } from "../../core/staff/staff-model";
import { Language } from "../../web/i18n/language";
import { DASHBOARD_ENGLISH } from "./dashboard-en";
import { DASHBOARD_KOREAN } from "./dashboard-ko";

export interface DashboardMessages {
  siteName: string;
  languageName: string;
  navigationLabel: string;
  skipToContent: string;
  counterNav: string;
  stampsNav: string;
  reportsNav: string;
  programsNav: string;
  logOut: string;
  signedInAs(name: string, role: string): string;
  roleNames: Readonly<Record<StaffRole, string>>;

  loginTitle: string;
  loginExplain: string;
  loginButton: string;
  loginLost: string;
  noWebAuthn: string;
  passkeyWorking: string;
  passkeyFailed: string;
  noPublicUrl: string;

  enrolTitle: string;
  enrolExplain(name: string, role: string, merchantName: string): string;
  enrolButton: string;
  enrolInvalid: string;

  counterTitle: string;
  counterExplain: string;
  connecting: string;
  live: string;
  reconnecting: string;
  feedEnded: string;
  noTapsYet: string;
  counted: string;
  notCounted: string;
  viaPhone: string;
  viaStation: string;
  unknownStampName: string;
  atShop(shopName: string): string;
  reasons: Readonly<Record<ReasonName, string>>;

  stampsTitle: string;
  stampColumn: string;
  statusColumn: string;
  shopsColumn: string;
  statusNames: Readonly<Record<StampStatus, string>>;
  statusHelp: Readonly<Record<StampStatus, string>>;
  reasonLabel: string;
  revokeButton: string;
  revokeWarning: string;
  reinstateButton: string;
  revokedNotice(label: string): string;
  reinstatedNotice(label: string): string;
  actionRefused(why: string): string;
  noStamps: string;
  readOnly: string;
  alertsTitle: string;
  noAlerts: string;
  alertKinds: Readonly<Record<AlertKind, string>>;
  alertAbout(stampLabel: string, shopName: string): string;
  /** An alert a station's own request raised (a forged registration): which station, by its label. */
  alertFromStation(stationLabel: string): string;

  reportsTitle: string;
  dailyTitle: string;
  dailyExplain: string;
  /** The chart's caption: the range and what it adds up to (the same numbers are in the table below). */
  dailySummary(from: string, to: string, stamps: number, busiest: { day: string; stamps: number } | undefined): string;
  dayColumn: string;
  stampsCountColumn: string;
  customersColumn: string;
  chartKeyStamps: string;
  chartKeyCustomers: string;
  comeBackTitle: string;
  comeBackExplain(minStamps: number, quietDays: number): string;
  minStampsLabel: string;
  quietDaysLabel: string;
  showButton: string;
  csvLink: string;
  cardColumn: string;
  lastVisitColumn: string;
  noComeBack: string;
  comeBackMore(shown: number): string;
  comeBackCount(cards: number): string;
  attendanceTitle(month: string): string;
  attendanceExplain: string;
  workerColumn: string;
  hoursColumn: string;
  daysWorkedColumn: string;
  missingColumn: string;
  hoursText(minutes: number): string;
  noAttendance: string;
  missingTitle: string;
  missingLine(name: string, when: string, shopName: string | null): string;
  openTitle: string;
  openLine(name: string, since: string, shopName: string | null): string;
  /** "2025-05" as the page's language says a month. */
  monthName(month: string): string;

  programsTitle: string;
  programsReadOnly: string;
  loyaltyTitle: string;
  loyaltyExplain: string;
  stampsPerRewardLabel: string;
  stampsPerPressLabel: string;
  rewardLabelLabel: string;
  saveLoyaltyButton: string;
  loyaltySavedNotice: string;
  loyaltySummary(stampsPerReward: number, rewardLabel: string, stampsPerPress: number, rewardValidDays: number | null): string;
  rewardValidDaysLabel: string;
  rewardValidDaysHelp: string;
  couponTitle: string;
  couponExplain(cards: number): string;
  couponLabelLabel: string;
  couponDaysLabel: string;
  couponButton(cards: number): string;
  couponsIssuedNotice(issued: number): string;
  vouchersTitle: string;
  vouchersExplain: string;
  noVouchers: string;
  voucherColumn: string;
  voucherStateColumn: string;
  issuedColumn: string;
  voucherKindNames: Readonly<Record<VoucherKind, string>>;
  voucherStateNames: Readonly<Record<VoucherState, string>>;
  workersTitle: string;
  workersExplain: string;
  workerNameLabel: string;
  addWorkerButton: string;
  workerAddedNotice(name: string): string;
  noWorkers: string;
  clockedInSince(time: string): string;
  notClockedIn: string;
  inviteButton(name: string): string;
  invitationTitle(name: string): string;
  invitationExplain(name: string, until: string): string;
  invitationQrLabel(name: string): string;
  noPublicUrlForLink: string;

  errorTitle: string;
  errorExplain: string;
  notFoundTitle: string;
  notFoundExplain: string;
}

const BY_LANGUAGE: Readonly<Record<Language, DashboardMessages>> = { en: DASHBOARD_ENGLISH, ko: DASHBOARD_KOREAN };

export function dashboardMessagesFor(language: Language): DashboardMessages {
  return BY_LANGUAGE[language];
}
