import { Attempt } from "../campaign";
import { RawAnswer } from "./raw-http";

/** The error code of a JSON refusal ({ error: { code } }), if the answer has one. */
export function errorCode(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
    const error: unknown = body.error;
    return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
  } catch {
    return undefined;
  }
}

/** "HTTP 401 UNAUTHENTICATED", "HTTP 303 → /dashboard/login": what the report shows of an answer. */
export function describeAnswer(answer: RawAnswer): string {
  const code = errorCode(answer.text);
  const location = answer.headers.location;
  return `HTTP ${answer.status}${code === undefined ? "" : " " + code}${location === undefined ? "" : " → " + location}`;
}

/** Whether the host did what was asked: any 2xx. A refusal, a redirect to the login, a 404 is not. */
export function isServed(status: number): boolean {
  return status >= 200 && status < 300;
}

/** An unauthorised request: accepted when served. */
export function attackOf(attack: string, answer: RawAnswer): Attempt {
  return { attack: attack, legitimate: false, accepted: isServed(answer.status), flagged: false, answer: describeAnswer(answer) };
}

/** A legitimate request mixed in: it must be served (else a false rejection). */
export function legitimateOf(attack: string, answer: RawAnswer): Attempt {
  return { attack: attack, legitimate: true, accepted: isServed(answer.status), flagged: false, answer: describeAnswer(answer) };
}

/** An attack judged on something other than the status (a list that leaks, a state that changed). */
export function judged(attack: string, accepted: boolean, answer: string): Attempt {
  return { attack: attack, legitimate: false, accepted: accepted, flagged: false, answer: answer };
}
