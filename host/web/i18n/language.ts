/**
 * Which language a page is shown in: the one the visitor picked with the switch (`?lang=`, then
 * kept in a cookie), else the first language of Accept-Language that the pages speak, else
 * English. Korean and English only: the seed merchants are Korean, and English is the fallback.
 */
export const LANGUAGES = ["en", "ko"] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: string | undefined): value is Language {
  return value === "en" || value === "ko";
}

interface Weighted {
  tag: string;
  quality: number;
}

/** "ko-KR,ko;q=0.9,en;q=0.8" -> tags by preference; malformed parts are skipped, q=0 means "not this". */
function preferences(acceptLanguage: string): Weighted[] {
  return acceptLanguage
    .split(",")
    .map((part, index) => {
      const [tag, ...parameters] = part.trim().split(";");
      const q = parameters.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)).find((m) => m !== null);
      return { tag: tag.trim().toLowerCase(), quality: q === undefined || q === null ? 1 : Number(q[1]), index: index };
    })
    .filter((entry) => entry.tag !== "" && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
}

/** The first language in Accept-Language that the pages speak ("ko-KR" is Korean), if any. */
export function languageFromAcceptLanguage(acceptLanguage: string | undefined): Language | undefined {
  if (acceptLanguage === undefined) return undefined;
  for (const { tag } of preferences(acceptLanguage)) {
    const primary = tag.split("-")[0];
    if (isLanguage(primary)) return primary;
  }
  return undefined;
}

/** The page's language: the explicit choice (query, then cookie), else Accept-Language, else English. */
export function chooseLanguage(choice: { query: string | undefined; cookie: string | undefined; acceptLanguage: string | undefined }): Language {
  if (isLanguage(choice.query)) return choice.query;
  if (isLanguage(choice.cookie)) return choice.cookie;
  return languageFromAcceptLanguage(choice.acceptLanguage) ?? "en";
}
