import { Attempt } from "../campaign";
import { readTapAnswer } from "../world/tap-answer";
import { ContactOutcome } from "./nfc-contact";

/** What the host says of the genuine stamp: GET /v1/stamps/:id's status and last accepted counter. */
export interface StampState {
  status: string;
  lastCounter: number;
}

function answerOf(outcome: ContactOutcome): string {
  if (outcome.verdict !== undefined) return outcome.verdict.reason;
  return outcome.error === undefined ? "no verdict and no error" : `no verdict: ${outcome.error.failure}`;
}

/** A legitimate tap at the reader: only an accepted verdict counts. Pure. */
export function legitimateContact(attack: string, outcome: ContactOutcome): Attempt {
  const read = outcome.verdict === undefined ? undefined : readTapAnswer(200, outcome.verdict);
  return { attack: attack, legitimate: true, accepted: read?.accepted ?? false, flagged: read?.flagged ?? false, answer: answerOf(outcome) };
}

/**
 * An attack contact, judged by the station's verdict and by the genuine stamp's state on the host
 * before and after it. The attack succeeded ("accepted") when the verdict accepted it, when the
 * stamp's counter moved on a contact that ended without a verdict (something was recorded behind
 * the station's back), or when the stamp is no longer in service (the griefing goal: a genuine stamp
 * quarantined by someone near it). Pure.
 */
export function attackContact(attack: string, outcome: ContactOutcome, before: StampState, after: StampState): Attempt {
  const read = outcome.verdict === undefined ? undefined : readTapAnswer(200, outcome.verdict);
  // A refusal under the stamp's valid signature spends its counter by design (a clone showing
  // that value later is caught); without a verdict, nothing may be recorded at all.
  const recorded = outcome.verdict === undefined && after.lastCounter !== before.lastCounter;
  const outOfService = after.status !== before.status;
  const notes = [recorded ? `stamp counter moved ${before.lastCounter} → ${after.lastCounter}` : "", outOfService ? `stamp ${after.status}` : ""].filter((n) => n !== "");
  return {
    attack: attack,
    legitimate: false,
    accepted: (read?.accepted ?? false) || recorded || outOfService,
    flagged: read?.flagged ?? false,
    answer: [answerOf(outcome), ...notes].join(", "),
  };
}
