/**
 * Every sentence of the dashboard, in each language it speaks (Korean and English, as the phone
 * pages: host/web/i18n/language.ts chooses). A verdict's reason and an alert's kind are worded
 * here too: the English ones are the host's own table (host/core/reason-sentences.ts).
 */
import { ReasonName } from "../../../shared/reason-codes";
import { AlertKind, StampStatus } from "../../core/model";
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

  errorTitle: string;
  errorExplain: string;
  notFoundTitle: string;
  notFoundExplain: string;
}

const BY_LANGUAGE: Readonly<Record<Language, DashboardMessages>> = { en: DASHBOARD_ENGLISH, ko: DASHBOARD_KOREAN };

export function dashboardMessagesFor(language: Language): DashboardMessages {
  return BY_LANGUAGE[language];
}
