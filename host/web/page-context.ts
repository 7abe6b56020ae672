import { Language } from "./i18n/language";
import { Messages } from "./i18n/messages";

/** What every page is rendered with: the visitor's language, its sentences, and where the page is. */
export interface PageContext {
  language: Language;
  messages: Messages;
  /** This host's public base URL, or undefined when it has none. */
  publicUrl: string | undefined;
  /** The page's own path, without its query: the language switch links back to it. */
  path: string;
  /** The IANA time zone clock times are shown in. */
  timeZone: string;
}
