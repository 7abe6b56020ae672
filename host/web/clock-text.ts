/** Times and days as a person reads them, in the page's language and the shop's time zone. */
import { Language } from "./i18n/language";

const LOCALES: Readonly<Record<Language, string>> = { en: "en-GB", ko: "ko-KR" };

/** "09:02", 24-hour in both languages. */
export function clockTime(at: number, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: timeZone }).format(at);
}

/** "2025-05-01" -> "Thu 1 May" / "5월 1일 (목)". The day is a calendar date: no time zone applies. */
export function dayText(day: string, language: Language): string {
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(LOCALES[language], { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(date);
}

/** "1 May, 09:02" / "5월 1일 09:02": an event in a list. */
export function eventTime(at: number, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: timeZone }).format(at);
}
