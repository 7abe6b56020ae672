import { Language } from "../web/i18n/language";
import { DashboardMessages } from "./i18n/dashboard-messages";

/** What every dashboard page is rendered with. */
export interface DashboardContext {
  language: Language;
  messages: DashboardMessages;
  /** The page's own path, without its query: the language switch links back to it. */
  path: string;
  /** The IANA time zone times are shown in. */
  timeZone: string;
  /** The logged-in person, on pages behind the login. */
  person: { name: string; role: string } | undefined;
}
