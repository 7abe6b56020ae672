/**
 * Every reason code and alert kind in words a shop owner understands: one table, used by the
 * HTTP API (the `sentence` of a verdict and of an alert), the CLI and the stations. It lives on
 * the host: the firmware only ever sees the reason's number, and its bundle does not grow.
 */
import { ReasonName } from "../../shared/reason-codes";
import { AlertKind } from "./model";

/** What each verdict means, for the person at the counter or the owner reading alerts. */
export const REASON_SENTENCES: Readonly<Record<ReasonName, string>> = {
  ACCEPTED: "the tap counted: the stamp is genuine and belongs here",
  MALFORMED_RESPONSE: "the reader got garbled data from the stamp: hold the stamp still on the reader and try again",
  UNKNOWN_CHALLENGE: "the stamp answered a question this counter never asked: try again; if it keeps happening, someone may be replaying old taps",
  CHALLENGE_EXPIRED: "the stamp answered too late: try again, holding the stamp on the reader until it answers",
  CHALLENGE_REUSED: "this exact tap was already used once: a copy of an old tap was sent again and refused",
  WRONG_VERIFIER: "the tap was meant for another counter: tap again at this counter",
  UNKNOWN_VERIFIER: "this counter is not set up in the system: ask the owner to add it",
  UNKNOWN_STAMP: "this stamp is not registered with your shops",
  BAD_SIGNATURE: "the stamp's answer is not genuine: it may be a fake; the owner has been alerted",
  STAMP_REVOKED: "this stamp was taken out of service and no longer counts; the owner has been alerted",
  STAMP_QUARANTINED: "this stamp is blocked because it may have been copied, until the owner checks it",
  PRESENCE_REQUIRED: "press the stamp's button (its top) while holding it on the reader",
  OUTSIDE_SHOP: "this stamp belongs to another shop and does not count here; the owner has been alerted",
  COUNTER_REGRESSION: "this stamp answered with an old number: the tap arrived late or was passed on, so it did not count; the owner has been alerted",
  STAMP_REFUSED: "the stamp refused to answer: press it again; if it keeps refusing it may need to be checked",
  COUNTER_FORK: "this stamp has been copied: two stamps signed the same number; it is blocked until the owner checks it",
  URL_ALREADY_USED: "this stamp link was already used once: each press of the stamp counts one time; press the stamp again for a new one",
  VOUCHER_USED: "this reward or coupon was already used: each one is given once",
  VOUCHER_EXPIRED: "this reward or coupon has expired and can no longer be used",
  IMPOSSIBLE_TRAVEL: "this stamp was just used at another shop, too far away to have been brought here since, so it did not count; the owner has been alerted",
  POSSIBLE_RELAY: "the stamp's answer arrived far too late to come straight from a stamp at this counter, so it did not count: press the stamp again; the owner has been alerted",
  FORGED_REGISTRATION: "a stamp registration was refused: the key was weak or not proven to be inside a stamp; the owner has been alerted",
};

/** What each alert kind means, for the owner reading `stamp alerts`. */
export const ALERT_SENTENCES: Readonly<Record<AlertKind, string>> = {
  CLONE_PROVEN: "a copy of this stamp exists: two stamps gave the same number, so it was blocked; check the stamp, then revoke or reinstate it",
  LATE_COUNTER: "this stamp gave a number it had already passed: a tap relayed late, or possibly a copy; it was not blocked, watch it and revoke it if in doubt",
  STAMP_OUTSIDE_SHOP: "this stamp was pressed at a counter where it does not belong: it may have been taken from its shop",
  REVOKED_STAMP_USED: "someone tried to use a stamp that was taken out of service",
  QUARANTINED_STAMP_USED: "someone tried to use a stamp that is blocked as a possible copy",
  FORGED_SIGNATURE: "a counter received a fake answer in this stamp's name: someone may be trying to forge it",
  IMPOSSIBLE_TRAVEL: "this stamp was used at two shops closer together in time than the trip between them takes: a copy exists or its taps are being relayed; it was not blocked, check where the stamp is and revoke it if in doubt",
  POSSIBLE_RELAY: "a counter received this stamp's answer much later than a stamp at the counter gives it: someone may be relaying it from elsewhere; it was not blocked, watch it and revoke it if in doubt",
  FORGED_REGISTRATION: "a flashing station tried to register a stamp key without a valid proof that it is inside a stamp (or a weak key): it was refused; if that station is not yours or not in use, revoke its key",
};

export function reasonSentence(reason: ReasonName): string {
  return REASON_SENTENCES[reason];
}

export function alertSentence(kind: AlertKind): string {
  return ALERT_SENTENCES[kind];
}
