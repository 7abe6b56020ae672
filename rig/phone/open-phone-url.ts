/**
 * Opening a phone URL as a phone's browser does: GET it, keep the card cookie the host sets, and
 * read the tap's result from where the host sends the browser (`/card…?tap=<result>`).
 */
import { TapAnswer } from "../world/tap-answer";

/** Results that credit the card or the time sheet: only these are an acceptance. */
const CREDITING = new Set(["stamped", "redeemed", "clocked-in", "clocked-out"]);
/** Results the host raises an alert for (a late counter, a clone, a stolen, revoked or quarantined stamp). */
const FLAGGING = new Set(["late", "clone", "outside-shop", "revoked", "quarantined"]);

/** A phone: its cookie jar holds the card-holder cookie once the host has set one. */
export interface Phone {
  cookie: string | undefined;
}

/** Reads the answer to GET /t/<token>: pure. A 303 to `…?tap=<result>` is a decided tap; anything else is the HTTP status. */
export function readPhoneAnswer(status: number, location: string | null): TapAnswer {
  const result = status === 303 && location !== null ? new URL(location, "http://host.invalid").searchParams.get("tap") : null;
  if (result === null) return { accepted: false, flagged: false, answer: `HTTP ${status}` };
  return { accepted: CREDITING.has(result), flagged: FLAGGING.has(result), answer: `tap=${result}` };
}

/** The first name=value of a Set-Cookie header: what a browser sends back. */
function cookieOf(setCookie: string | null): string | undefined {
  return setCookie === null ? undefined : setCookie.split(";")[0];
}

export async function openPhoneUrl(phone: Phone, url: string): Promise<TapAnswer> {
  const response = await fetch(url, { redirect: "manual", headers: phone.cookie === undefined ? {} : { cookie: phone.cookie } });
  phone.cookie = cookieOf(response.headers.get("set-cookie")) ?? phone.cookie;
  await response.arrayBuffer();
  return readPhoneAnswer(response.status, response.headers.get("location"));
}
