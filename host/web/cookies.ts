/**
 * The two cookies of the phone pages. `stamp_card` holds only a random secret (the database keeps
 * its SHA-256 and maps it to a card holder), never a stamp's data: HttpOnly so page script never
 * sees it, Secure, SameSite=Lax so another site's form cannot post with it, two years. `stamp_lang`
 * remembers the language picked with the switch.
 */
export const CARD_COOKIE = "stamp_card";
export const LANGUAGE_COOKIE = "stamp_lang";

const TWO_YEARS_IN_SECONDS = 2 * 365 * 24 * 60 * 60;
const ONE_YEAR_IN_SECONDS = 365 * 24 * 60 * 60;
/** A card secret: 32 random bytes in base64url. Anything else in the cookie is ignored. */
const CARD_SECRET = /^[A-Za-z0-9_-]{43}$/;

/** The value of cookie `name` in a Cookie header, or undefined. The first one wins, as browsers send the most specific first. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const equals = part.indexOf("=");
    if (equals < 0 || part.slice(0, equals).trim() !== name) continue;
    return part.slice(equals + 1).trim();
  }
  return undefined;
}

/** The card secret this browser sent, when it has the shape of one. */
export function cardSecretOf(cookieHeader: string | undefined): string | undefined {
  const value = cookieValue(cookieHeader, CARD_COOKIE);
  return value !== undefined && CARD_SECRET.test(value) ? value : undefined;
}

export function cardCookie(secret: string): string {
  if (!CARD_SECRET.test(secret)) throw new Error("a card secret is 43 base64url characters");
  return `${CARD_COOKIE}=${secret}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=${TWO_YEARS_IN_SECONDS}`;
}

export function languageCookie(language: string): string {
  return `${LANGUAGE_COOKIE}=${language}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=${ONE_YEAR_IN_SECONDS}`;
}
